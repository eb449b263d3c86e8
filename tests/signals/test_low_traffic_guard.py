"""Issue 19 item 4: every rate alert — a share of counted requests — is quiet below the service's `min_requests`, on
both backends, and which alerts are rate alerts is read from the registry (never listed): CloudWatch's `Ratio` guards
what it divides by, Datadog's `100 * a / b` over `.as_count()` queries counts `b`. The two backends agree, signal by
signal (a shared belief tested against itself would prove nothing: the scenarios under tests/replay/scenarios/
low-traffic-*.yaml replay each side's own evaluation)."""

from __future__ import annotations

import pytest

from monitors.aws.alarms import low_traffic_guard
from monitors.datadog.thresholds import requests_guard
from signals import REGISTRY, alert_signal
from signals.cloudwatch import Evaluation, Metric, Ratio, denominator
from signals.custom import custom_signal
from signals.datadog import Expression, env_filter
from signals.model import CloudWatchAlarm, DatadogMetric
from spec import Service

from .test_registry import scope, service

RATES = ("error_rate", "client_error_rate", "lb_error_rate", "function_error_rate", "gateway_error_rate")


def guarded_on_cloudwatch(svc: Service, name: str) -> bool:
    realisation = REGISTRY[name].cloudwatch if name in REGISTRY else custom_signal(name, svc.custom_alerts[name]).cloudwatch
    return isinstance(realisation, CloudWatchAlarm) and isinstance(realisation.source(scope(svc)), Ratio)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_both_backends_agree_on_which_alerts_are_rates(name: str) -> None:
    full = service()
    realisation = REGISTRY[name].datadog
    on_datadog = isinstance(realisation, DatadogMetric) and realisation.counted(full, env_filter("prod")) is not None
    assert on_datadog == guarded_on_cloudwatch(full, name) == (name in RATES), name


def test_a_custom_rate_is_guarded_on_both_backends_and_a_plain_share_is_not() -> None:
    rate = {"fires": "above", "critical": "5%", "datadog": {"metric": "shop.checkout.failed", "requests": "shop.checkout.attempts"},
            "aws": {"namespace": "Shop", "metric": "CheckoutFailed", "requests": "CheckoutAttempts"}}  # fmt: skip
    share = {"fires": "above", "critical": "5%", "datadog": {"metric": "shop.checkout.failure_rate"}, "aws": {"namespace": "Shop", "metric": "FailureRate"}}
    routes = {"page": {"datadog": ["@pagerduty-shop"]}, "ticket": {"datadog": ["@slack-shop"]}}
    svc = service(custom_alerts={"checkout_failures": rate, "failure_rate": share}, routes=routes)
    checkout, failure = alert_signal(svc, "checkout_failures"), alert_signal(svc, "failure_rate")
    assert checkout is not None and failure is not None
    assert requests_guard(svc, checkout) is not None and guarded_on_cloudwatch(svc, "checkout_failures")
    assert requests_guard(svc, failure) is None and not guarded_on_cloudwatch(svc, "failure_rate")  # no count to guard with
    query = custom_signal("checkout_failures", svc.custom_alerts["checkout_failures"]).datadog
    assert isinstance(query, DatadogMetric)
    assert query.counted(svc, env_filter("prod")) == "sum:shop.checkout.attempts{env:prod}.as_count()"


@pytest.mark.parametrize(
    ("expression", "counted"),
    [("100*m1/m2", "m2"), ("100*m1/(m1+m2)", "m1+m2"), ("100*(m1+m3)/(m2+m3)", "m2+m3"), ("100*m1/((m1)+(m2))", "(m1)+(m2)")],
)
def test_what_a_cloudwatch_share_is_taken_of(expression: str, counted: str) -> None:
    assert denominator(expression) == counted


def test_what_a_datadog_share_is_taken_of() -> None:
    counts = {"a": "sum:x.errors{s:1}.as_count()", "b": "sum:x.hits{s:1}.as_count()"}
    assert Expression("100 * a / b", counts).counted() == "sum:x.hits{s:1}.as_count()"
    assert Expression("100 * a / (b + a)", counts).counted() == "(sum:x.hits{s:1}.as_count() + sum:x.errors{s:1}.as_count())"
    assert Expression("100 * a / b", {"a": "avg:x.used{s:1}", "b": "avg:x.total{s:1}"}).counted() is None  # gauges: no count
    assert Expression("100 * a / 500", {"a": "max:x.c{s:1}"}).counted() is None  # a share of a limit, not of requests
    assert Expression("100 * a / b", counts, by=("host",)).counted() is None  # a multi alert: per group, not guarded


def test_a_guarded_share_reads_what_does_not_breach() -> None:
    """Below `min_requests` the alarm must read a value its comparison does not breach: 0 for an alert that fires above,
    100 for one that fires below (a success share): the same IF guards both."""
    ratio = Ratio(Metric("N", "Failed", {}, "Sum"), Metric("N", "Requests", {}, "Sum"))
    five = Evaluation(60, 5, 3, "notBreaching")
    svc = service()
    above, below = low_traffic_guard(ratio, svc, five, "above"), low_traffic_guard(ratio, svc, five, "below")
    assert isinstance(above, Ratio) and above.math == "IF(m2 >= 2, 100*m1/m2, 0)"
    assert isinstance(below, Ratio) and below.math == "IF(m2 >= 2, 100*m1/m2, 100)"
    assert low_traffic_guard(ratio, service(min_requests=0), five) is ratio
