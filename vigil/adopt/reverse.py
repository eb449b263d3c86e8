"""Each vendor object back to the spec: a registry alert (through `probe`), a custom alert written verbatim, or the
reason the spec cannot say it. Nothing is dropped without a word: every object ends as a `Finding`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional

from signals import REGISTRY
from signals.model import CloudWatchAlarm, DatadogLogs, DatadogMetric
from spec import Duration
from spec.custom import DEFAULT_WINDOW, SPACE_AGGREGATIONS, TIME_AGGREGATIONS
from spec.grammar import CUSTOM_ALERT_PATTERN, DATADOG_METRIC_PATTERN, TAG_KEY_PATTERN, TAG_VALUE_PATTERN
from spec.notify import NoData

from . import probe
from .units import from_cloudwatch, from_datadog, registry_kind, spec_value, written

QUERY_ALERT = re.compile(r"^(?P<agg>[a-z]+)\(last_(?P<window>[0-9]+[mhd])\):(?P<expr>.+?)\s*(?P<op>>=|<=|>|<)\s*(?P<n>-?[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?)$", re.S)
LOG_ALERT = re.compile(
    r'^logs\("(?P<search>(?:[^"\\]|\\.)*)"\)\.index\("(?P<index>[^"]*)"\)\.rollup\("count"\)(?P<by>\.by\("[^"]*"\))?'
    r'\.last\("(?P<window>[0-9]+[mhd])"\)\s*(?P<op>>=|<=|>|<)\s*(?P<n>-?[0-9]+(?:\.[0-9]+)?)$'
)
CUSTOM_TERM = re.compile(
    rf"^(?P<space>{'|'.join(SPACE_AGGREGATIONS)}):(?P<metric>{DATADOG_METRIC_PATTERN.strip('^$')})\{{(?P<scope>[^{{}}]*)\}}(?P<count>\.as_count\(\))?$"
)
DIRECTION = {">": "above", ">=": "above", "<": "below", "<=": "below"}
CW_DIRECTION = {
    "GreaterThanThreshold": "above", "GreaterThanOrEqualToThreshold": "above", "LessThanThreshold": "below", "LessThanOrEqualToThreshold": "below",
}
# CloudWatch's treat_missing_data as an alert's `no_data` (spec/notify.py): the inverse of monitors/aws/alarms.TREAT_MISSING.
NO_DATA_OF = {"breaching": "alert", "notBreaching": "ok", "ignore": "keep"}
STRICT = {">": ">", ">=": ">", "<": "<", "<=": "<"}


@dataclass
class Level:
    """One threshold level an object realises: its value as the spec writes it, and whom it notifies."""

    level: str  # critical | warning
    value: Any
    handles: tuple[str, ...] = ()  # Datadog handles of this level's state
    topics: tuple[str, ...] = ()  # SNS topic ARNs of this level's alarm


@dataclass
class Finding:
    """What became of one vendor object."""

    vendor: str  # "datadog" | "cloudwatch"
    obj: dict[str, Any]
    label: str  # "Datadog monitor 123 “[prod] api: p95 latency”"
    key: Optional[str] = None  # the alert it became: a registry signal or a custom alert's name
    custom: Optional[dict[str, Any]] = None  # a custom alert's own fields (metric blocks, fires, description)
    levels: list[Level] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # window, renotify, no_data, recovery, priority
    match: Optional[probe.Match] = None
    reason: Optional[str] = None  # why the spec cannot say it (then key is None)
    notes: list[str] = field(default_factory=list)  # what changes when vigil adopts it

    @property
    def where(self) -> str:
        return f"custom_alerts.{self.key}" if self.custom is not None else f"alerts.{self.key}"


def datadog_label(monitor: Mapping[str, Any]) -> str:
    return f"Datadog monitor {monitor.get('id', '(no id)')} “{monitor.get('name', '')}”"


def cloudwatch_label(alarm: Mapping[str, Any]) -> str:
    return f"CloudWatch alarm “{alarm['AlarmName']}”"


# ---- Datadog -------------------------------------------------------------------------------------------------------


def _renotify(minutes: Optional[float], severity: str) -> Any:
    """A monitor's renotify_interval as the alert's `renotify`: None when it is vigil's default for the severity."""
    value = int(minutes or 0)
    default = 60 if severity == "page" else 0
    if value == default:
        return None
    return "never" if value == 0 else str(Duration(value * 60_000))


