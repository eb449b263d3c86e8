"""A planned resource against what its vendor holds, compared as the vendor stores things.

What Datadog does to a monitor on save (its API reference; terraform-provider-datadog's schema and perpetual-diff
issues, which pulumi-datadog inherits, being generated from it):
- `name`, `message`, `query` and `escalation_message` are trimmed of surrounding whitespace (terraform-provider-datadog
  #1289/#1291: its state functions TrimSpace them);
- `type` `metric alert` and `query alert` are the same monitor: Datadog re-categorises one as the other by its query
  (hashicorp/terraform#13784; the provider suppresses that diff);
- thresholds come back as numbers (`"0.5"` is sent, `0.5` stored; `2` comes back `2.0`: the provider's
  suppressDataDogFloatIntDiff);
- tags come back in any order (the provider keeps them as a set);
- options the program leaves out take the provider's defaults, which it always sends: `require_full_window: true`
  (metric monitors only: Datadog ignores it elsewhere), `include_tags: true`, `notify_no_data: false`,
  `new_host_delay: 300`; the server adds `notify_audit: false`, `silenced: {}` and, for log alerts,
  `groupby_simple_monitor: false`; `no_data_timeframe` means nothing while `notify_no_data` is false (the provider
  suppresses it).
So vigil compares only what it says, each field under those equivalences; the builders already write what Datadog keeps
(trimmed text, `query alert`, numbers as Datadog writes them: monitors/datadog/numbers.py), so a clean stack compares
equal and `pulumi preview` shows no perpetual diff.

CloudWatch stores an alarm as PutMetricAlarm received it (DescribeAlarms returns the same fields); dimensions in any
order. Values only the cloud knows (`${api-page-topic.arn}`, `${api-latency-p95.id}`) are resolved when the caller
knows them (the vendor's own objects paired with the plan's), else match any value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

PLACEHOLDER = re.compile(r"\$\{[^}]+\}")
MONITOR = "datadog:index/monitor:Monitor"
SYNTHETIC = "datadog:index/syntheticsTest:SyntheticsTest"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
METRIC_TYPES = ("query alert", "metric alert")
THRESHOLDS = {"critical": "critical", "warning": "warning", "criticalRecovery": "critical_recovery", "warningRecovery": "warning_recovery"}

Resolve = Callable[[str], Optional[str]]  # a placeholder (`${name.attr}`) -> its value, or None: any value


@dataclass(frozen=True)
class FieldDrift:
    """One field the vendor holds otherwise than the plan says: its name in the vendor's terms, both values."""

    field: str  # "query", "critical", "renotify_interval", "Threshold", "AlarmActions", ...
    planned: Any
    live: Any


def _unknown(_: str) -> Optional[str]:
    return None


def text_matches(planned: Any, live: Any, resolve: Resolve = _unknown) -> bool:
    """Equal text, a placeholder standing for its resolved value (or any value)."""
    if not isinstance(planned, str) or not isinstance(live, str):
        return planned == live
    if "${" not in planned:
        return planned == live
    pattern = ""
    at = 0
    for found in PLACEHOLDER.finditer(planned):
        pattern += re.escape(planned[at : found.start()])
        value = resolve(found.group(0))
        pattern += re.escape(value) if value is not None else r".+?"
        at = found.end()
    pattern += re.escape(planned[at:])
    return re.fullmatch(pattern, live, re.S) is not None


def _number(value: Any) -> Optional[float]:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int:
    found = _number(value)
    return int(found) if found is not None else 0


