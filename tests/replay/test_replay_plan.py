"""The evaluators over real plans: every alert resource is understood, and the fixture service's alerts fire on a
breach and stay quiet when healthy (hand-built vendor data, tests/replay/helpers.py)."""

from __future__ import annotations

import copy

import pytest

from vigil.replay import ALARM, DD_ALERT, DD_WARN, ReplayError, compile_plan, evaluate
from vigil.testkit import PlanView

from .helpers import FIXTURE, segments, service_data

MIN = 60
WARM_UP = 30 * MIN  # new alarms and monitors settle (partial first periods); alerts before this are not judged


@pytest.fixture(scope="module")
def fixture_plan(stack_plan) -> PlanView:  # type: ignore[no-untyped-def]
    return stack_plan("prod", catalog=FIXTURE)


def test_every_alert_resource_of_the_product_plans_is_understood(any_plan: PlanView) -> None:
    compiled = compile_plan(any_plan)
    assert compiled.alerts == sorted(r.name for r in any_plan.monitors() + any_plan.alarms())


def test_every_alert_resource_of_the_fixture_plan_is_understood(fixture_plan: PlanView) -> None:
    compiled = compile_plan(fixture_plan)
    # 49 alarms (14 for the latency SLO: its tiers, a page and a ticket composite; a warning's notifier for each of the 5
    # alerts with a warning and a critical), 28 monitors (a page and a ticket composite per SLO and a traffic monitor per
    # burn-rate tier's short window; the error rate's traffic monitor and their composite, min_requests), 2 synthetic tests
    assert len(compiled.alerts) == len(fixture_plan.monitors() + fixture_plan.alarms()) == 79
    assert len(compiled.health_checks) == 2 and sorted(compiled.slos) == ["api-availability-slo", "api-latency-slo"]


def test_a_healthy_service_pages_nobody(fixture_plan: PlanView) -> None:
    timelines = evaluate(fixture_plan, service_data(6 * 60, errors=[0.0025] * 360))  # half the 0.5 % warning
    fired = {name: [(n.at, n.level) for n in t.notifications if n.level in ("alert", "warning", "no_data") and n.at > WARM_UP]
             for name, t in timelines.items()}
    assert {name: found for name, found in fired.items() if found} == {}


def test_a_5xx_breach_fires_both_backends_at_both_levels(fixture_plan: PlanView) -> None:
    errors = segments((0.0, 120), (0.02, 30), (0.0, 90))  # 2 % from minute 120 for half an hour
    timelines = evaluate(fixture_plan, service_data(240, errors=errors))
    monitor = timelines["api-error-rate"]
    # sum(last_5m): 2 minutes of 2 % in 5 make 0.8 % (> 0.5 warning), 3 make 1.2 % (> 1 critical)
    assert monitor.changes[:2] == [(122 * MIN, DD_WARN), (123 * MIN, DD_ALERT)]
    assert monitor.notifications == [] or all(not n.targets for n in monitor.notifications)  # its composite tells
    guarded = timelines["api-error-rate-enough-traffic"]  # the error rate while 5 minutes hold 10 requests or more
    assert guarded.notified("alert")[0].targets == ("@pagerduty-platform",) and guarded.notified("alert")[0].at == 123 * MIN
    assert guarded.notified("warning")[0].targets == ("@slack-platform-alerts",)
    # CloudWatch: 3 of 5 one-minute ratios over the threshold, both levels in the same minute: one page (issue 19 item 5)
    for level in ("critical", "warning"):
        assert timelines[f"api-error-rate-{level}"].entered(ALARM) == [123 * MIN]
    assert timelines["api-error-rate-critical"].notified("alert")[0].targets == ("api-page-topic",)
    assert timelines["api-error-rate-warning"].notifications == []  # its notifier tells, unless the critical is in ALARM
    held = timelines["api-error-rate-warning-notify"]
    assert held.entered(ALARM) == [123 * MIN] and [n.level for n in held.notifications] == ["ok"]  # held, then cleared with it
    # and both recover once the errors stop (recovery threshold 0.9 %: the 5-minute window clears at 155 min)
    assert guarded.first("recovery") is not None and guarded.first("recovery") > 150 * MIN
    assert timelines["api-service-unhealthy"].entered(ALARM) == [123 * MIN]