def map_monitor(monitor: dict[str, Any], service: str, environment: str) -> Finding:
    finding = Finding("datadog", monitor, datadog_label(monitor))
    kind = str(monitor.get("type", ""))
    query = str(monitor.get("query", "")).strip()
    if kind in ("query alert", "metric alert"):
        parsed = QUERY_ALERT.match(query)
        if parsed is None:
            finding.reason = f"its query is not `<aggregation>(last_<window>):<metrics> <comparator> <number>`: {query[:120]}"
            return finding
        expression, aggregation = parsed.group("expr"), parsed.group("agg")
        match = probe.match_datadog(service, environment, "metric", aggregation, expression)
    elif kind == "log alert":
        parsed = LOG_ALERT.match(query)
        if parsed is None or parsed.group("by") or parsed.group("index") != "*":
            finding.reason = "a log alert whose search is not a registry signal's (vigil's only log alert counts the service's error lines; custom alerts are metrics)"
            return finding
        match = probe.match_datadog(service, environment, "logs", "count", parsed.group("search").replace('\\"', '"'))
        if match is None:
            finding.reason = f"a log alert on `{parsed.group('search')}`, not the service's error lines (custom alerts are metrics, not log searches)"
            return finding
    else:
        finding.reason = _unsupported_type(monitor)
        return finding
    window = Duration.parse(parsed.group("window"))
    op = parsed.group("op")
    if match is None:
        return _custom_monitor(finding, parsed, window, op, environment)
    finding.key, finding.match = match.signal, match
    realisation = REGISTRY[match.signal].datadog
    assert isinstance(realisation, (DatadogMetric, DatadogLogs))
    if DIRECTION[op] != REGISTRY[match.signal].direction:
        finding.key, finding.reason = None, f"{match.signal} fires {REGISTRY[match.signal].direction} its thresholds; this monitor fires {DIRECTION[op]}"
        return finding
    if op in (">=", "<="):
        finding.notes.append(f"its comparator {op} becomes {STRICT[op]} (vigil's alerts fire strictly {REGISTRY[match.signal].direction})")
    if window.ms != realisation.window.ms:
        finding.settings["window"] = str(window)
    return _levels(finding, monitor, registry_kind(match.signal), lambda value: from_datadog(realisation, registry_kind(match.signal), value, window), float(parsed.group("n")))


def _unsupported_type(monitor: Mapping[str, Any]) -> str:
    kind = monitor.get("type")
    query = str(monitor.get("query", ""))
    if kind == "slo alert":
        found = re.search(r'long_window\("(\w+)"\)\.short_window\("(\w+)"\)\s*>\s*([0-9.]+)', query)
        tier = f" (a {found.group(1)}/{found.group(2)} tier at {found.group(3)}x)" if found else ""
        return (f"an SLO alert{tier} on SLO {query.split(chr(34))[1] if chr(34) in query else '?'}: the SLO itself is not among monitors "
                "(GET /api/v1/slo has it); write it under slos: (objective, window, sli) and its tiers under burn_rate")
    if kind == "composite":
        return f"a composite monitor ({query}): vigil writes its own composites (low-traffic guards, an SLO's tiers), not free ones"
    if kind == "synthetics alert":
        return "the monitor of a synthetic test: write the endpoint under health_checks (name, url); vigil makes the test and its monitor"
    words = f"a {kind!s}" if kind else "an untyped"
    words = f"an {kind}" if isinstance(kind, str) and kind[:1] in "aeiou" else words
    return f"{words} monitor: the spec's alerts are metric (query alert) and the service's error-log alerts"


