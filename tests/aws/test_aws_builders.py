"""Pure builders, without any engine: units, evaluations, burn-rate thresholds, names, layout."""

from __future__ import annotations

import pytest
from aws_helpers import api, deployment

from dashboards.cloudwatch import dashboard_body, layout
from monitors.aws.alarms import metric_alarm_args, threshold_alarms
from monitors.aws.burn_rates import burn_rate_declarations, error_ratio_threshold, window_evaluation
from monitors.aws.composites import alarm_rule
from monitors.aws.health_checks import health_check_args, request_interval
from monitors.aws.levels import level_alarms
from monitors.aws.logs import level_pattern, metric_filter_args
from monitors.aws.metrics import watched
from monitors.aws.topics import subscription_key
from signals import REGISTRY
from signals.cloudwatch import AwsScope, Evaluation, Metric, Ratio, resolve_targets
from spec import Duration
from spec.health import HealthCheck
from spec.routes import SnsSubscription
from spec.slos import Slo
from spec.sources import AwsSource

TOPICS = {"page": "arn:page", "ticket": "arn:ticket"}


def scope(service=None):  # type: ignore[no-untyped-def]
    service = service or api()
    return AwsScope(service, resolve_targets(service.sources.aws, lambda name: f"<{name}>"), "prod")


def test_latency_threshold_is_converted_to_seconds_with_a_percentile() -> None:
    seen = watched(REGISTRY["latency_p95"], scope())
    assert seen is not None and isinstance(seen.source, Metric)
    assert seen.source.stat == "p95" and seen.source.name == "TargetResponseTime"
    assert seen.threshold(Duration.parse("500ms")) == 0.5
    assert seen.threshold(Duration.parse("1500ms")) == 1.5


def test_rates_become_counts_per_period() -> None:
    seen = watched(REGISTRY["error_log_rate"], scope())
    assert seen is not None and seen.evaluation.period == 60
    from spec.units import Rate

    assert seen.threshold(Rate.parse("100/m")) == 100
    assert seen.threshold(Rate.parse("2/s")) == 120


def test_window_sets_evaluation_periods_and_scales_datapoints() -> None:
    fast = Evaluation(60, 5, 3, "notBreaching")
    assert fast.over(None) == fast
    assert fast.over(Duration.parse("10m")) == Evaluation(60, 10, 6, "notBreaching")
    assert fast.over(Duration.parse("30s")) == Evaluation(30, 1, 1, "notBreaching")


def test_statistic_and_extended_statistic_are_exclusive() -> None:
    evaluation = Evaluation(60, 5, 3, "notBreaching")
    p95 = metric_alarm_args("a", "d", Metric("N", "M", {}, "p95"), evaluation, threshold=1, comparison="GreaterThanThreshold", actions=[], tags={})
    avg = metric_alarm_args("a", "d", Metric("N", "M", {}, "Average"), evaluation, threshold=1, comparison="GreaterThanThreshold", actions=[], tags={})
    assert (p95.extended_statistic, p95.statistic) == ("p95", None)
    assert (avg.extended_statistic, avg.statistic) == (None, "Average")


