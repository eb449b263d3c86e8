"""AWS's rules, checked before any resource is declared: on the very arguments the builders produce.

`check` takes what the program's walk (program/aws_walk.py) declares, recorded with stand-in references
(program/checks.py), and checks each declaration against CloudWatch, CloudWatch Logs, SNS and Route 53's limits
(monitors/aws/limits.py: from botocore's models where they hold them). Each violation points at the
spec path the declaration came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Optional

from monitors.common.declarations import Declaration
from monitors.common.rules import Violation, sparse_no_data
from signals.datadog import with_stand_ins
from spec import Service

from . import limits as L
from .maintenance import cron_problem

ALARM_REFERENCE = re.compile(r'(?:ALARM|OK|INSUFFICIENT_DATA)\("([^"]*)"\)')
RULE_ELEMENT = re.compile(r'(?:ALARM|OK|INSUFFICIENT_DATA)\("[^"]*"\)|\b(?:AND|OR|NOT|TRUE|FALSE)\b')


def _problems(*found: Optional[str]) -> list[str]:
    return [p for p in found if p]


def period_problems(period: Any, window_periods: int = 1) -> list[str]:
    """Period 10, 20, 30 s or a multiple of 60; period × evaluation periods within CloudWatch's window."""
    out: list[str] = []
    if not isinstance(period, int) or period < (L.limit(L.member("cloudwatch", "PutMetricAlarm", "Period"), "min") or 1):
        return [f"period {period!r} must be a whole number of seconds, at least 1"]
    if period not in L.HIGH_RESOLUTION_PERIODS and period % 60:
        out.append(f"period {period} s is not allowed: use 10, 20, 30 or a multiple of 60 seconds")
    window = period * window_periods
    most = L.SHORT_PERIOD_WINDOW.number if period < 3600 else L.LONG_PERIOD_WINDOW.number
    if window > most:
        out.append(
            f"period × evaluation periods = {period} s × {window_periods} = {window} s exceeds {most} s "
            f"(CloudWatch's limit for periods {'under' if period < 3600 else 'of'} an hour{'' if period < 3600 else ' or more'})"
        )
    return out


def dimension_problems(dimensions: Any) -> list[str]:
    """Each dimension's name and value against the model's `Dimension` shape (lengths; a value read from another
    stack is known only once deployed)."""
    shape = L.shape("cloudwatch", "Dimension").members
    out: list[str] = []
    for name, value in (dimensions or {}).items():
        out += _problems(L.length_problem("dimension name", str(name), shape["Name"]))
        if isinstance(value, str):
            out += _problems(L.length_problem(f"dimension {name} value", value, shape["Value"]))
    return out


def _stat_problem(stat: Any) -> Optional[str]:
    statistics = L.enum(L.member("cloudwatch", "PutMetricAlarm", "Statistic"))
    if stat in statistics or (isinstance(stat, str) and re.fullmatch(L.EXTENDED_STATISTIC_PATTERN, stat)):
        return None
    return f"statistic {stat!r} is neither one of {', '.join(statistics)} nor an extended statistic such as p95 or TC(0.5:)"


def _actions(args: Any, operation: str) -> list[str]:
    shape = L.member("cloudwatch", operation, "AlarmActions")
    return _problems(
        L.count_problem("alarm actions", args.alarm_actions, shape),
        L.count_problem("OK actions", args.ok_actions, shape),
        L.count_problem("insufficient-data actions", args.insufficient_data_actions, shape),
    )