def _trim(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


# ---- Datadog --------------------------------------------------------------------------------------------------------


def datadog_stored(resource: dict[str, Any]) -> dict[str, Any]:
    """A planned monitor (or synthetic test's monitor) as Datadog stores it: the API's snake_case object, with the
    provider's defaults for what the program leaves out."""
    inputs = resource.get("inputs", {})
    if resource["type"] == SYNTHETIC:
        test = inputs.get("optionsList") or {}
        return {
            "type": "synthetics alert",
            "name": test.get("monitorName") or inputs.get("name"),
            "message": _trim(inputs.get("message", "")),
            "tags": sorted(inputs.get("tags") or []),
            "priority": test.get("monitorPriority"),
            "options": {"renotify_interval": (test.get("monitorOptions") or {}).get("renotifyInterval")},
        }
    thresholds = {api: _number(inputs["monitorThresholds"][key]) for key, api in THRESHOLDS.items() if (inputs.get("monitorThresholds") or {}).get(key) is not None}
    kind = inputs.get("type")
    options: dict[str, Any] = {
        "thresholds": thresholds,
        "notify_no_data": bool(inputs.get("notifyNoData", False)),
        "include_tags": inputs.get("includeTags", True),
        "renotify_interval": inputs.get("renotifyInterval"),
        "evaluation_delay": inputs.get("evaluationDelay"),
        "timeout_h": inputs.get("timeoutH"),
        "notify_by": inputs.get("notifyBies"),
        "new_host_delay": 300,
    }
    if options["notify_no_data"]:
        options["no_data_timeframe"] = inputs.get("noDataTimeframe", 10)
    if kind in METRIC_TYPES:
        options["require_full_window"] = inputs.get("requireFullWindow", True)
    priority = inputs.get("priority")
    return {
        "type": kind,
        "name": _trim(inputs.get("name", "")),
        "query": _trim(inputs.get("query", "")),
        "message": _trim(inputs.get("message", "")),
        "tags": sorted(inputs.get("tags") or []),
        "priority": int(priority) if priority is not None else None,
        "options": options,
    }


def _same_type(planned: Any, live: Any) -> bool:
    return planned == live or (planned in METRIC_TYPES and live in METRIC_TYPES)


def compare_monitor(planned: dict[str, Any], live: dict[str, Any], resolve: Resolve = _unknown) -> list[FieldDrift]:
    """The fields of a stored-form planned monitor (`datadog_stored`) that the live monitor holds otherwise."""
    out: list[FieldDrift] = []
    if not _same_type(planned.get("type"), live.get("type")):
        out.append(FieldDrift("type", planned.get("type"), live.get("type")))
    for key in ("name", "query", "message"):
        if key in planned and not text_matches(planned[key], _trim(live.get(key, "")), resolve):
            out.append(FieldDrift(key, planned[key], live.get(key)))
    if sorted(t.lower() for t in planned.get("tags") or []) != sorted(str(t).lower() for t in live.get("tags") or []):
        out.append(FieldDrift("tags", planned.get("tags"), sorted(live.get("tags") or [])))
    if planned.get("priority") != live.get("priority") and not (planned.get("priority") is None and not live.get("priority")):
        out.append(FieldDrift("priority", planned.get("priority"), live.get("priority")))
    mine, theirs = planned.get("options") or {}, live.get("options") or {}
    if "thresholds" in mine:
        held = theirs.get("thresholds") or {}
        for key in THRESHOLDS.values():
            if _number(mine["thresholds"].get(key)) != _number(held.get(key)):
                out.append(FieldDrift(key, mine["thresholds"].get(key), held.get(key)))
    checks: dict[str, Callable[[Any, Any], bool]] = {
        "notify_no_data": lambda a, b: bool(a) == bool(b),
        "no_data_timeframe": lambda a, b: _int(a) == _int(b),
        "renotify_interval": lambda a, b: _int(a) == _int(b),
        "evaluation_delay": lambda a, b: _int(a) == _int(b),
        "timeout_h": lambda a, b: _int(a) == _int(b),
        "require_full_window": lambda a, b: bool(a) == bool(True if b is None else b),
        "include_tags": lambda a, b: bool(True if a is None else a) == bool(True if b is None else b),
        "notify_by": lambda a, b: sorted(a or []) == sorted(b or []),
    }
    for key, same in checks.items():
        if key not in mine or (key == "no_data_timeframe" and not mine.get("notify_no_data")):
            continue
        if not same(mine.get(key), theirs.get(key)):
            out.append(FieldDrift(key, mine.get(key), theirs.get(key)))
    return out


# ---- CloudWatch -----------------------------------------------------------------------------------------------------


def _dimensions(dims: Optional[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"Name": k, "Value": v} for k, v in sorted((dims or {}).items())]


def cloudwatch_stored(resource: dict[str, Any]) -> dict[str, Any]:
    """A planned alarm as DescribeAlarms prints it (PascalCase), for the fields vigil sets."""
    inputs = resource.get("inputs", {})
    common = {
        "AlarmDescription": inputs.get("alarmDescription"),
        "ActionsEnabled": inputs.get("actionsEnabled", True),
        "AlarmActions": list(inputs.get("alarmActions") or []),
        "OKActions": list(inputs.get("okActions") or []),
        "InsufficientDataActions": list(inputs.get("insufficientDataActions") or []),
    }
    if resource["type"] == COMPOSITE_ALARM:
        out = {"AlarmName": inputs.get("alarmName"), "AlarmRule": inputs.get("alarmRule"), **common}
        if inputs.get("actionsSuppressor"):
            suppressor = inputs["actionsSuppressor"]
            out["ActionsSuppressor"] = suppressor.get("alarm") if isinstance(suppressor, dict) else suppressor
            if isinstance(suppressor, dict):
                out["ActionsSuppressorWaitPeriod"] = suppressor.get("waitPeriod")
                out["ActionsSuppressorExtensionPeriod"] = suppressor.get("extensionPeriod")
        return out
    out = {
        "AlarmName": inputs.get("name"),
        **common,
        "ComparisonOperator": inputs.get("comparisonOperator"),
        "Threshold": _number(inputs.get("threshold")),
        "EvaluationPeriods": inputs.get("evaluationPeriods"),
        "DatapointsToAlarm": inputs.get("datapointsToAlarm", inputs.get("evaluationPeriods")),
        "TreatMissingData": inputs.get("treatMissingData", "missing"),
    }
    if inputs.get("metricQueries"):
        queries = []
        for query in inputs["metricQueries"]:
            entry: dict[str, Any] = {"Id": query["id"], "ReturnData": bool(query.get("returnData", False))}
            if query.get("metric"):
                metric = query["metric"]
                entry["MetricStat"] = {
                    "Metric": {"Namespace": metric.get("namespace"), "MetricName": metric.get("metricName"), "Dimensions": _dimensions(metric.get("dimensions"))},
                    "Period": metric.get("period"),
                    "Stat": metric.get("stat"),
                }
            if query.get("expression"):
                entry["Expression"] = query["expression"]
            if query.get("label"):
                entry["Label"] = query["label"]
            queries.append(entry)
        out["Metrics"] = queries
    else:
        out.update(
            Namespace=inputs.get("namespace"),
            MetricName=inputs.get("metricName"),
            Dimensions=_dimensions(inputs.get("dimensions")),
            Period=inputs.get("period"),
        )
        if inputs.get("extendedStatistic"):
            out["ExtendedStatistic"] = inputs["extendedStatistic"]
        else:
            out["Statistic"] = inputs.get("statistic")
    return out


def _actions_match(planned: list[Any], live: list[Any], resolve: Resolve) -> bool:
    return len(planned) == len(live) and all(any(text_matches(p, held, resolve) for held in live) for p in planned)


def _same_alarm_ref(planned: Any, live: Any) -> bool:
    """An alarm named by name or by ARN (`...:alarm:<name>`)."""
    return planned == live or (isinstance(live, str) and isinstance(planned, str) and live.endswith(f":alarm:{planned}"))


def _same_dimensions(planned: Any, live: Any, resolve: Resolve) -> bool:
    mine = {d["Name"]: d["Value"] for d in planned or []}
    theirs = {d["Name"]: d["Value"] for d in live or []}
    return mine.keys() == theirs.keys() and all(text_matches(v, theirs[k], resolve) for k, v in mine.items())


def _same_metrics(planned: list[dict[str, Any]], live: list[dict[str, Any]], resolve: Resolve) -> bool:
    mine, theirs = _metrics(planned), _metrics(live)
    if len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs, strict=True):
        stat_a, stat_b = a.pop("MetricStat", None), b.pop("MetricStat", None)
        if a != b or (stat_a is None) != (stat_b is None):
            return False
        if stat_a is not None and stat_b is not None:
            dims_a, dims_b = stat_a["Metric"].pop("Dimensions"), stat_b["Metric"].pop("Dimensions")
            if stat_a != stat_b or not _same_dimensions(dims_a, dims_b, resolve):
                return False
    return True