def _scope_tags(scope: str, environment: str) -> tuple[Optional[dict[str, str]], bool, Optional[str]]:
    """A custom query's scope as `tags` and `env_tag`, or why it cannot be written."""
    tags: dict[str, str] = {}
    env_tag = False
    for part in [p for p in scope.split(",") if p and p != "*"]:
        key, sep, value = part.partition(":")
        if not sep or part.startswith("!") or "*" in part:
            return None, False, f"its scope {part!r} is not key:value (custom alerts scope by exact tags)"
        if key == "env" and value == environment:
            env_tag = True
            continue
        if not re.fullmatch(TAG_KEY_PATTERN, key) or not re.fullmatch(TAG_VALUE_PATTERN, value) or key in tags:
            return None, False, f"its scope tag {part!r} is not one a custom alert can write (lowercase key:value, each key once)"
        tags[key] = value
    if "env" in tags and not env_tag:
        return tags, False, None
    return tags, env_tag, None


def _custom_monitor(finding: Finding, parsed: re.Match[str], window: Duration, op: str, environment: str) -> Finding:
    """A query alert on one metric: a custom alert, written verbatim (its metric, aggregations, scope, window)."""
    monitor = finding.obj
    if monitor.get("type") == "log alert":
        finding.reason = "a log alert that is not the service's error lines"
        return finding
    term = CUSTOM_TERM.match(probe.squeeze(parsed.group("expr")))
    if term is None:
        finding.reason = f"its query `{parsed.group('expr')}` is no registry signal's and not one metric (custom alerts read one metric, no grouping, no formula)"
        return finding
    space, time_agg = term.group("space"), parsed.group("agg")
    counts = bool(term.group("count"))
    if space.startswith("p") != (time_agg == "percentile") or (time_agg not in TIME_AGGREGATIONS and time_agg != "percentile"):
        finding.reason = f"its aggregations {time_agg}(…):{space} are not a custom alert's (avg, sum, min, max over avg, sum, min, max or pNN)"
        return finding
    if counts and (space != "sum" or time_agg != "sum"):
        finding.reason = "it counts events (.as_count()) but not summed over the window, as a custom alert's rate is"
        return finding
    tags, env_tag, problem = _scope_tags(term.group("scope"), environment)
    if problem:
        finding.reason = problem
        return finding
    datadog: dict[str, Any] = {"metric": term.group("metric")}
    if space != ("sum" if counts else "avg"):
        datadog["aggregation"] = space
    if not space.startswith("p") and time_agg != ("sum" if counts else "avg"):
        datadog["time_aggregation"] = time_agg
    if tags:
        datadog["tags"] = tags
    if not env_tag:
        datadog["env_tag"] = False
    finding.key = custom_name(str(monitor.get("name") or term.group("metric")))
    finding.custom = {"fires": DIRECTION[op], "datadog": datadog}
    if op in (">=", "<="):
        finding.notes.append(f"its comparator {op} becomes {STRICT[op]} (vigil's alerts fire strictly above or below)")
    if window.ms != DEFAULT_WINDOW.ms:
        finding.settings["window"] = str(window)
    kind = "rate" if counts else "number"

    def value(n: float) -> Any:
        return n / window.seconds if counts else n

    return _levels(finding, monitor, kind, lambda n: spec_value(kind, value(n)), float(parsed.group("n")))


def _levels(finding: Finding, monitor: Mapping[str, Any], kind: str, convert: Any, critical: float) -> Finding:
    from ..routing import handles_by_severity

    options = monitor.get("options") or {}
    thresholds = options.get("thresholds") or {}
    if thresholds.get("critical") is not None and float(thresholds["critical"]) != critical:
        finding.notes.append(f"its thresholds.critical {thresholds['critical']:g} differs from its query's {critical:g}: the query's is kept")
    warning = thresholds.get("warning")
    priority = monitor.get("priority")
    found = handles_by_severity(str(monitor.get("message", "")))
    always = tuple(found.get("notify", ()))
    values = [("critical", critical)] + ([("warning", float(warning))] if warning is not None else [])
    if warning is None and isinstance(priority, int) and priority >= 3:
        values = [("warning", critical)]  # a ticket: vigil's warning-only alert is a monitor alerting at its threshold, P3
    for level, number in values:
        value = convert(number)
        if value is None:
            finding.key, finding.custom, finding.reason = None, None, f"its {level} threshold {number:g} is not a value the spec can write exactly ({kind})"
            return finding
        block = "page" if level == "critical" or len(values) == 1 else "ticket"
        finding.levels.append(Level(level, written(value), tuple(sorted(set(found.get(block, ())) | set(always)))))
    severity = "ticket" if values[0][0] == "warning" else "page"
    renotify = _renotify(options.get("renotify_interval"), severity)
    if renotify is not None:
        finding.settings["renotify"] = renotify
    if "{{#is_recovery}}" not in str(monitor.get("message", "")) and not always:
        finding.settings["recovery"] = False
    if isinstance(priority, int):
        finding.settings["priority"] = priority  # kept only where it is not vigil's default (importer.py)
    notify = options.get("notify_no_data")
    if notify is not None:
        finding.settings["notify_no_data"] = bool(notify)
    return finding