def check_metric_alarm(args: Any) -> list[str]:
    """PutMetricAlarm: names, actions, comparator, missing data, datapoints, one of statistic / extended
    statistic, or well-formed metric math (ids, one return_data, at most 20 queries)."""
    put = lambda name: L.member("cloudwatch", "PutMetricAlarm", name)  # noqa: E731
    out = _problems(
        L.length_problem("alarm name", args.name or "", put("AlarmName")),
        L.length_problem("description", args.alarm_description or "", put("AlarmDescription")),
    )
    if args.name and '"' in args.name:
        out.append(f"alarm name {args.name!r} holds a double quote: composite alarm rules could not name it")
    out += _actions(args, "PutMetricAlarm")
    if args.comparison_operator not in L.enum(put("ComparisonOperator")):
        out.append(f"comparison operator {args.comparison_operator!r} is not one of {', '.join(L.enum(put('ComparisonOperator')))}")
    if args.treat_missing_data not in L.TREAT_MISSING_DATA:
        out.append(f"treat_missing_data {args.treat_missing_data!r} is not one of {', '.join(L.TREAT_MISSING_DATA)}")
    periods, datapoints = args.evaluation_periods, args.datapoints_to_alarm
    if not isinstance(periods, int) or periods < (L.limit(put("EvaluationPeriods"), "min") or 1):
        out.append(f"evaluation periods {periods!r} must be at least 1")
        periods = 1
    if datapoints is not None and not (1 <= datapoints <= periods):
        out.append(f"datapoints to alarm ({datapoints}) must be between 1 and the evaluation periods ({periods})")
    out += dynamodb_problems(args)
    if args.metric_queries:
        out += _metric_math(args, periods)
    else:
        if (args.statistic is None) == (args.extended_statistic is None):
            out.append("give exactly one of statistic or extended statistic")
        if args.statistic is not None and args.statistic not in L.enum(put("Statistic")):
            out.append(f"statistic {args.statistic!r} is not one of {', '.join(L.enum(put('Statistic')))}")
        if args.extended_statistic is not None and not re.fullmatch(L.EXTENDED_STATISTIC_PATTERN, args.extended_statistic):
            out.append(f"extended statistic {args.extended_statistic!r} is not one CloudWatch knows, such as p95, p99.9 or PR(:0.5)")
        out += _problems(
            L.length_problem("namespace", args.namespace or "", put("Namespace")),
            L.length_problem("metric name", args.metric_name or "", put("MetricName")),
            L.count_problem("dimensions", args.dimensions, put("Dimensions")),
        )
        out += dimension_problems(args.dimensions)
        out += period_problems(args.period, periods)
    return out


def _metric_math(args: Any, periods: int) -> list[str]:
    out: list[str] = []
    if args.metric_name or args.statistic or args.extended_statistic or args.period:
        out.append("a metric-math alarm sets no metric name, statistic or period of its own")
    queries = list(args.metric_queries)
    metrics = [q for q in queries if q.metric is not None]
    expressions = [q for q in queries if q.expression is not None]
    if len(queries) > L.METRIC_QUERIES.number:
        out.append(f"{len(queries)} metric queries: at most {L.METRIC_QUERIES.number} allowed ({L.METRIC_QUERIES.url})")
    if len(metrics) > L.METRIC_MATH_METRICS.number:
        out.append(
            f"{len(metrics)} metrics in one metric-math alarm: CloudWatch allows at most {L.METRIC_MATH_METRICS.number}, a hard limit "
            f"({L.METRIC_MATH_METRICS.url}); sum many metrics of one namespace with a Metrics Insights query"
        )
    if len(expressions) > L.METRIC_EXPRESSIONS.number:
        out.append(f"{len(expressions)} expressions in one alarm: at most {L.METRIC_EXPRESSIONS.number} allowed ({L.METRIC_EXPRESSIONS.url})")
    ids = [q.id for q in queries]
    for query_id in ids:
        if not re.fullmatch(L.METRIC_ID_PATTERN, query_id or ""):
            out.append(f"metric query id {query_id!r} must start with a lowercase letter (letters, digits, '_')")
    if len(set(ids)) != len(ids):
        out.append(f"metric query ids repeat: {', '.join(sorted(i for i in set(ids) if ids.count(i) > 1))}")
    returned = [q.id for q in queries if q.return_data]
    if len(returned) != 1:
        out.append(f"exactly one metric query must return data, got {len(returned)} ({', '.join(returned) or 'none'})")
    expression_shape = L.shape("cloudwatch", "MetricExpression")
    for query in queries:
        if (query.metric is None) == (query.expression is None):
            out.append(f"metric query {query.id!r} needs exactly one of metric or expression")
        if query.expression is not None and isinstance(query.expression, str):
            out += _problems(L.length_problem(f"expression of {query.id!r}", query.expression, expression_shape))
            if INSIGHTS.match(query.expression):
                out += _insights_problems(query, periods)
                continue
            # another stack's output (a Lambda timeout's seconds) is a number there: checked where it is read
            for name in re.findall(r"\b[a-z][a-zA-Z0-9_]*\b", with_stand_ins(query.expression)):
                if name.startswith(("m", "e", "q")) and name[1:].isdigit() and name not in ids:
                    out.append(f"expression {query.expression!r} names {name!r}, which is no query of this alarm")
        if query.metric is not None:
            out += _problems(_stat_problem(query.metric.stat))
            out += dimension_problems(query.metric.dimensions)
            out += period_problems(query.metric.period, periods)
    return out