def _metrics(queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Metric queries in a comparable form: dimensions sorted, absent defaults filled."""
    out = []
    for query in queries:
        entry = {"Id": query.get("Id"), "ReturnData": bool(query.get("ReturnData", bool(query.get("Expression"))))}
        stat = query.get("MetricStat")
        if stat:
            metric = stat.get("Metric") or {}
            entry["MetricStat"] = {
                "Metric": {
                    "Namespace": metric.get("Namespace"),
                    "MetricName": metric.get("MetricName"),
                    "Dimensions": sorted(({"Name": d["Name"], "Value": d["Value"]} for d in metric.get("Dimensions") or []), key=lambda d: d["Name"]),
                },
                "Period": stat.get("Period"),
                "Stat": stat.get("Stat"),
            }
        if query.get("Expression"):
            entry["Expression"] = query["Expression"]
        out.append(entry)
    return sorted(out, key=lambda e: str(e["Id"]))


def compare_alarm(planned: dict[str, Any], live: dict[str, Any], resolve: Resolve = _unknown) -> list[FieldDrift]:
    """The fields of a stored-form planned alarm (`cloudwatch_stored`) that the live alarm holds otherwise."""
    out: list[FieldDrift] = []
    for key, value in planned.items():
        held = live.get(key)
        if key == "AlarmName":
            continue
        if key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
            same = _actions_match(list(value or []), list(held or []), resolve)
        elif key == "Threshold":
            same = _number(value) == _number(held)
        elif key == "DatapointsToAlarm":
            same = _int(value) == _int(held if held is not None else live.get("EvaluationPeriods"))
        elif key == "TreatMissingData":
            same = (value or "missing") == (held or "missing")
        elif key == "ActionsEnabled":
            same = bool(value) == bool(True if held is None else held)
        elif key == "Dimensions":
            same = _same_dimensions(value, held, resolve)
        elif key == "Metrics":
            same = _same_metrics(value, held or [], resolve)
        elif key == "ActionsSuppressor":
            same = _same_alarm_ref(value, held)
        else:
            same = text_matches(value, held, resolve) if isinstance(value, str) else value == held
        if not same:
            out.append(FieldDrift(key, value, held))
    return out