def custom_name(text: str) -> str:
    """A custom alert's name from a monitor's or alarm's name: `[prod] api: Orders backlog` → `orders_backlog`."""
    words = re.sub(r"^\[[^\]]*\]\s*", "", text)
    name = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")
    if not name or not name[0].isalpha():
        name = f"alert_{name}".rstrip("_")
    name = name[:40].rstrip("_")
    if not re.fullmatch(CUSTOM_ALERT_PATTERN, name):
        name = (name + "_alert")[:40]
    return name


# ---- CloudWatch ----------------------------------------------------------------------------------------------------


def map_alarm(alarm: dict[str, Any], service: str, environment: str, min_requests: int) -> Finding:
    finding = Finding("cloudwatch", alarm, cloudwatch_label(alarm))
    op = str(alarm.get("ComparisonOperator", ""))
    if op not in CW_DIRECTION:
        finding.reason = f"its comparison {op} (an anomaly band or a missing one) is not above or below a threshold"
        return finding
    if alarm.get("ThresholdMetricId"):
        finding.reason = "it compares with an anomaly detection band, not a threshold"
        return finding
    found = probe.match_cloudwatch(service, environment, min_requests, alarm)
    period = _period(alarm)
    if period is None:
        finding.reason = "its metrics have different periods: a vigil alarm reads every metric over one period"
        return finding
    evaluations = int(alarm.get("EvaluationPeriods") or 1)
    datapoints = int(alarm.get("DatapointsToAlarm") or evaluations)
    if found is None:
        return _custom_alarm(finding, alarm, period, evaluations, datapoints)
    match, guarded = found
    signal = REGISTRY[match.signal]
    realisation = signal.cloudwatch
    assert isinstance(realisation, CloudWatchAlarm)
    if CW_DIRECTION[op] != signal.direction:
        finding.reason = f"{match.signal} fires {signal.direction} its thresholds; this alarm fires {CW_DIRECTION[op]}"
        return finding
    finding.key, finding.match = match.signal, match
    if not guarded:
        finding.notes.append(f"vigil guards it at low traffic (the service's min_requests, {min_requests}): its expression gains IF(<requests> >= n, …, 0)")
    if "OrEqual" in op:
        finding.notes.append(f"{op} becomes {'GreaterThanThreshold' if CW_DIRECTION[op] == 'above' else 'LessThanThreshold'}")
    default = realisation.evaluation
    if (period, evaluations, datapoints) != (default.period, default.evaluation_periods, default.datapoints):
        span = Duration(period * evaluations * 1000)
        fitted = default.over(span)
        if (fitted.period, fitted.evaluation_periods, fitted.datapoints) == (period, evaluations, datapoints):
            finding.settings["window"] = str(span)
        else:
            finding.notes.append(
                f"it alarms on {datapoints} of {evaluations} periods of {period}s; vigil evaluates {match.signal} as "
                f"{fitted.datapoints} of {fitted.evaluation_periods} periods of {fitted.period}s over that window"
            )
            if span.ms != default.period * default.evaluation_periods * 1000:
                finding.settings["window"] = str(span)
    kind = registry_kind(match.signal)
    value = from_cloudwatch(realisation.convert, kind, float(alarm.get("Threshold", 0)), period)
    if value is None:
        finding.key, finding.match = None, None
        finding.reason = f"its threshold {alarm.get('Threshold')} is not a value the spec can write exactly ({kind})"
        return finding
    _alarm_settings(finding, alarm, realisation.evaluation.treat_missing_data)
    finding.levels.append(Level(_alarm_level(alarm), written(value), topics=tuple(alarm.get("AlarmActions") or ())))
    return finding