# A Metrics Insights query as vigil writes one: an aggregate of one metric over a schema, filtered by dimension values
# (Metrics Insights query components and syntax).
INSIGHTS = re.compile(r"^\s*SELECT\b", re.IGNORECASE)
INSIGHTS_QUERY = re.compile(
    r'^SELECT (?P<function>AVG|COUNT|MAX|MIN|SUM)\((?P<metric>[A-Za-z0-9_.-]+)\) FROM SCHEMA\("(?P<namespace>[^"]+)"(?P<keys>(?:, ?[A-Za-z0-9_.-]+)*)\)'
    r"(?: WHERE (?P<where>[A-Za-z0-9_.-]+ = '[^']*'(?: AND [A-Za-z0-9_.-]+ = '[^']*')*))?$"
)


def _insights_problems(query: Any, periods: int) -> list[str]:
    """A Metrics Insights query in an alarm: its grammar, its own period, and at most the latest three hours read."""
    out: list[str] = []
    text = str(query.expression)
    if not INSIGHTS_QUERY.fullmatch(text):
        out.append(f"Metrics Insights query {text[:80]!r} is not SELECT <function>(<metric>) FROM SCHEMA(\"<namespace>\", <keys>) [WHERE <key> = '<value>' ...]")
    if query.period is None:
        out.append(f"Metrics Insights query {query.id!r} needs its own period")
        return out
    out += period_problems(query.period, periods)
    if isinstance(query.period, int) and query.period * periods > L.INSIGHTS_WINDOW.number:
        out.append(
            f"period × evaluation periods = {query.period * periods} s: a Metrics Insights alarm reads only the latest "
            f"{L.INSIGHTS_WINDOW.number // 3600} hours ({L.INSIGHTS_WINDOW.url})"
        )
    return out


def dynamodb_problems(args: Any) -> list[str]:
    """AWS ignores TreatMissingData for alarms on AWS/DynamoDB metrics ("Alarms that evaluate metrics in the AWS/DynamoDB
    namespace always ignore missing data even if you choose a different option for TreatMissingData", PutMetricAlarm): a
    metric DynamoDB publishes only while something fails would keep the alarm in ALARM after a first burst, and the
    next would page nobody. Such an alarm must read its data through FILL, so no period is missing."""
    if args.treat_missing_data == "ignore":
        return []  # what it says is what AWS does
    queries = list(args.metric_queries or [])
    reads = args.namespace == DYNAMODB or any(
        (q.metric is not None and q.metric.namespace == DYNAMODB) or (q.expression is not None and f'"{DYNAMODB}"' in str(q.expression))
        for q in queries
    )
    if not reads:
        return []
    returned = next((q for q in queries if q.return_data), None)
    if returned is not None and returned.expression is not None and str(returned.expression).startswith("FILL("):
        return []
    return [
        f"an alarm on {DYNAMODB} metrics keeps its state while they are missing, whatever treat_missing_data says "
        f"({L.DYNAMODB_MISSING_DATA.url}): read them through FILL(…, 0) so the alarm returns to OK between bursts"
    ]


DYNAMODB = "AWS/DynamoDB"


