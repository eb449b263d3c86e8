"""Every field of the spec: defaults, parsing and cross-field rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from spec import Service, SpecErrors, load_catalog
from spec.slos import LatencySli, Slo

from .helpers import service, write_catalog

ROUTES = {"page": {"datadog": ["@pagerduty-web"]}, "ticket": {"sns": [{"protocol": "email", "endpoint": "a@example.com"}]}}
FULL = service(
    description="Storefront",
    tags={"tier": "frontend", "cost-centre": "shop/eu"},
    routes=ROUTES,
    sources={
        "datadog": {"apm_service": "web", "span": "http.request", "runtime": "host"},
        "aws": {
            "region": "eu-west-1",
            "load_balancer": "app/web/50dc6c495c0c9188",
            "target_group": "targetgroup/web/943f017f100becff",
            "ecs": {"cluster": "prod", "service": "web"},
            "rds": {"instance": "web-db"},
            "elasticache": {"cluster": "web-cache"},
        },
    },
    health_checks=[
        {"name": "live", "url": "https://web.example.com/health/live", "interval": "30s", "latency_budget": "2s"},
        {"name": "health", "url": "https://web.example.com/health?deep=1", "severity": "ticket", "expect_status": 204},
    ],
    alerts={
        "error_rate": {"critical": "1%", "warning": "0.5%", "window": "10m"},
        "client_error_rate": {"warning": "5%"},
        "latency_p50": {"warning": "200ms"},
        "latency_p95": {"critical": "500ms", "warning": "400ms"},
        "latency_p99": {"critical": "2s"},
        "cpu": {"critical": "80%"},
        "memory": {"critical": "85%"},
        "db_connections": {"critical": 90, "warning": 70},
        "cache_hit_rate": {"critical": "70%", "warning": "80%"},
        "throughput_drop": {"critical": "1/s"},
        "error_log_rate": {"critical": "100/m"},
    },
    slos=[
        {"name": "latency", "objective": "99%", "window": "7d", "sli": {"latency_below": "300ms"}},
        {"name": "availability", "objective": "99.9%", "window": "30d", "sli": "availability", "warning": "99.95%"},
        {
            "name": "checkout",
            "objective": "99.5%",
            "window": "90d",
            "sli": {"custom": {"datadog": {"good": "sum:checkout.ok{*}", "total": "sum:checkout.all{*}"}}},
            "burn_rate": [{"long": "1h", "short": "5m", "budget": "2%", "severity": "page"}],
        },
    ],
    logs={"group": "/shop/web", "retention": "90d", "levels": ["error", "info"], "metric_filters": ["error"],
          "log_class": "INFREQUENT_ACCESS"},
    dashboards={"enabled": False, "sections": ["latency", "errors"]},
)


@pytest.fixture(scope="module")
def web() -> Service:
    return Service.model_validate(FULL)


def test_identity_and_tags(web: Service) -> None:
    assert (web.service, web.team, web.description) == ("web", "platform", "Storefront")
    assert list(web.tags) == ["cost-centre", "tier"]  # sorted for stable plans


def test_routes(web: Service) -> None:
    assert web.routes.get("page").datadog == ["@pagerduty-web"]  # type: ignore[union-attr]
    assert web.routes.ticket.sns[0].identity == "email:a@example.com"  # type: ignore[union-attr]


def test_sources(web: Service) -> None:
    assert web.sources.datadog.runtime == "host"  # type: ignore[union-attr]
    assert web.sources.aws.ecs.cluster == "prod"  # type: ignore[union-attr]
    assert web.sources.aws.elasticache.cluster == "web-cache"  # type: ignore[union-attr]


def test_health_checks_sorted_by_name_with_defaults(web: Service) -> None:
    assert [c.name for c in web.health_checks] == ["health", "live"]
    health, live = web.health_checks
    assert (health.path, health.host, health.port, health.expect_status) == ("/health?deep=1", "web.example.com", 443, 204)
    assert live.severity == "page" and live.interval.seconds == 30 and live.latency_budget.seconds == 2
    assert live.regions == ["ap-southeast-1", "eu-west-1", "us-east-1"]
    assert (live.failure.locations, live.failure.retries, live.failure.consecutive) == (2, 1, 3)


def test_alerts_parse_units(web: Service) -> None:
    alerts = web.alerts
    assert alerts.error_rate.critical.value == 1 and alerts.error_rate.window.seconds == 600  # type: ignore[union-attr]
    assert alerts.latency_p95.critical.seconds == 0.5  # type: ignore[union-attr]
    assert alerts.db_connections.warning == 70  # type: ignore[union-attr]
    assert alerts.throughput_drop.critical.per_second == 1  # type: ignore[union-attr]
    assert [name for name, _ in alerts.items()][:3] == ["error_rate", "client_error_rate", "latency_p50"]


def test_slos(web: Service) -> None:
    by_name = {s.name: s for s in web.slos}
    assert [s.name for s in web.slos] == ["availability", "checkout", "latency"]
    assert by_name["availability"].sli_kind == "availability"
    assert isinstance(by_name["latency"].sli, LatencySli) and by_name["latency"].sli_kind == "latency"
    assert by_name["checkout"].sli_kind == "custom" and len(by_name["checkout"].burn_rate) == 1
    rates = [t.burn_rate(by_name["availability"].window) for t in by_name["availability"].burn_rate]
    # Datadog's recommendation for 30 days (2 % in 1 h, 5 % in 6 h, 10 % in 24 h) and the Workbook's 10 % in 3 days (1x)
    assert rates == [14.4, 6.0, 3.0, 1.0]


def test_logs_and_dashboards(web: Service) -> None:
    assert web.logs.retention_days == 90 and web.logs.levels == ["info", "error"]
    assert web.logs.log_class == "INFREQUENT_ACCESS" and web.logs.group == "/shop/web"
    assert web.dashboards.enabled is False and web.dashboards.sections == ["latency", "errors"]


def test_minimal_service_has_safe_defaults() -> None:
    minimal = Service.model_validate(service())
    assert minimal.alerts.items() == [] and minimal.slos == [] and minimal.health_checks == []
    assert minimal.logs.metric_filters == ["warn", "error"] and minimal.dashboards.enabled


def test_spec_is_immutable(web: Service) -> None:
    with pytest.raises(ValidationError):
        web.team = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"alerts": {"cpu": {"critical": "80%"}}}, "route 'page' is used by alerts.cpu.critical"),
        ({"alerts": {"cpu": {"warning": "80%"}}}, "route 'ticket' is used by alerts.cpu.warning"),
        ({"health_checks": [{"name": "live", "url": "https://x.example.com/live"}]}, "route 'page' is used by health_checks.live"),
        (
            {"slos": [{"name": "av", "objective": "99%", "window": "7d", "sli": "availability",
                       "burn_rate": [{"long": "1h", "short": "5m", "budget": "2%", "severity": "ticket"}]}]},
            "route 'ticket' is used by slos.av.burn_rate.1h",
        ),
        ({"slos": [{"name": "av", "objective": "99%", "window": "7d", "sli": "availability",
                    "burn_rate": [{"long": "7d", "short": "1h", "budget": "2%", "severity": "page"}]}],
          "routes": ROUTES}, "must be shorter than the SLO window"),
        ({"slos": [{"name": "av", "objective": "0%", "window": "7d", "sli": "availability"}]}, "strictly between"),
        ({"health_checks": [{"name": "live", "url": "https://x.example.com/", "latency_budget": "2m"}], "routes": ROUTES},
         "latency_budget (2m) must be shorter than interval (1m)"),
        ({"routes": {"page": {"datadog": ["@a", "@a"]}}}, "Datadog handles repeat"),
        ({"logs": {"retention": "30d", "levels": ["info", "info"]}}, "levels repeat"),
        ({"tags": {"Tier": "x"}}, "Tier"),
    ],
)
def test_cross_field_rules(change: dict, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Service.model_validate(service(**change))
    assert fragment in str(caught.value)


def test_service_names_unique_across_files(tmp_path: Path) -> None:
    write_catalog(tmp_path, service(), name="a.yaml")
    write_catalog(tmp_path, service(team="other"), name="b.yaml")
    with pytest.raises(SpecErrors) as caught:
        load_catalog(tmp_path)
    [error] = caught.value.errors
    assert error.location is not None and error.location.file.endswith("b.yaml")
    assert "service name 'web' is already used at" in error.message and "a.yaml:1:10" in error.message


def test_several_services_per_file_as_documents_or_list(tmp_path: Path) -> None:
    write_catalog(tmp_path, service(service="one"), service(service="two"), name="docs.yaml")
    (tmp_path / "list.yaml").write_text(
        "- {service: three, team: t1, runbook: docs/r.md, logs: {retention: 7d}}\n"
        "- {service: four, team: t1, runbook: docs/r.md, logs: {retention: 7d}}\n"
    )
    catalog = load_catalog(tmp_path, ["prod"])
    assert [s.service for s in catalog.for_environment("prod")] == ["four", "one", "three", "two"]


def test_all_errors_of_a_run_are_reported(tmp_path: Path) -> None:
    write_catalog(tmp_path, service(team="Bad"), service(service="shop", logs={"retention": "2d"}))
    with pytest.raises(SpecErrors) as caught:
        load_catalog(tmp_path)
    assert len(caught.value.errors) == 2


def test_empty_or_missing_catalog_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecErrors, match="no services found"):
        load_catalog(tmp_path)
    with pytest.raises(SpecErrors, match="does not exist"):
        load_catalog(tmp_path / "nope")


def test_unknown_environment_requested(tmp_path: Path) -> None:
    catalog = load_catalog(write_catalog(tmp_path, service()), ["prod"])
    with pytest.raises(SpecErrors, match="unknown environment 'prd'; did you mean 'prod'"):
        catalog.for_environment("prd")


@pytest.mark.parametrize(
    ("window", "rates", "shares"),
    [("7d", [16.8, 5.6, 2.8, 1.0], ["10%", "20%", "40%", "42.86%"]), ("90d", [21.6, 10.8, 4.5, 1.0], ["1%", "3%", "5%", "3.33%"])],
)
def test_default_tiers_come_from_the_slos_own_window(window: str, rates: list[float], shares: list[str]) -> None:
    """Datadog's recommended tiers for 7 and 90-day targets, and the Workbook's 3d/6h at 1x: never below 1x."""
    slo = Slo.model_validate({"name": "availability", "objective": "99.9%", "window": window, "sli": "availability"})
    assert [t.burn_rate(slo.window) for t in slo.burn_rate] == rates
    assert [t.share for t in slo.burn_rate] == shares


def test_a_tier_below_1x_is_an_error_saying_how_to_fix_it() -> None:
    tier = {"long": "24h", "short": "2h", "budget": "10%", "severity": "ticket"}
    with pytest.raises(ValidationError, match=r"10% of the 7d budget in 1d is a 0\.7x burn, under 1x: it fires while the SLO will be met; give it at least 14\.29%"):
        Slo.model_validate({"name": "availability", "objective": "99.9%", "window": "7d", "sli": "availability", "burn_rate": [tier]})