def test_ratio_alarm_is_metric_math_returning_one_expression() -> None:
    ratio = Ratio(Metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", {}, "Sum"), Metric("AWS/ApplicationELB", "RequestCount", {}, "Sum"))
    args = metric_alarm_args("a", "d", ratio, Evaluation(60, 5, 3, "notBreaching"), threshold=1, comparison="GreaterThanThreshold", actions=["t"], tags={})
    queries = args.metric_queries
    assert [q.id for q in queries] == ["m1", "m2", "e1"]
    assert [q.id for q in queries if q.return_data] == ["e1"]
    assert queries[2].expression == "100*m1/m2"
    assert args.period is None and args.statistic is None
    assert args.alarm_actions == ["t"] and args.ok_actions == ["t"]


def test_critical_pages_and_warning_tickets_unless_the_critical_is_in_alarm() -> None:
    """Issue 19 item 5: the warning alarm tells nobody itself; a composite `ALARM(warning)` tickets, suppressed by the
    critical alarm (PutCompositeAlarm's ActionsSuppressor), so a breach of both in one minute is one page."""
    declarations = level_alarms(api(), deployment(), scope(), TOPICS, "eu-west-1")
    by_name = {d.logical: d.args for d in declarations}
    assert by_name["api-cpu-critical"].alarm_actions == ["arn:page"]
    assert by_name["api-cpu-warning"].alarm_actions == [] and by_name["api-cpu-warning"].ok_actions == []
    assert "severity" not in by_name["api-cpu-warning"].tags  # the severity tag names the route an alarm notifies
    notifier = by_name["api-cpu-warning-notify"]
    assert notifier.alarm_rule == 'ALARM("api-prod-cpu-warning")' and notifier.alarm_actions == ["arn:ticket"]
    suppressor = notifier.actions_suppressor
    assert (suppressor.alarm, suppressor.wait_period, suppressor.extension_period) == ("api-prod-cpu-critical", 60, 60)
    assert [d.logical for d in declarations].index("api-cpu-warning-notify") == [d.logical for d in declarations].index("api-cpu-warning") + 1
    assert by_name["api-cache-hit-rate-critical"].comparison_operator == "LessThanThreshold"


def test_no_aws_source_no_alarm() -> None:
    service = api()
    bare = service.model_copy(update={"sources": service.sources.model_copy(update={"aws": None})})
    logical = {d.logical for d in threshold_alarms(bare, deployment(), scope(bare), TOPICS, "eu-west-1")}
    assert logical == {"api-error-log-rate-critical", "api-error-log-rate-warning"}  # logs need no AWS source


def test_burn_rate_thresholds_follow_the_workbook() -> None:
    slo = next(s for s in api().slos if s.name == "availability")
    tiers = sorted(slo.burn_rate, key=lambda t: t.long.ms)
    assert [error_ratio_threshold(slo, t) for t in tiers] == pytest.approx([1.44, 0.6, 0.3, 0.1])  # 14.4x, 6x, 3x and 1x of 0.1 %
    assert window_evaluation(Duration.parse("1h")) == Evaluation(3600, 1, 1, "notBreaching")


def test_one_composite_pages_once_and_each_ticket_tier_is_held_for_its_own_window() -> None:
    """One page for one problem: the page tiers notify nobody themselves, a composite over them (OR) does, whichever
    fires first. Each ticket tier notifies itself, held back while the page's notifier is in ALARM (the 24h/2h tier,
    for its 2-hour short window after it clears) or the page or a faster ticket tier is (the 3d/6h tier, through a
    composite over them): issue 19 item 6, a burn that outlives the page tickets within its tier's short window."""
    declarations = burn_rate_declarations(api(), deployment(), scope(), TOPICS, "eu-west-1")
    composites = {d.logical: d for d in declarations if d.kind == "composite_alarm" and "-availability-" in d.logical}
    assert list(composites) == [
        "api-slo-availability-1h", "api-slo-availability-6h", "api-slo-availability-page",
        "api-slo-availability-1d", "api-slo-availability-3d-hold", "api-slo-availability-3d",
    ]  # fmt: skip
    pages = [composites[f"api-slo-availability-{t}"] for t in ("1h", "6h")]
    assert all(t.args.alarm_actions == [] and t.args.actions_suppressor is None and t.severity is None for t in pages)
    page, day, days, hold = (composites[f"api-slo-availability-{n}"] for n in ("page", "1d", "3d", "3d-hold"))
    assert page.args.alarm_rule == f'ALARM("{pages[0].name}") OR ALARM("{pages[1].name}")'
    assert page.args.alarm_actions == page.args.ok_actions == ["arn:page"] and page.args.actions_suppressor is None
    assert day.args.alarm_actions == days.args.alarm_actions == ["arn:ticket"] and day.severity == days.severity == "ticket"
    assert (day.args.actions_suppressor.alarm, day.args.actions_suppressor.extension_period) == (page.name, 2 * 3600)
    assert hold.args.alarm_rule == f'ALARM("{page.name}") OR ALARM("{day.name}")' and hold.args.alarm_actions == []
    # behind the 24h/2h tier (the same budget share, rate x short window 3 x 2h = 1 x 6h) the 3d tier has let go of a
    # burn 6h - 2h after it, and 15 minutes to spare
    assert (days.args.actions_suppressor.alarm, days.args.actions_suppressor.extension_period) == (hold.name, 4 * 3600 + 900)
    assert days.depends_on[-1] == hold.logical and hold.depends_on == (page.logical, day.logical)


def test_a_severity_with_one_tier_notifies_from_the_tier() -> None:
    """No composite for a lone tier: it notifies its route itself, and a lone ticket tier waits on the page's."""
    slo = Slo.model_validate(
        {"name": "quarter", "objective": "99.9%", "window": "90d", "sli": "availability",
         "burn_rate": [{"long": "1h", "short": "5m", "budget": "1%", "severity": "page"},
                       {"long": "3d", "short": "6h", "budget": "5%", "severity": "ticket"}]}
    )  # fmt: skip
    service = api().model_copy(update={"slos": [slo]})
    declarations = burn_rate_declarations(service, deployment(), scope(), TOPICS, "eu-west-1")
    composites = {d.logical: d for d in declarations if d.kind == "composite_alarm"}
    assert list(composites) == ["api-slo-quarter-1h", "api-slo-quarter-3d"]
    page, ticket = composites["api-slo-quarter-1h"], composites["api-slo-quarter-3d"]
    assert page.args.alarm_actions == ["arn:page"] and page.severity == "page"
    assert ticket.args.alarm_actions == ["arn:ticket"] and ticket.args.actions_suppressor.alarm == page.name


def test_alarm_rule() -> None:
    assert alarm_rule("AND", ["a", "b"]) == 'ALARM("a") AND ALARM("b")'


def test_route53_intervals() -> None:
    check = HealthCheck(name="live", url="https://x.example.com:8443/health/live?deep=1", interval="60s", latency_budget="1s")
    assert request_interval(check) == 30
    fast = check.model_copy(update={"interval": Duration.parse("15s")})
    assert request_interval(fast) == 10
    args = health_check_args(api(), deployment(), check)
    assert (args.fqdn, args.port, args.resource_path, args.type) == ("x.example.com", 8443, "/health/live?deep=1", "HTTPS")


def test_subscription_keys_are_stable_and_distinct() -> None:
    email = SnsSubscription(protocol="email", endpoint="a@example.com")
    other = SnsSubscription(protocol="email", endpoint="b@example.com")
    secret = SnsSubscription(protocol="https", endpoint_secret="pagerdutyEndpoint")
    assert subscription_key(email) == subscription_key(SnsSubscription(protocol="email", endpoint="a@example.com"))
    assert subscription_key(email) != subscription_key(other)
    assert subscription_key(secret) == "https-pagerdutyendpoint"


def test_metric_filter_pattern_and_namespace() -> None:
    assert level_pattern("error") == '{ $.level = "error" }'
    args = metric_filter_args(api(), deployment(), "warn", "/platform/api/prod")
    assert args.metric_transformation.namespace == "Vigil/api/prod"
    assert args.metric_transformation.name == "WarnLogEvents"


def test_layout_stays_on_the_grid() -> None:
    placed = layout([{"type": "metric"}] * 3 + [{"type": "alarm", "width": 24}])
    assert [(w["x"], w["y"], w["width"]) for w in placed] == [(0, 0, 12), (12, 0, 12), (0, 6, 12), (0, 12, 24)]


def test_dashboard_honours_sections() -> None:
    service = api()
    only = service.model_copy(update={"dashboards": service.dashboards.model_copy(update={"sections": ["resources"]})})
    body = dashboard_body(scope(only), "eu-west-1", [], [])
    assert [w["properties"]["title"] for w in body["widgets"]] == ["CPU utilisation", "memory utilisation"]


def test_stack_outputs_are_read_through_the_reader() -> None:
    source = AwsSource.model_validate(
        {"from_stack": "org/infra/prod", "load_balancer": {"output": "albName"}, "ecs": {"cluster": "prod", "service": {"output": "svc"}}}
    )
    resolved = resolve_targets(source, lambda name: f"<{name}>")
    assert (resolved.load_balancer, resolved.ecs_cluster, resolved.ecs_service) == ("<albName>", "prod", "<svc>")


from hypothesis import given
from hypothesis import strategies as st


@given(seconds=st.integers(min_value=1, max_value=7 * 86_400), period=st.sampled_from([60, 300]), n=st.integers(1, 10))
def test_a_fitted_evaluation_covers_the_window_with_valid_datapoints(seconds: int, period: int, n: int) -> None:
    base = Evaluation(period, n, max(1, n // 2), "missing")
    fitted = base.over(Duration(seconds * 1000))
    assert 1 <= fitted.datapoints <= fitted.evaluation_periods
    assert fitted.period * fitted.evaluation_periods >= seconds
    assert fitted.period * (fitted.evaluation_periods - 1) < seconds  # no more periods than the window needs