def check_composite_alarm(args: Any, alarms_here: set[str]) -> list[str]:
    """PutCompositeAlarm: names, rule length, actions, and a rule (and suppressor) naming alarms of its region."""
    put = lambda name: L.member("cloudwatch", "PutCompositeAlarm", name)  # noqa: E731
    out = _problems(
        L.length_problem("alarm name", args.alarm_name or "", put("AlarmName")),
        L.length_problem("description", args.alarm_description or "", put("AlarmDescription")),
        L.length_problem("alarm rule", args.alarm_rule or "", put("AlarmRule")),
    )
    out += _actions(args, "PutCompositeAlarm")
    named = ALARM_REFERENCE.findall(args.alarm_rule or "")
    if len(named) > L.COMPOSITE_CHILDREN.number:
        out.append(f"the rule names {len(named)} alarms: at most {L.COMPOSITE_CHILDREN.number} ({L.COMPOSITE_CHILDREN.url})")
    elements = len(RULE_ELEMENT.findall(args.alarm_rule or ""))
    if elements > L.COMPOSITE_ELEMENTS.number:
        out.append(f"the rule has {elements} elements (alarm states and operators): at most {L.COMPOSITE_ELEMENTS.number} ({L.COMPOSITE_ELEMENTS.url})")
    if not named:
        out.append(f"alarm rule {str(args.alarm_rule)[:60]!r} names no alarm")
    for name in named:
        if name not in alarms_here:
            out.append(f"alarm rule names {name!r}, which is not declared in this region")
    suppressor = args.actions_suppressor
    if suppressor is not None:
        if suppressor.alarm not in alarms_here:
            out.append(f"actions suppressor {suppressor.alarm!r} is not declared in this region")
        for what, value in (("wait", suppressor.wait_period), ("extension", suppressor.extension_period)):
            if not isinstance(value, int) or value < 0:
                out.append(f"actions suppressor {what} period {value!r} must be a whole number of seconds")
    return out


def check_log_group(args: Any) -> list[str]:
    create = lambda name: L.member("logs", "CreateLogGroup", name)  # noqa: E731
    out = _problems(L.length_problem("log group name", args.name or "", create("logGroupName")))
    if (args.name or "").startswith(L.LOG_GROUP_RESERVED_PREFIX):
        out.append(f"log group name {args.name!r} starts with 'aws/', which AWS reserves")
    if args.retention_in_days not in L.RETENTION:
        out.append(f"retention {args.retention_in_days!r} days is not one of {', '.join(map(str, L.RETENTION))}")
    if args.log_group_class is not None and args.log_group_class not in L.enum(create("logGroupClass")):
        out.append(f"log group class {args.log_group_class!r} is not one of {', '.join(L.enum(create('logGroupClass')))}")
    if args.kms_key_id is not None:
        out += _problems(L.length_problem("KMS key", args.kms_key_id, create("kmsKeyId")))
    return out


def check_metric_filter(args: Any) -> list[str]:
    put = lambda name: L.member("logs", "PutMetricFilter", name)  # noqa: E731
    transformation = L.shape("logs", "MetricTransformation").members
    metric = args.metric_transformation
    return _problems(
        L.length_problem("metric filter name", args.name or "", put("filterName")),
        L.length_problem("filter pattern", args.pattern or "", put("filterPattern")),
        L.length_problem("metric name", metric.name, transformation["metricName"]),
        L.length_problem("metric namespace", metric.namespace, transformation["metricNamespace"]),
        None if metric.unit in (None, *L.enum(transformation["unit"])) else f"unit {metric.unit!r} is not a CloudWatch unit",
    )


def check_subscription_filter(args: Any, region: str, account: Optional[str] = None) -> list[str]:
    """The Datadog Forwarder is a Lambda function in the log group's own region (CloudWatch Logs requires it) and, for a
    log group in another account (`sources.aws.account`), in that account: a Lambda is no cross-account destination."""
    put = lambda name: L.member("logs", "PutSubscriptionFilter", name)  # noqa: E731
    out = _problems(L.length_problem("subscription filter name", args.name or "", put("filterName")))
    arn = str(args.destination_arn)
    found = re.fullmatch(r"arn:aws[a-z-]*:lambda:([a-z0-9-]+):([0-9]{12}):function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?", arn)
    if found is None:
        out.append(f"monitoring:logForwarderArn {arn!r} is not a Lambda function ARN")
    elif found.group(1) != region:
        out.append(f"monitoring:logForwarderArn is in {found.group(1)}, but the log group is in {region}: they must share a region")
    elif account is not None and found.group(2) != account:
        out.append(
            f"monitoring:logForwarderArn is in account {found.group(2)}, but the log group is in account {account} (sources.aws.account): "
            "a subscription filter sends only to a Lambda function of its own account"
        )
    return out


def check_topic(args: Any) -> list[str]:
    if not re.fullmatch(L.TOPIC_NAME_PATTERN, args.name or ""):
        return [f"SNS topic name {args.name!r} must be 1-256 letters, digits, '-' or '_'"]
    return []