def test_a_liveness_outage_fires_route53_and_the_synthetic_test(fixture_plan: PlanView) -> None:
    live = [True] * 120 + [False] * 30 + [True] * 90
    timelines = evaluate(fixture_plan, service_data(240, live=live))
    # Route 53: failures at 120:00, 120:30, 121:00 (threshold 3) → the minute 121-122 is unhealthy
    assert timelines["api-health-live-alarm"].first("alert") == 122 * MIN
    # Datadog: runs at 120:00 fail, retried at 120:01; 2 of 3 locations for 2 minutes
    assert timelines["api-health-live"].first("alert") == 120 * MIN + 121
    assert timelines["api-health-ready"].notifications == [] and timelines["api-health-ready-alarm"].first("alert") is None


def test_plan_documents_replay_like_plans(fixture_plan: PlanView) -> None:
    data = service_data(60, errors=segments((0.0, 40), (0.05, 20)))
    by_view = evaluate(fixture_plan, data)
    by_document = evaluate(fixture_plan.plan.to_dict(), data)
    assert {k: (t.changes, t.notifications) for k, t in by_view.items()} == {k: (t.changes, t.notifications) for k, t in by_document.items()}


def test_an_option_or_expression_the_replay_does_not_know_names_the_resource(fixture_plan: PlanView) -> None:
    document = fixture_plan.plan.to_dict()
    broken = copy.deepcopy(document)
    for resource in broken["resources"]:
        if resource["name"] == "api-error-rate":
            resource["inputs"]["onMissingData"] = "show_and_notify_no_data"
        if resource["name"] == "api-error-rate-critical":
            resource["inputs"]["metricQueries"][2]["expression"] = "100*FILL(m1, REPEAT)/m2"
    with pytest.raises(ReplayError) as caught:
        compile_plan(broken)
    lines = str(caught.value).splitlines()
    assert any(line.startswith("api-error-rate: ") and "onMissingData" in line for line in lines)
    assert any(line.startswith("api-error-rate-critical: ") and "FILL" in line for line in lines)


def test_the_example_of_docs_replay_md_runs(stack_plan) -> None:  # type: ignore[no-untyped-def]
    """The usage example of docs/replay.md, on the fixture catalog (the same load balancer and error threshold)."""
    text = (FIXTURE.parent.parent.parent / "docs" / "replay.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace('from vigil.testkit import stack_plan\n', "").replace('stack_plan("prod")', 'stack_plan("prod", catalog=FIXTURE)')
    namespace = {"stack_plan": stack_plan, "FIXTURE": FIXTURE}
    exec(compile(code, "docs/replay.md", "exec"), namespace)
    assert namespace["timelines"]["api-error-rate-critical"].first("alert") == 7380  # as the page says


def test_reads_lists_what_the_alerts_read(fixture_plan: PlanView) -> None:
    reads = compile_plan(fixture_plan).reads()
    names = {(m.namespace, m.name) for m in reads.cloudwatch}
    assert {("AWS/ApplicationELB", "RequestCount"), ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"), ("Vigil/api/prod", "ErrorLogEvents")} <= names
    assert ("AWS/Route53", "HealthCheckStatus") not in names  # CloudWatch derives it from the probes
    assert {q.metric for q in reads.datadog} >= {"trace.http.request.hits", "trace.http.request.errors", "trace.http.request"}
    assert reads.logs == {frozenset({"service:api", "env:prod", "status:error"})}
    assert reads.urls == {"https://api.example.com/health/live", "https://api.example.com/health/ready"}
