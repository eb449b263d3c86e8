"""AWS's limits, read from botocore's service models where they hold them; the rest from AWS's docs.

botocore's ParamValidator checks required fields, types and minimums only, so maximums, enums and
patterns are read from the shapes here.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Optional, Union

from monitors.common.limits import Limit
from spec.logs import RETENTION_DAYS

# Not in the models (AWS docs: PutMetricAlarm, metric math, PutDashboard, CreateTopic, Route 53 health checks).
TREAT_MISSING_DATA = ("missing", "ignore", "breaching", "notBreaching")
HIGH_RESOLUTION_PERIODS = (10, 20, 30)
METRIC_ID_PATTERN = r"^[a-z][a-zA-Z0-9_]*$"
PERCENTILE_PATTERN = r"^p(\d{1,2}(\.\d{0,10})?|100)$"
# Extended statistics (CloudWatch "Statistics definitions"; PutMetricAlarm's ExtendedStatistic lists them): percentiles,
# the short forms tm90/tc90/ts90/wm90, IQM, and the range forms PR/TC/TM/TS/WM(lower:upper) with either bound
# optional, as a metric value or a percentage.
_BOUND = r"(?:\d+(?:\.\d+)?%?)?"
EXTENDED_STATISTIC_PATTERN = rf"^(?:p(?:\d{{1,2}}(?:\.\d{{0,10}})?|100)|(?:tm|tc|ts|wm)\d{{1,2}}(?:\.\d+)?|IQM|(?:PR|TC|TM|TS|WM)\({_BOUND}:{_BOUND}\))$"
TOPIC_NAME_PATTERN = r"^[A-Za-z0-9_-]{1,256}$"
DASHBOARD_NAME_PATTERN = r"^[A-Za-z0-9_-]{1,255}$"
DASHBOARD_COLUMNS = 24
ROUTE53_INTERVALS = (10, 30)
LOG_GROUP_RESERVED_PREFIX = "aws/"
RETENTION = RETENTION_DAYS  # PutRetentionPolicy's allowed days (the model types them as a bare integer)

# ---- The documented limits of what vigil creates on AWS: the rules read these, docs/limits.md lists them ----------

_CW = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/"
_API = _CW + "APIReference/"
_LOGS = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/"
_RULES = "monitors/aws/rules.py"
_ALARM, _COMPOSITE, _DASHBOARD = "CloudWatch metric alarm", "CloudWatch composite alarm", "CloudWatch dashboard"


def _aws(resource: str, what: str, value: Union[int, str], url: str, enforced: str, hard: bool = True) -> Limit:
    return Limit("AWS", resource, what, value, url, enforced, hard)


ALARM_ACTIONS = _aws(_ALARM, "actions per state (alarm, OK, insufficient data); composite alarms too", 5,
                     _CW + "monitoring/cloudwatch_limits.html", f"{_RULES}: `_actions`")
SHORT_PERIOD_WINDOW = _aws(_ALARM, "period × evaluation periods, when the period is under an hour (seconds)", 86_400,
                           _API + "API_PutMetricAlarm.html", f"{_RULES}: `period_problems`")
LONG_PERIOD_WINDOW = _aws(_ALARM, "period × evaluation periods, when the period is an hour or more (seconds)", 604_800,
                          _API + "API_PutMetricAlarm.html", f"{_RULES}: `period_problems`")
# "Alarms based on metric math expressions can reference a maximum of 10 metrics. This is a hard limit that cannot be
# increased." (alarm-limits.html): DynamoDB's per-operation metrics are summed by a Metrics Insights query instead.
METRIC_MATH_METRICS = _aws(_ALARM, "metrics a metric-math alarm references", 10,
                           _CW + "monitoring/alarm-limits.html", f"{_RULES}: `_metric_math`")
METRIC_QUERIES = _aws(_ALARM, "metric data queries of one alarm (10 metrics and 10 expressions at most)", 20,
                      _API + "API_MetricDataQuery.html", f"{_RULES}: `_metric_math`")
METRIC_EXPRESSIONS = _aws(_ALARM, "expressions (math or Metrics Insights) of one alarm", 10,
                          _API + "API_MetricDataQuery.html", f"{_RULES}: `_metric_math`")
# "Only the latest 3 hours of data can be used for evaluating the alarm's conditions." (alarm-limits.html, "Limits that
# apply to alarms based on Metrics Insights queries")
INSIGHTS_WINDOW = _aws(_ALARM, "period × evaluation periods of a Metrics Insights alarm (seconds): it reads the latest 3 hours",
                       10_800, _CW + "monitoring/alarm-limits.html", f"{_RULES}: `_metric_math`")
# "Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing data even if you choose a different
# option for TreatMissingData." (PutMetricAlarm, TreatMissingData)
DYNAMODB_MISSING_DATA = _aws(_ALARM, "TreatMissingData of an alarm on AWS/DynamoDB metrics", "ignored: the state holds",
                             _API + "API_PutMetricAlarm.html", f"{_RULES}: `dynamodb_problems` (read through FILL)")
INSIGHTS_ALARMS = _aws(_ALARM, "alarms on a Metrics Insights query, per account and Region", 200,
                       _CW + "monitoring/alarm-limits.html", "not refused: a default quota (vigil makes one per DynamoDB alert level)", hard=False)
COMPOSITE_CHILDREN = _aws(_COMPOSITE, "alarms one rule names", 100, _API + "API_PutCompositeAlarm.html", f"{_RULES}: `check_composite_alarm`")
COMPOSITE_ELEMENTS = _aws(_COMPOSITE, "elements of one rule (alarm states and operators)", 500, _API + "API_PutCompositeAlarm.html",
                          f"{_RULES}: `check_composite_alarm`")
COMPOSITES_PER_ALARM = _aws(_COMPOSITE, "composite alarms whose rules name one alarm", 150, _API + "API_PutCompositeAlarm.html",
                            f"{_RULES}: `check_declarations` (per region)")
DASHBOARD_WIDGETS = _aws(_DASHBOARD, "widgets", 500, _CW + "monitoring/cloudwatch_limits.html", f"{_RULES}: `check_dashboard`")
WIDGET_METRICS = _aws(_DASHBOARD, "metrics of one widget (those metric math reads included)", 500,
                      _CW + "monitoring/cloudwatch_limits.html", f"{_RULES}: `check_dashboard`")
DASHBOARD_METRICS = _aws(_DASHBOARD, "metrics across all widgets", 2_500, _CW + "monitoring/cloudwatch_limits.html",
                         f"{_RULES}: `check_dashboard`")
METRIC_FILTERS_PER_LOG_GROUP = _aws("CloudWatch Logs metric filter", "metric filters of one log group", 100,
                                    _LOGS + "API_PutMetricFilter.html", f"{_RULES}: `check_declarations`")
SUBSCRIPTION_FILTERS_PER_LOG_GROUP = _aws("CloudWatch Logs subscription filter", "subscription filters of one log group", 2,
                                          _LOGS + "API_PutSubscriptionFilter.html", f"{_RULES}: `check_declarations`")
MUTE_DURATION = _aws("CloudWatch alarm mute rule", "duration of one mute window", "PT1M to P15D",
                     _API + "API_PutAlarmMuteRule.html", f"{_RULES}: `check_alarm_mute_rule`")
TOPIC_NAME = _aws("SNS topic", "name: letters, digits, `-` and `_`", "1 to 256 characters",
                  "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html", f"{_RULES}: `check_topic`")
SUBSCRIPTIONS_PER_TOPIC = _aws("SNS topic", "subscriptions of one standard topic", 12_500_000,
                               "https://docs.aws.amazon.com/general/latest/gr/sns.html",
                               "not reached: a topic per service and severity, subscribed from its route", hard=False)
ROUTE53_REQUEST_INTERVAL = _aws("Route 53 health check", "request interval (seconds)", "10 or 30",
                                "https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html",
                                f"{_RULES}: `check_health_check`")


@functools.cache
def modelled() -> tuple[Limit, ...]:
    """The limits botocore's service models hold (lengths, counts, ranges), with the operation's page."""

    def size(service: str, operation: str, name: str) -> str:
        found = member(service, operation, name).metadata
        return f"{found.get('min', 0)} to {found['max']} characters"

    put, composite, logs = _API + "API_PutMetricAlarm.html", _API + "API_PutCompositeAlarm.html", _LOGS
    return (
        _aws(_ALARM, "name", size("cloudwatch", "PutMetricAlarm", "AlarmName"), put, f"{_RULES}: `check_metric_alarm`"),
        _aws(_ALARM, "description", size("cloudwatch", "PutMetricAlarm", "AlarmDescription"), put, "monitors/aws/alarms.py: `describe` shortens it"),
        _aws(_ALARM, "dimensions of one metric", limit(member("cloudwatch", "PutMetricAlarm", "Dimensions"), "max") or 0, put, f"{_RULES}: `check_metric_alarm`"),
        _aws(_ALARM, "metric math expression", f"up to {limit(shape('cloudwatch', 'MetricDataQuery').members['Expression'], 'max')} characters",
             _API + "API_MetricDataQuery.html", f"{_RULES}: `_metric_math`"),
        _aws(_COMPOSITE, "name", size("cloudwatch", "PutCompositeAlarm", "AlarmName"), composite, f"{_RULES}: `check_composite_alarm`"),
        _aws(_COMPOSITE, "rule", size("cloudwatch", "PutCompositeAlarm", "AlarmRule"), composite, f"{_RULES}: `check_composite_alarm`"),
        _aws("CloudWatch alarm mute rule", "alarms one rule mutes",
             limit(member("cloudwatch", "PutAlarmMuteRule", "MuteTargets").members["AlarmNames"], "max") or 0,
             _API + "API_PutAlarmMuteRule.html", f"{_RULES}: `check_alarm_mute_rule`"),
        _aws("CloudWatch Logs log group", "name", size("logs", "CreateLogGroup", "logGroupName"), logs + "API_CreateLogGroup.html", f"{_RULES}: `check_log_group`"),
        _aws("CloudWatch Logs metric filter", "filter pattern", size("logs", "PutMetricFilter", "filterPattern"), logs + "API_PutMetricFilter.html",
             f"{_RULES}: `check_metric_filter`"),
        _aws("Route 53 health check", "checker regions",
             f"{limit(shape('route53', 'HealthCheckConfig').members['Regions'], 'min')} to {limit(shape('route53', 'HealthCheckConfig').members['Regions'], 'max')}",
             "https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html", f"{_RULES}: `check_health_check`"),
    )


def limits() -> tuple[Limit, ...]:
    """Every documented AWS limit of what vigil creates, in the order docs/limits.md lists them."""
    written = (
        ALARM_ACTIONS, SHORT_PERIOD_WINDOW, LONG_PERIOD_WINDOW, METRIC_MATH_METRICS, METRIC_QUERIES, METRIC_EXPRESSIONS,
        INSIGHTS_WINDOW, INSIGHTS_ALARMS, DYNAMODB_MISSING_DATA, COMPOSITE_CHILDREN, COMPOSITE_ELEMENTS, COMPOSITES_PER_ALARM, DASHBOARD_WIDGETS,
        WIDGET_METRICS, DASHBOARD_METRICS, METRIC_FILTERS_PER_LOG_GROUP, SUBSCRIPTION_FILTERS_PER_LOG_GROUP, MUTE_DURATION,
        TOPIC_NAME, SUBSCRIPTIONS_PER_TOPIC, ROUTE53_REQUEST_INTERVAL,
    )
    return tuple(sorted((*written, *modelled()), key=lambda found: found.resource))


@functools.cache
def _model(service: str) -> Any:
    """The service's model as a botocore session loads it (`Session.get_service_model`), without the session: its
    builtin handlers and its listing of every service cost more than the model itself."""
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    return ServiceModel(create_loader().load_service_model(service, "service-2"), service_name=service)


def member(service: str, operation: str, name: str) -> Any:
    """A member shape of an operation's input, e.g. member('cloudwatch', 'PutMetricAlarm', 'AlarmName')."""
    return _model(service).operation_model(operation).input_shape.members[name]


def shape(service: str, name: str) -> Any:
    return _model(service).shape_for(name)


def limit(shape_: Any, key: str) -> Optional[Any]:
    """`min`, `max` or `pattern` of a shape, when the model holds it."""
    return shape_.metadata.get(key)


def enum(shape_: Any) -> tuple[str, ...]:
    return tuple(getattr(shape_, "enum", None) or ())


def length_problem(what: str, value: str, shape_: Any) -> Optional[str]:
    """Length and pattern of a string against its shape (patterns must match the whole value)."""
    low, high, pattern = limit(shape_, "min"), limit(shape_, "max"), limit(shape_, "pattern")
    if low is not None and len(value) < low:
        return f"{what} {value!r} is shorter than {low} characters"
    if high is not None and len(value) > high:
        return f"{what} {value[:40]!r}… is longer than {high} characters"
    if pattern and not re.fullmatch(pattern, value):
        return f"{what} {value!r} does not match {pattern}"
    return None


def count_problem(what: str, items: Any, shape_: Any) -> Optional[str]:
    high = limit(shape_, "max")
    if items is not None and high is not None and len(items) > high:
        return f"{what}: {len(items)}, at most {high} allowed"
    return None
