"""Issue 19 item 9: every semantic the replay implements keeps a test that quotes the vendor sentence it follows, with its
page. One row per rule: the sentence (verbatim), its URL, and a check that runs the replay's own evaluator (or the
generator's rule, where the two could share a belief) against what the sentence says. The tests beside this file
(test_cloudwatch_*.py, test_datadog_*.py) work each rule through in detail; this table is where a reviewer reads, rule by
rule, which vendor words the replay stands on. A rule the replay derives or assumes says so in docs/replay.md instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from monitors.aws.levels import LEVEL_EXTENSION_SECONDS, LEVEL_WAIT_SECONDS
from signals.gateways import SIGNALS as GATEWAY_SIGNALS
from signals.model import CloudWatchAlarm
from spec.sources import LambdaSource
from vigil.replay import ALARM, DD_ALERT, DD_NO_DATA, DD_OK, INSUFFICIENT_DATA, Sample, VendorData, evaluate
from vigil.replay.datadog.composites import _Parser, status
from vigil.replay.datadog.metrics import DatadogData, WindowedFormula
from vigil.replay.datadog.monitors import NEW_GROUP_DELAY
from vigil.replay.datadog.queries import parse_monitor_query

from .plans import metric_alarm, monitor, plan
from .test_cloudwatch_alarms import run
from .test_cloudwatch_composites import suppressed
from .test_cloudwatch_route53 import REGIONS, replay
from .test_datadog_monitors import TAGS

MIN = 60
AWS = "https://docs.aws.amazon.com/"
DD = "https://docs.datadoghq.com/"


@dataclass(frozen=True)
class Rule:
    name: str
    url: str
    sentence: str  # the vendor's words, verbatim
    check: Callable[[], None]


def _m_of_n() -> None:
    # breaches at minutes 5, 7 and 8 of 3-of-5: not consecutive, and the alarm fires once three of five breach
    assert run([1] * 5 + [20, 1, 20, 20] + [1] * 5, evaluationPeriods=5, datapointsToAlarm=3).entered(ALARM) == [9 * MIN]


def _missing_by_default() -> None:
    # no treatMissingData written: `missing` — an empty evaluation range makes the alarm INSUFFICIENT_DATA
    timeline = run([1, 1, 1] + [None] * 10, evaluationPeriods=1)
    assert timeline.current == INSUFFICIENT_DATA


def _suppressed_while_in_alarm() -> None:
    # the suppressor in ALARM from 3 to 21 minutes, the composite from 6 to 16: it never acts on ALARM
    assert suppressed(range(5, 15), range(2, 20)) == [(1, "ok")]


def _wait_then_act() -> None:
    # the composite enters ALARM at 6 minutes; no suppressor comes within its 2-minute wait: it acts at 8
    assert suppressed(range(5, 30), range(0)) == [(1, "ok"), (8, "alert")]


def _extension_then_act() -> None:
    # the suppressor leaves ALARM at 16 minutes, the 3-minute extension ends at 19 with the composite in ALARM: it acts
    assert suppressed(range(10, 30), range(2, 15)) == [(1, "ok"), (19, "alert")]


def _warning_held_by_the_critical() -> None:
    """The generator's belief (monitors/aws/levels.py): a warning composite suppressed by its critical tickets a minute
    after the critical clears while it still holds, and never while the critical is in ALARM."""
    assert (LEVEL_WAIT_SECONDS, LEVEL_EXTENSION_SECONDS) == (60, 60)
    critical = metric_alarm("c", threshold=50, alarmActions=["${page.arn}"])
    warning = metric_alarm("w", threshold=10, alarmActions=[], okActions=[])
    notifier = {"type": "aws:cloudwatch/compositeAlarm:CompositeAlarm", "name": "n", "parent": None, "options": {"provider": "aws-eu-west-1"},
                "inputs": {"alarmName": "n", "alarmRule": 'ALARM("w")', "alarmActions": ["${ticket.arn}"], "okActions": ["${ticket.arn}"],
                           "actionsSuppressor": {"alarm": "c", "waitPeriod": LEVEL_WAIT_SECONDS, "extensionPeriod": LEVEL_EXTENSION_SECONDS}}}  # fmt: skip
    data = VendorData(step=60, length=30)
    data.add_cloudwatch("Test", "Metric", None, [Sample.value(v) for v in [0] * 5 + [99] * 5 + [20] * 10 + [0] * 10])
    told = [(n.at // MIN, n.level) for n in evaluate(plan(critical, warning, notifier), data)["n"].notifications]
    assert told == [(1, "ok"), (12, "alert"), (21, "recovery")]  # both breach at 6: held; the critical clears at 11: +60 s


def _route53_share() -> None:
    assert replay(range(0), regions={"eu-west-1": range(10, 20), "us-east-1": range(10, 20)}).entered(ALARM) == []  # 1 of 3 healthy: 33 %
    assert replay(range(0), regions=dict.fromkeys(REGIONS, range(10, 20))).entered(ALARM) == [12 * MIN]  # none healthy


def _as_count_path() -> None:
    data = VendorData(step=60, length=5)
    data.add_datadog("requests.error", [], "count", [Sample.value(float(v)) for v in (1, 2, 3, 4, 5)])
    data.add_datadog("requests.total", [], "count", [Sample.value(10.0)] * 5)
    for modifier, expected in (("as_count", 0.3), ("as_rate", 1.5)):  # the page's own table, as it reads today
        query = parse_monitor_query(f"sum(last_5m): sum:requests.error{{*}}.{modifier}() / sum:requests.total{{*}}.{modifier}() > 1")
        assert WindowedFormula(DatadogData(data), query.formula, "sum").value(range(0, 5)) == pytest.approx(expected)


def _composite_and() -> None:
    expr = _Parser("${a.id} && ${b.id}").parse()
    assert status(expr, {"a": DD_ALERT, "b": DD_ALERT}) == DD_ALERT
    assert status(expr, {"a": DD_ALERT, "b": DD_OK}) == DD_OK  # "Only 1 condition met, no alert"
    assert status(expr, {"a": DD_OK, "b": DD_ALERT}) == DD_OK


def _new_group_delay() -> None:
    data = VendorData(step=60, length=20)
    data.add_datadog("cpu.usage", [*TAGS, "task_arn:a"], "gauge", [Sample.value(20.0)] * 20)
    data.add_datadog("cpu.usage", [*TAGS, "task_arn:b"], "gauge", [None] * 5 + [Sample.value(95.0)] * 15)
    query = "avg(last_5m):sum:cpu.usage{env:x} by {task_arn} > 80"
    timeline = evaluate(plan(monitor("m", query, 80, notifyBies=["*"])), data)["m"]
    assert NEW_GROUP_DELAY == 60 and timeline.entered(DD_ALERT) == [7 * MIN]  # first point at 6 min, alerting 60 s later


def _no_data_timeframe_default() -> None:
    # data until minute 9, no noDataTimeframe written: No Data once 10 minutes (twice the 5-minute timeframe) hold none
    data = VendorData(step=60, length=30)
    data.add_datadog("test.gauge", TAGS, "gauge", [Sample.value(1.0)] * 10 + [None] * 20)
    timeline = evaluate(plan(monitor("m", "avg(last_5m):avg:test.gauge{env:x} > 10", 10, notifyNoData=True)), data)["m"]
    assert timeline.entered(DD_NO_DATA) == [20 * MIN]


def _evaluation_delay_non_negative() -> None:
    from vigil.replay import ReplayError

    with pytest.raises(ReplayError, match="evaluationDelay"):
        evaluate(plan(monitor("m", "avg(last_5m):avg:test.gauge{env:x} > 10", 10, evaluationDelay=-60)), VendorData(step=60, length=1))


def _lambda_timeout() -> None:
    from pydantic import ValidationError

    assert LambdaSource.model_validate({"name": "f", "timeout": "900s"}).timeout is not None
    with pytest.raises(ValidationError):
        LambdaSource.model_validate({"name": "f", "timeout": "901s"})


def _integration_latency() -> None:
    by_name = {s.name: s.cloudwatch for s in GATEWAY_SIGNALS}
    latency, integration = by_name["gateway_latency_p95"], by_name["gateway_integration_latency_p95"]
    assert isinstance(latency, CloudWatchAlarm) and isinstance(integration, CloudWatchAlarm)
    assert (latency.unit, integration.unit) == ("ms", "ms")  # "Unit: Millisecond", both
    assert latency.graph.title == integration.graph.title  # drawn side by side: the backend's share of the latency


RULES = [
    Rule(
        "cloudwatch: M out of N",
        AWS + "AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html",
        'If Datapoints to alarm is lower than Evaluation periods, then it is an "M out of N" alarm and the alarm goes into '
        "ALARM state if at least Datapoints to alarm data points are breaching within any Evaluation periods set of data points.",
        _m_of_n,
    ),
    Rule(
        "cloudwatch: missing data by default",
        AWS + "AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
        "If this parameter is omitted, the default behavior of missing is used.",
        _missing_by_default,
    ),
    Rule(
        "cloudwatch composite: actions suppressor",
        AWS + "AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html",
        "Actions will be suppressed if the suppressor alarm is in the ALARM state.",
        _suppressed_while_in_alarm,
    ),
    Rule(
        "cloudwatch composite: wait period",
        AWS + "AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html",
        "The maximum time in seconds that the composite alarm waits for the suppressor alarm to go into the ALARM state. "
        "After this time, the composite alarm performs its actions.",
        _wait_then_act,
    ),
    Rule(
        "cloudwatch composite: extension period",
        AWS + "AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html",
        "The maximum time in seconds that the composite alarm waits after suppressor alarm goes out of the ALARM state. "
        "After this time, the composite alarm performs its actions.",
        _extension_then_act,
    ),
    Rule(
        "cloudwatch composite: one notification per problem across levels (the generator's belief)",
        AWS + "AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm_Suppression.html",
        "Use WaitPeriod to compensate for any delays that can occur when a suppressor alarm changes from OK to ALARM. For "
        "example, if a suppressor alarm changes from OK to ALARM within 60 seconds, set WaitPeriod to 60 seconds.",
        _warning_held_by_the_critical,
    ),
    Rule(
        "route 53: healthy while more than 18 % of checkers say so",
        AWS + "Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html",
        "If more than 18% of health checkers report that an endpoint is healthy, Route 53 considers it healthy. If 18% of "
        "health checkers or fewer report that an endpoint is healthy, Route 53 considers it unhealthy.",
        _route53_share,
    ),
    Rule(
        "datadog: as_count() sums before dividing",
        DD + "monitors/guide/as-count-in-monitor-evaluations/",
        "Monitors involving arithmetic and at least 1 as_count() modifier use a separate evaluation path that changes the "
        "order in which arithmetic and time aggregation are performed.",
        _as_count_path,
    ),
    Rule(
        "datadog: a composite monitor over an error rate and its hits (the low-traffic guard)",
        DD + "monitors/guide/composite_use_cases/",
        "Alert when the error rate exceeds a threshold only when hits are above a certain number.",
        _composite_and,
    ),
    Rule(
        "datadog: new groups wait before alerting",
        DD + "monitors/guide/monitor_api_options/",
        "new_group_delay time (in seconds) before starting alerting on new groups, to allow newly created applications or "
        "containers to fully start. Should be a non negative integer. Default: 60.",
        _new_group_delay,
    ),
    Rule(
        "datadog: no-data timeframe by default",
        DD + "monitors/guide/monitor_api_options/",
        "If omitted, 2x the evaluation timeframe is used for metric alerts, and 24 hours is used for service checks.",
        _no_data_timeframe_default,
    ),
    Rule(
        "datadog: evaluation delay",
        "https://datadoghq.dev/datadog-api-client-ruby/DatadogAPIClient/V1/MonitorOptions.html",
        "Time (in seconds) to delay evaluation, as a non-negative integer.",
        _evaluation_delay_non_negative,
    ),
    Rule(
        "lambda: the timeout the duration alert is a share of",
        AWS + "lambda/latest/dg/configuration-timeout.html",
        "The default value for this setting is 3 seconds, but you can adjust this in increments of 1 second up to a maximum "
        "value of 900 seconds (15 minutes).",
        _lambda_timeout,
    ),
    Rule(
        "api gateway: IntegrationLatency beside Latency",
        AWS + "apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html",
        "The time between when API Gateway receives a request from a client and when it returns a response to the client. "
        "The latency includes the integration latency and other API Gateway overhead.",
        _integration_latency,
    ),
]


def test_every_rule_names_its_page_and_quotes_a_sentence() -> None:
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.url.startswith("https://") and len(rule.sentence) > 40 and rule.sentence.endswith("."), rule.name


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_the_replay_follows_the_vendor_sentence(rule: Rule) -> None:
    rule.check()
