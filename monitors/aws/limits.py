"""AWS's limits, read from botocore's service models where they hold them; the rest from AWS's docs.

botocore's ParamValidator checks required fields, types and minimums only, so maximums, enums and
patterns are read from the shapes here.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Optional

from spec.logs import RETENTION_DAYS

# Not in the models (AWS docs: PutMetricAlarm, metric math, PutDashboard, CreateTopic, Route 53 health checks).
TREAT_MISSING_DATA = ("missing", "ignore", "breaching", "notBreaching")
HIGH_RESOLUTION_PERIODS = (10, 20, 30)
SHORT_PERIOD_WINDOW_MAX = 86_400  # period × evaluation periods, when the period is under an hour
LONG_PERIOD_WINDOW_MAX = 604_800  # … when it is an hour or more
METRIC_QUERIES_MAX = 20
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
DASHBOARD_WIDGETS_MAX = 500
ROUTE53_INTERVALS = (10, 30)
LOG_GROUP_RESERVED_PREFIX = "aws/"
RETENTION = RETENTION_DAYS  # PutRetentionPolicy's allowed days (the model types them as a bare integer)


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
