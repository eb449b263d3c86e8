"""The two signals added through the registry (issue 9): load-balancer 5xx and unhealthy targets, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec import SpecErrors, load_catalog
from vigil.testkit import PlanView

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "signals"
MONITOR = "datadog:index/monitor:Monitor"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.fixture(scope="module")
def plan(stack_plan) -> PlanView:  # type: ignore[no-untyped-def]
    return stack_plan("prod", catalog=FIXTURE)


def test_datadog_monitors_read_the_aws_integration_of_the_load_balancer(plan: PlanView) -> None:
    lb = plan.one(type=MONITOR, name="shop-lb-error-rate").inputs
    scope = "{loadbalancer:app/shop/0123456789abcdef}"  # the AWS integration's tags are lowercase
    assert lb["query"] == (
        f"sum(last_5m):100 * sum:aws.applicationelb.httpcode_elb_5xx{scope}.as_count() / "
        f"(sum:aws.applicationelb.request_count{scope}.as_count() + sum:aws.applicationelb.httpcode_elb_5xx{scope}.as_count()) > 2"
    )
    assert lb["monitorThresholds"] == {"critical": "2", "criticalRecovery": "1.8", "warning": "0.5", "warningRecovery": "0.45"}
    assert lb["evaluationDelay"] == 900
    traffic = plan.one(type=MONITOR, name="shop-lb-error-rate-traffic").inputs  # its requests, read as late as it
    assert traffic["query"] == (
        f"sum(last_5m):(sum:aws.applicationelb.request_count{scope}.as_count() + sum:aws.applicationelb.httpcode_elb_5xx{scope}.as_count()) >= 10"
    )
    assert traffic["evaluationDelay"] == 900
    unhealthy = plan.one(type=MONITOR, name="shop-unhealthy-targets").inputs
    assert unhealthy["query"] == (
        "avg(last_5m):sum:aws.applicationelb.un_healthy_host_count"
        "{loadbalancer:app/shop/0123456789abcdef,targetgroup:targetgroup/shop/fedcba9876543210} > 0"
    )
    assert unhealthy["monitorThresholds"] == {"critical": "0"}  # nothing below 0 to recover at: recovers when not above
    assert "@pagerduty-web" in plan.routes_of(plan.one(type=MONITOR, name="shop-unhealthy-targets"), when="alert")


def test_cloudwatch_alarms_read_the_load_balancer_itself(plan: PlanView) -> None:
    critical = plan.one(type=ALARM, name="shop-lb-error-rate-critical").inputs
    queries = {q["id"]: q for q in critical["metricQueries"]}
    # quiet below min_requests (10) in the 5 one-minute periods: ⌈10 / 5⌉ of all it answered (issue 19 item 4)
    assert queries["e1"]["expression"] == "IF(m1+m2 >= 2, 100*m1/(m1+m2), 0)" and queries["e1"]["returnData"] is True
    assert (queries["m1"]["metric"]["metricName"], queries["m2"]["metric"]["metricName"]) == ("HTTPCode_ELB_5XX_Count", "RequestCount")
    assert queries["m1"]["metric"]["dimensions"] == {"LoadBalancer": "app/Shop/0123456789abcdef"}  # no TargetGroup: the LB's own
    assert (critical["threshold"], critical["comparisonOperator"]) == (2, "GreaterThanThreshold")
    unhealthy = plan.one(type=ALARM, name="shop-unhealthy-targets-critical").inputs
    assert (unhealthy["metricName"], unhealthy["statistic"], unhealthy["threshold"]) == ("UnHealthyHostCount", "Maximum", 0)
    assert unhealthy["dimensions"] == {"LoadBalancer": "app/Shop/0123456789abcdef", "TargetGroup": "targetgroup/shop/fedcba9876543210"}
    assert unhealthy["treatMissingData"] == "notBreaching"
    assert plan.routes_of(plan.one(type=ALARM, name="shop-unhealthy-targets-critical")) == ["web-oncall@example.com"]


def test_both_dashboards_draw_them(plan: PlanView) -> None:
    datadog = plan.one(type="datadog:index/dashboard:Dashboard", service="shop").inputs
    titles = [w[k]["title"] for w in datadog["widgets"] for k in w if k.endswith("Definition")]
    assert "Load balancer 5xx (%)" in titles and "Unhealthy targets" in titles
    body = plan.one(type="aws:cloudwatch/dashboard:Dashboard", service="shop").inputs["dashboardBody"]
    assert "HTTPCode_ELB_5XX_Count" in body and "UnHealthyHostCount" in body


@pytest.mark.parametrize(
    ("written", "broken", "at", "message"),
    [
        ("unhealthy_targets: {critical: 0}", "unhealthy_targets: {critical: -1}", "shop.yaml:20:", "greater than or equal to 0"),
        ("unhealthy_targets: {critical: 0}", "unhealthy_targets: {critical: 1, warning: 2}", "shop.yaml:20:", "warning (2) must be below critical (1)"),
        ("lb_error_rate: {critical: 2%, warning: 0.5%}", "lb_error_rate: {critical: 2}", "shop.yaml:19:", "a unit is required"),
    ],
)
def test_bad_thresholds_are_errors_at_their_line(tmp_path: Path, written: str, broken: str, at: str, message: str) -> None:
    text = (FIXTURE / "shop.yaml").read_text()
    assert written in text
    (tmp_path / "shop.yaml").write_text(text.replace(written, broken))
    with pytest.raises(SpecErrors) as caught:
        load_catalog(tmp_path, ["prod"])
    errors = [str(e) for e in caught.value.errors]
    assert any(message in e and at in e for e in errors), errors