def check_health_check(args: Any) -> list[str]:
    config = L.shape("route53", "HealthCheckConfig").members
    regions = config["Regions"]
    out = _problems(
        None if args.type in L.enum(config["Type"]) else f"health check type {args.type!r} is not a Route 53 type",
        L.length_problem("resource path", args.resource_path or "", config["ResourcePath"]),
        L.length_problem("domain name", args.fqdn or "", config["FullyQualifiedDomainName"]),
    )
    low, high = int(L.limit(regions, "min") or 0), int(L.limit(regions, "max") or 0)
    if not (low <= len(args.regions or []) <= high):
        out.append(f"{len(args.regions or [])} checker regions: Route 53 needs {low} to {high}")
    for region in args.regions or []:
        if region not in L.enum(regions.member):
            out.append(f"{region!r} is not a Route 53 checker region ({', '.join(L.enum(regions.member))})")
    for what, value, key in (
        ("failure threshold", args.failure_threshold, "FailureThreshold"),
        ("request interval", args.request_interval, "RequestInterval"),
        ("port", args.port, "Port"),
    ):
        bounds = L.limit(config[key], "min"), L.limit(config[key], "max")
        if value is not None and not (bounds[0] <= value <= bounds[1]):
            out.append(f"{what} {value} is outside Route 53's {bounds[0]}-{bounds[1]}")
    if args.request_interval not in L.ROUTE53_INTERVALS:
        out.append(f"request interval {args.request_interval} s: Route 53 probes every 10 or 30 s")
    return out


CRON_FIELD = r"[0-9A-Z*,\-]+"
MUTE_EXPRESSION = re.compile(rf"^cron\({CRON_FIELD}( {CRON_FIELD}){{4}}\)$|^at\([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}\)$")
ISO_DURATION = re.compile(r"^P(?:(?P<d>[0-9]+)D)?(?:T(?:(?P<h>[0-9]+)H)?(?:(?P<m>[0-9]+)M)?)?$")
MUTE_DURATION_MINUTES = (1, 15 * 24 * 60)  # PT1M to P15D
MUTE_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:00Z$")


def check_alarm_mute_rule(args: Any, alarms_here: set[str]) -> list[str]:
    """PutAlarmMuteRule: name, description, schedule (expression, duration, time zone), at most 100 alarms of the
    rule's own region, and no start or expire date with an at() expression."""
    put = lambda name: L.member("cloudwatch", "PutAlarmMuteRule", name)  # noqa: E731
    schedule_shape = L.shape("cloudwatch", "Schedule").members
    schedule = args.rule.schedule
    out = _problems(
        L.length_problem("mute rule name", args.name or "", put("Name")),
        L.length_problem("description", args.description or "", put("Description")),
        L.length_problem("schedule expression", schedule.expression or "", schedule_shape["Expression"]),
        L.length_problem("duration", schedule.duration or "", schedule_shape["Duration"]),
        L.length_problem("time zone", schedule.timezone or "", schedule_shape["Timezone"]) if schedule.timezone else None,
        L.count_problem("muted alarms", args.mute_targets.alarm_names, L.member("cloudwatch", "PutAlarmMuteRule", "MuteTargets").members["AlarmNames"]),
    )
    if not MUTE_EXPRESSION.fullmatch(schedule.expression or ""):
        out.append(f"schedule expression {schedule.expression!r} is neither cron(minute hour day-of-month month day-of-week) nor at(yyyy-MM-ddThh:mm)")
    found = ISO_DURATION.fullmatch(schedule.duration or "")
    if found is None or not any(found.groups()):
        out.append(f"duration {schedule.duration!r} is not an ISO 8601 duration such as PT4H or P1DT2H")
    else:
        minutes = int(found["d"] or 0) * 1440 + int(found["h"] or 0) * 60 + int(found["m"] or 0)
        low, high = MUTE_DURATION_MINUTES
        if not low <= minutes <= high:
            out.append(f"duration {schedule.duration} is outside CloudWatch's PT1M to P15D for a mute window")
    if (schedule.expression or "").startswith("at(") and (args.start_date or args.expire_date):
        out.append("a one-off (at) mute rule takes no start or expire date")
    for what, value in (("start date", args.start_date), ("expire date", args.expire_date)):
        if value is not None and not MUTE_DATE.fullmatch(value):
            out.append(f"{what} {value!r} must be RFC 3339 in UTC with seconds 00, e.g. 2026-01-01T00:00:00Z")
    for name in args.mute_targets.alarm_names:
        if name not in alarms_here:
            out.append(f"mutes {name!r}, which is no alarm of this region")
    return out


