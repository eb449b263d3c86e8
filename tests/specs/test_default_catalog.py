"""The default catalog, as frozen in the reference fixture, carries every metric, threshold and health endpoint of the
operations report. (The project's own catalog/ is the user's: it is held only to invariants, tests/test_product.py.)"""

from __future__ import annotations

import pytest

from spec import Service, load_catalog
from tests.reference import REFERENCE_CATALOG


@pytest.fixture(scope="module", params=["dev", "prod"])
def api(request: pytest.FixtureRequest) -> Service:
    [service] = load_catalog(REFERENCE_CATALOG, ["dev", "prod"], strict=True).for_environment(request.param)
    return service


def test_report_thresholds_in_prod() -> None:
    [api] = load_catalog(REFERENCE_CATALOG, ["dev", "prod"]).for_environment("prod")
    assert str(api.alerts.error_rate.critical) == "1%"  # type: ignore[union-attr]
    assert str(api.alerts.latency_p95.critical) == "500ms"  # type: ignore[union-attr]
    assert str(api.alerts.cpu.critical) == "80%"  # type: ignore[union-attr]
    assert str(api.alerts.memory.critical) == "85%"  # type: ignore[union-attr]


def test_report_metrics_all_watched(api: Service) -> None:
    present = {name for name, _ in api.alerts.items()}
    assert {"latency_p50", "latency_p95", "latency_p99", "error_rate", "client_error_rate", "cpu", "memory",
            "db_connections", "cache_hit_rate", "error_log_rate"} <= present


def test_report_health_endpoints(api: Service) -> None:
    assert sorted(c.path for c in api.health_checks) == ["/health", "/health/live", "/health/ready"]
    assert {c.name: c.severity for c in api.health_checks}["live"] == "page"  # a failing liveness check pages


def test_report_logging(api: Service) -> None:
    assert api.logs.format == "json" and api.logs.levels == ["debug", "info", "warn", "error"]


def test_overlays_differ_as_documented() -> None:
    catalog = load_catalog(REFERENCE_CATALOG, ["dev", "prod"], strict=True)
    [dev], [prod] = catalog.for_environment("dev"), catalog.for_environment("prod")
    assert dev.routes.page.datadog == ["@slack-platform-dev"]  # type: ignore[union-attr]  # dev pages nobody
    assert prod.routes.page.datadog == ["@pagerduty-platform"]  # type: ignore[union-attr]
    assert (dev.logs.retention_days, prod.logs.retention_days) == (7, 90)
    assert dev.alerts.throughput_drop is None and prod.alerts.throughput_drop is not None