def _period(alarm: Mapping[str, Any]) -> Optional[int]:
    if alarm.get("Period") is not None:
        return int(alarm["Period"])
    periods = {int(q["MetricStat"]["Period"]) for q in alarm.get("Metrics") or [] if q.get("MetricStat")}  # vendors.py: each has one
    return periods.pop() if len(periods) == 1 else None


def _alarm_level(alarm: Mapping[str, Any]) -> str:
    from ..diff.facets import severity_from_name

    return "warning" if severity_from_name(str(alarm["AlarmName"])) == "ticket" else "critical"


def _alarm_settings(finding: Finding, alarm: Mapping[str, Any], default_missing: str) -> None:
    missing = str(alarm.get("TreatMissingData") or "missing")
    if missing != default_missing:
        no_data: Optional[NoData] = NO_DATA_OF.get(missing)  # type: ignore[assignment]
        if no_data is None:
            finding.notes.append(f"treat_missing_data {missing}: vigil's alarm treats missing data as {default_missing}")
        else:
            finding.settings["no_data"] = no_data
    if alarm.get("AlarmActions") and not alarm.get("OKActions"):
        finding.settings["recovery"] = False
    if alarm.get("InsufficientDataActions"):
        finding.notes.append("its INSUFFICIENT_DATA actions are dropped (vigil's alarms notify on ALARM and OK)")
    if alarm.get("ActionsEnabled") is False:
        finding.notes.append("its actions are disabled; vigil's alarms notify")


def _custom_alarm(finding: Finding, alarm: dict[str, Any], period: int, evaluations: int, datapoints: int) -> Finding:
    """An alarm on one metric: a custom alert with its namespace, metric, dimensions, statistic, period and M of N."""
    if alarm.get("MetricName") is None:
        finding.reason = "its metric math is no registry signal's (custom alerts read one metric)"
        return finding
    if period not in (10, 20, 30) and period % 60:
        finding.reason = f"its period {period}s is not 10s, 20s, 30s or whole minutes"
        return finding
    aws: dict[str, Any] = {"namespace": alarm.get("Namespace", ""), "metric": alarm["MetricName"]}
    dims = {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}
    if dims:
        aws["dimensions"] = dims
    aws["statistic"] = alarm.get("ExtendedStatistic") or alarm.get("Statistic") or "Average"
    if period != 60:
        aws["period"] = str(Duration(period * 1000))
    if datapoints != evaluations:
        aws["datapoints"] = datapoints
    op = str(alarm["ComparisonOperator"])
    finding.key = custom_name(str(alarm["AlarmName"]))
    finding.custom = {"fires": CW_DIRECTION[op], "aws": aws}
    if alarm.get("AlarmDescription"):
        finding.custom["description"] = str(alarm["AlarmDescription"])[:500]
    span = Duration(period * evaluations * 1000)
    if span.ms != DEFAULT_WINDOW.ms:
        finding.settings["window"] = str(span)
    if "OrEqual" in op:
        finding.notes.append(f"{op} becomes {'GreaterThanThreshold' if CW_DIRECTION[op] == 'above' else 'LessThanThreshold'}")
    _alarm_settings(finding, alarm, "missing")
    value = float(alarm.get("Threshold", 0))
    finding.levels.append(Level(_alarm_level(alarm), written(value), topics=tuple(alarm.get("AlarmActions") or ())))
    return finding


def composite_finding(alarm: dict[str, Any]) -> Finding:
    return Finding(
        "cloudwatch", alarm, cloudwatch_label(alarm),
        reason=f"a composite alarm ({str(alarm.get('AlarmRule', ''))[:120]}): vigil writes its own composites (an SLO's burn-rate tiers, "
        "the service-unhealthy roll-up), not free ones",
    )