def _widget_metrics(widget: dict[str, Any]) -> int:
    """Metrics a widget reads: its metric rows (those only metric math reads included), not its expressions."""
    rows = widget.get("properties", {}).get("metrics", [])
    return sum(1 for row in rows if isinstance(row, list) and row and isinstance(row[0], str))


def check_dashboard(name: str, body: dict[str, Any]) -> list[str]:
    """Dashboard name grammar, widget and metric counts, and every widget inside the 24-column grid."""
    out: list[str] = []
    if not re.fullmatch(L.DASHBOARD_NAME_PATTERN, name):
        out.append(f"dashboard name {name!r} must be letters, digits, '-' or '_' (at most 255)")
    widgets = body.get("widgets", [])
    if len(widgets) > L.DASHBOARD_WIDGETS.number:
        out.append(f"{len(widgets)} widgets: a dashboard holds at most {L.DASHBOARD_WIDGETS.number} ({L.DASHBOARD_WIDGETS.url})")
    total = 0
    for number, widget in enumerate(widgets, 1):
        read = _widget_metrics(widget)
        total += read
        if read > L.WIDGET_METRICS.number:
            out.append(f"widget {number} reads {read} metrics: at most {L.WIDGET_METRICS.number} ({L.WIDGET_METRICS.url})")
        x, y, width, height = (widget.get(k) for k in ("x", "y", "width", "height"))
        if not all(isinstance(v, int) for v in (x, y, width, height)):
            out.append(f"widget {number} needs whole-number x, y, width and height")
            continue
        if x < 0 or y < 0 or width < 1 or height < 1 or x + width > L.DASHBOARD_COLUMNS:
            out.append(f"widget {number} at x={x}, width={width} leaves the {L.DASHBOARD_COLUMNS}-column grid")
    if total > L.DASHBOARD_METRICS.number:
        out.append(f"the widgets read {total} metrics: a dashboard reads at most {L.DASHBOARD_METRICS.number} ({L.DASHBOARD_METRICS.url})")
    return out


def _counted(declarations: list[Declaration]) -> list[tuple[Declaration, str]]:
    """Limits over several declarations: filters per log group, composites naming one alarm."""
    found: list[tuple[Declaration, str]] = []
    per_group: dict[tuple[str, str, str], list[Declaration]] = {}
    for d in declarations:
        if d.kind in ("metric_filter", "subscription_filter"):
            group = d.args.log_group_name if d.kind == "metric_filter" else d.args.log_group
            per_group.setdefault((d.kind, d.aws_region, str(group)), []).append(d)
    for (kind, _, group), filters in per_group.items():
        most = L.METRIC_FILTERS_PER_LOG_GROUP if kind == "metric_filter" else L.SUBSCRIPTION_FILTERS_PER_LOG_GROUP
        if len(filters) > most.number:
            found.append((filters[most.number], f"{len(filters)} {kind.replace('_', ' ')}s on log group {group}: at most {most.number} ({most.url})"))
    naming: dict[tuple[str, str], list[Declaration]] = {}
    for d in declarations:
        if d.kind == "composite_alarm":
            for name in set(ALARM_REFERENCE.findall(d.args.alarm_rule or "")):
                naming.setdefault((d.aws_region, name), []).append(d)
    for (_, name), composites in naming.items():
        if len(composites) > L.COMPOSITES_PER_ALARM.number:
            found.append((composites[L.COMPOSITES_PER_ALARM.number], f"{len(composites)} composite alarms name {name}: at most {L.COMPOSITES_PER_ALARM.number} ({L.COMPOSITES_PER_ALARM.url})"))
    return found


def check_declarations(declarations: Iterable[Declaration], account: Optional[str] = None) -> list[tuple[Declaration, str]]:
    declarations = list(declarations)
    alarms: dict[str, set[str]] = {}
    for d in declarations:
        if d.kind in ("metric_alarm", "composite_alarm") and d.name:
            alarms.setdefault(d.aws_region, set()).add(d.name)
    checkers: dict[str, Callable[[Declaration], list[str]]] = {
        "metric_alarm": lambda d: check_metric_alarm(d.args),
        "composite_alarm": lambda d: check_composite_alarm(d.args, alarms.get(d.aws_region, set())),
        "log_group": lambda d: check_log_group(d.args),
        "metric_filter": lambda d: check_metric_filter(d.args),
        "subscription_filter": lambda d: check_subscription_filter(d.args, d.aws_region, account),
        "topic": lambda d: check_topic(d.args),
        "health_check": lambda d: check_health_check(d.args),
        "cloudwatch_dashboard": lambda d: check_dashboard(str(d.name), d.document or {}),
        "alarm_mute_rule": lambda d: check_alarm_mute_rule(d.args, alarms.get(d.aws_region, set())),
    }
    found = [(d, problem) for d in declarations if d.kind in checkers for problem in checkers[d.kind](d)]
    found += _counted(declarations)
    names = [(d.region, d.name) for d in declarations if d.kind in ("metric_alarm", "composite_alarm")]
    for d in declarations:
        if d.kind in ("metric_alarm", "composite_alarm") and names.count((d.region, d.name)) > 1:
            found.append((d, f"alarm name {d.name!r} is used twice in {d.region}"))
    return found


def check(service: Service, declarations: Iterable[Declaration]) -> list[Violation]:
    """Every AWS rule for one service: on what the walk declares (program/aws_walk.py), and on the spec itself."""
    declarations = list(declarations)
    account = service.sources.aws.account if service.sources.aws is not None else None
    found = check_declarations(declarations, account.id if account is not None else None)
    violations = [Violation(d.path, f"{d.name or d.logical}: {problem}") for d, problem in found]
    silent: dict[str, list[str]] = {}  # alarms that route to a severity whose route has no SNS subscriber
    own: dict[str, list[str]] = {}  # alarms of alerts with a route of their own that has no SNS subscriber
    for d in declarations:
        if d.severity and not d.args.alarm_actions:
            threshold = d.alert.signal.threshold if d.alert is not None and d.alert.signal is not None else None
            if threshold is not None and threshold.own_route is not None:
                own.setdefault(f"{d.path[0]}.{d.path[1]}", []).append(str(d.name))
            else:
                silent.setdefault(d.severity, []).append(str(d.name))
    for alert, names in sorted(own.items()):
        where, signal = alert.split(".", 1)
        violations.append(
            Violation(
                (where, signal, "route"),
                f"CloudWatch alarms of this alert ({', '.join(names)}) notify its own route, which has no sns subscriber: add one, "
                "or leave CloudWatch out with backends: [datadog]",
            )
        )
    for severity, names in sorted(silent.items()):
        shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        violations.append(
            Violation(
                ("routes", severity),
                f"CloudWatch alarms notify the {severity} route ({shown}), which has no sns subscriber: add one, "
                "or leave CloudWatch out with backends: [datadog]",
            )
        )
    violations += sparse_no_data(service)
    if service.alerts.error_log_rate is not None and "error" not in service.logs.metric_filters:
        violations.append(
            Violation(
                ("alerts", "error_log_rate"),
                "CloudWatch counts error log lines with a metric filter: add 'error' to logs.metric_filters",
            )
        )
    if service.logs.log_class == "INFREQUENT_ACCESS" and service.logs.metric_filters:
        violations.append(
            Violation(
                ("logs", "log_class"),
                "Infrequent Access log groups support no metric filters: use STANDARD or set logs.metric_filters to []",
            )
        )
    for window in service.maintenance:
        if "aws" in (window.backends or ("aws",)) and window.recurring and (problem := cron_problem(window)) is not None:
            violations.append(
                Violation(
                    ("maintenance", window.name, "rrule"),
                    f"CloudWatch mute rules repeat on a cron schedule: {problem}; write a rule cron can say, or mute only Datadog "
                    "with backends: [datadog]",
                )
            )
    for health in service.health_checks:
        if not 200 <= health.expect_status < 400:
            violations.append(
                Violation(
                    ("health_checks", health.name, "expect_status"),
                    f"health check {health.name!r} expects status {health.expect_status}: Route 53 counts only 2xx and 3xx as healthy",
                )
            )
    return sorted(set(violations))
