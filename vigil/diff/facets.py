"""What a reviewer cares about in a planned resource, read generically from its type, name and inputs.

Nothing here knows the program's builders: a signal's words come from the logical name (minus the service
and severity words), severities from Datadog's `monitorThresholds` keys or an alarm's name and SNS topics,
recipients from Datadog @-handles in the message and from the SNS subscriptions behind alarm actions (read
with vigil.routing, the one place that knows handles, message blocks and topic references).
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

from ..routing import handles_by_severity, topic_of
from .model import SERVICE_COMPONENT, is_custom

ALERT_KINDS = {"Monitor", "MetricAlarm", "CompositeAlarm", "SyntheticsTest"}
SLO_KINDS = {"ServiceLevelObjective"}
VENDORS = {"datadog": "Datadog", "aws": "AWS"}
AWS_SERVICES = {"cloudwatch": "CloudWatch", "sns": "SNS", "route53": "Route 53"}
SEVERITY_WORDS = {"page": "page", "critical": "page", "crit": "page", "ticket": "ticket", "warning": "ticket", "warn": "ticket"}
# Datadog's monitor threshold keys, in the words of the spec: critical pages, warning opens a ticket.
DATADOG_LEVELS = {"critical": "page", "warning": "ticket", "criticalRecovery": "page recovery", "warningRecovery": "ticket recovery"}
PERCENTILE = re.compile(r"^p\d{2,3}(\.\d+)?$")
BURN = re.compile(r'long_window\("(\w+)"\)\s*\.short_window\("(\w+)"\)')


def kind(type_token: str) -> str:
    """`aws:cloudwatch/metricAlarm:MetricAlarm` → `MetricAlarm`."""
    return type_token.rsplit(":", 1)[-1]


def vendor(type_token: str) -> str:
    """`Datadog`, or the AWS service (`CloudWatch`, `SNS`, `Route 53`)."""
    parts = type_token.split(":")
    if parts[0] == "aws" and len(parts) > 1:
        return AWS_SERVICES.get(parts[1].split("/", 1)[0], "AWS")
    return VENDORS.get(parts[0], parts[0])


def describe_type(type_token: str) -> str:
    """`datadog:index/monitor:Monitor` → `Datadog monitor`; `aws:cloudwatch/logGroup:LogGroup` → `CloudWatch log group`."""
    if type_token.startswith("pulumi:providers:"):
        return f"{type_token.rsplit(':', 1)[-1]} provider"
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", kind(type_token)).lower()
    return f"{vendor(type_token)} {words}"


def is_alert(resource: dict[str, Any]) -> bool:
    return kind(resource["type"]) in ALERT_KINDS


def is_slo(resource: dict[str, Any]) -> bool:
    return kind(resource["type"]) in SLO_KINDS


def is_dashboard(resource: dict[str, Any]) -> bool:
    return kind(resource["type"]) == "Dashboard"


def is_log_group(resource: dict[str, Any]) -> bool:
    return kind(resource["type"]) == "LogGroup"


def is_burn_rate(resource: dict[str, Any]) -> bool:
    return "burn_rate(" in str(resource.get("inputs", {}).get("query", ""))


class PlanIndex:
    """Lookups over one plan document: parents (for the service), topics and their subscriptions."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.resources: list[dict[str, Any]] = list(plan.get("resources", []))
        self.by_name: dict[str, list[dict[str, Any]]] = {}
        for resource in self.resources:
            self.by_name.setdefault(resource["name"], []).append(resource)
        self._subscriptions: dict[str, list[str]] = {}
        for resource in self.resources:
            if kind(resource["type"]) == "TopicSubscription":
                inputs = resource.get("inputs", {})
                topic = topic_of(str(inputs.get("topic", "")))
                if topic is not None:
                    endpoint = inputs.get("endpoint", "?")
                    self._subscriptions.setdefault(topic, []).append(f"{inputs.get('protocol', '?')}:{endpoint}")

    def service_of(self, resource: dict[str, Any]) -> Optional[str]:
        seen: set[str] = set()
        current: Optional[dict[str, Any]] = resource
        while current is not None and current["name"] not in seen:
            if current["type"] == SERVICE_COMPONENT:
                return str(current["name"])
            seen.add(current["name"])
            parent = current.get("parent")
            candidates = self.by_name.get(parent, []) if parent else []
            current = next((c for c in candidates if not is_custom(c)), candidates[0] if candidates else None)
        return None

    def topic_recipients(self, topic: str) -> list[str]:
        """Who an SNS topic reaches: its subscriptions' `protocol:endpoint`, else the topic itself."""
        return sorted(self._subscriptions.get(topic, [])) or [f"topic {topic}"]


def _tokens(name: str, service: Optional[str]) -> list[str]:
    if service and name.startswith(service + "-"):
        name = name[len(service) + 1 :]
    return [t for t in re.split(r"[-_\s]+", name) if t]


def severity_from_name(name: str, service: Optional[str] = None) -> Optional[str]:
    for token in reversed(_tokens(name.lower(), service)):
        if token in SEVERITY_WORDS:
            return SEVERITY_WORDS[token]
    return None


def signal(resource: dict[str, Any], service: Optional[str]) -> str:
    """Words for what is watched: `api-latency-p95-page` → `p95 latency`; `api-error-rate` → `error rate`."""
    tokens = [t for t in _tokens(resource["name"], service) if t.lower() not in SEVERITY_WORDS]
    percentiles = [t for t in tokens if PERCENTILE.match(t.lower())]
    rest = [t for t in tokens if not PERCENTILE.match(t.lower())]
    words = " ".join(percentiles + rest)
    return words or resource["name"]


def is_slo_alert(resource: dict[str, Any], service: Optional[str]) -> bool:
    """A burn-rate alert: a Datadog `burn_rate(...)` query, or `slo`/`burn` among the name's words."""
    return is_burn_rate(resource) or bool({"slo", "burn"} & {t.lower() for t in _tokens(resource["name"], service)})


def where(resource: dict[str, Any], service: Optional[str]) -> str:
    """`api · p95 latency` — the service (or `shared`) and the signal."""
    return f"{service or 'shared'} · {signal(resource, service)}"


def _metric_text(inputs: dict[str, Any]) -> str:
    parts = [str(inputs.get(k, "")) for k in ("query", "metricName", "expression", "metricQueries", "namespace")]
    return " ".join(parts).lower()


LOG_WINDOW = re.compile(r'\.last\("(\d+)([smhd])"\)')
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def unit(resource: dict[str, Any]) -> Optional[str]:
    """The unit of a threshold when the metric makes it plain: `s` for response times, `%` for percentages, and
    `per:<seconds>` for counts over a span (a CloudWatch Sum per period, a Datadog log count per window, an
    `.as_rate()` per second), so a rate reads the same on both backends whatever each compares."""
    inputs = resource.get("inputs", {})
    text = _metric_text(inputs)
    name = resource["name"].lower()
    if is_burn_rate(resource):
        return "×"
    query = str(inputs.get("query", ""))
    if query.startswith("error_budget("):
        return "% spent"  # the share of the SLO window's error budget spent
    if ".as_rate()" in query:
        return "per:1"
    window = LOG_WINDOW.search(query) if query.startswith("logs(") else None
    if window:
        return f"per:{int(window.group(1)) * SECONDS[window.group(2)]}"
    if inputs.get("statistic") == "Sum" and not inputs.get("metricQueries") and isinstance(inputs.get("period"), int):
        return f"per:{inputs['period']}"
    if "targetresponsetime" in text or ("latency" in name and "trace." in text):
        return "s"
    if re.search(r"\*\s*100\b|\b100\s*\*", text) or any(w in text for w in ("percent", "utilization", "cachehitrate")):
        return "%"
    return None


def number(value: Any) -> Optional[float]:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def format_value(value: Any, unit_: Optional[str], suffix: Optional[str] = None) -> str:
    """`0.5` with unit `s` → `500 ms`; `1.0` with `%` → `1%`; `14.4` with `×` → `14.4×`; `600` with `per:300` → `2/s`
    (a rate in `suffix`, s, m or h, when given: a recovery level reads in its threshold's unit)."""
    n = number(value)
    if n is None:
        return "(none)" if value is None else str(value)
    if unit_ and unit_.startswith("per:"):
        per_second = n / int(unit_[4:])
        value = per_second * SECONDS[suffix or rate_suffix(per_second)]
        return f"{value:.6g}/{suffix or rate_suffix(per_second)}"
    if unit_ == "s":
        ms = n * 1000
        return f"{ms:.12g} ms" if abs(ms - round(ms)) > 1e-9 else f"{round(ms)} ms"
    text = f"{n:.12g}"
    if unit_ == "%":
        return f"{text}%"
    if unit_ == "×":
        return f"{text}×"
    if unit_ == "% spent":
        return f"{text}% of the budget spent"
    return text


def monitor_severity(resource: dict[str, Any]) -> str:
    """The route a Datadog monitor's alert state notifies: its `severity:` tag (a warning-only alert's monitor
    alerts at the ticket route), else page. Its warning state is always the ticket route."""
    for tag in resource.get("inputs", {}).get("tags") or []:
        key, _, value = str(tag).partition(":")
        if key == "severity" and value in SEVERITY_WORDS:
            return SEVERITY_WORDS[value]
    return "page"


def rate_suffix(per_second: float) -> str:
    """The first of s, m, h in which a rate is a whole number (2/s, 100/m, 10/h); s when none is."""
    for suffix in ("s", "m", "h"):
        value = per_second * SECONDS[suffix]
        if value >= 1 and abs(value - round(value)) < 1e-9:
            return suffix
    return "s"


def suffix_of(value: Any, unit_: Optional[str]) -> Optional[str]:
    """The rate unit a threshold reads in, so its recovery level (and its new value) read in the same one."""
    n = number(value)
    if n is None or not unit_ or not unit_.startswith("per:"):
        return None
    return rate_suffix(n / int(unit_[4:]))


def level_words(levels: dict[str, Any], unit_: Optional[str]) -> dict[str, str]:
    """Each level's value in words; a recovery level in the unit of the threshold it belongs to."""
    return {
        level: format_value(value, unit_, suffix_of(levels.get(level.removesuffix(" recovery"), value), unit_))
        for level, value in levels.items()
    }


def thresholds(resource: dict[str, Any], index: PlanIndex) -> dict[str, Any]:
    """Severity → threshold: Datadog monitor thresholds (the critical level under the route it notifies), or an
    alarm's one threshold under its severity."""
    inputs = resource.get("inputs", {})
    levels = inputs.get("monitorThresholds")
    if isinstance(levels, dict):
        alert = monitor_severity(resource)
        words = {**DATADOG_LEVELS, "critical": alert, "criticalRecovery": f"{alert} recovery"}
        out: dict[str, Any] = {}
        for key, value in levels.items():  # a ticket-level alert's critical and warning are both tickets: keep both
            if key in words and value is not None:
                word = words[key] if words[key] not in out else f"{words[key]} ({'warning' if key.startswith('warning') else 'critical'})"
                out[word] = value
        return out
    if "threshold" in inputs:
        return {alarm_severity(resource, index): inputs["threshold"]}
    return {}


def alarm_severity(resource: dict[str, Any], index: PlanIndex) -> str:
    service = index.service_of(resource)
    for text in (resource["name"], str(resource.get("inputs", {}).get("alarmName", ""))):
        found = severity_from_name(text, service)
        if found:
            return found
    for action in _actions(resource):
        topic = topic_of(str(action))
        found = severity_from_name(topic, service) if topic else None
        if found:
            return found
    return "alarm"


def _actions(resource: dict[str, Any]) -> list[Any]:
    actions = resource.get("inputs", {}).get("alarmActions")
    if actions is None:
        return []
    return actions if isinstance(actions, list) else [actions]


def recipients(resource: dict[str, Any], index: PlanIndex) -> dict[str, list[str]]:
    """Who hears about an alert, by severity."""
    inputs = resource.get("inputs", {})
    if resource["type"].startswith("datadog:"):
        found = handles_by_severity(str(inputs.get("message", "")))
        alert = monitor_severity(resource)
        if alert != "page" and "page" in found:  # its alert state notifies the route of its own severity
            found[alert] = sorted(set(found.pop("page")) | set(found.get(alert, [])))
        return found
    reached: set[str] = set()
    for action in _actions(resource):
        topic = topic_of(str(action))
        if topic is not None:
            reached.update(index.topic_recipients(topic))
        else:
            reached.add(str(action))
    return {alarm_severity(resource, index): sorted(reached)} if reached else {}


def burn_windows(resource: dict[str, Any]) -> Optional[str]:
    found = BURN.search(str(resource.get("inputs", {}).get("query", "")))
    return f"{found.group(1)}/{found.group(2)}" if found else None


def slo_objectives(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Timeframe → {target, warning} of a Datadog SLO."""
    out: dict[str, dict[str, Any]] = {}
    for threshold in resource.get("inputs", {}).get("thresholds") or []:
        if isinstance(threshold, dict):
            out[str(threshold.get("timeframe", "?"))] = {k: threshold.get(k) for k in ("target", "warning")}
    return out


def widget_count(resource: dict[str, Any]) -> Optional[int]:
    """Widgets of a Datadog dashboard (`widgets`) or CloudWatch dashboard (`dashboardBody` JSON)."""
    inputs = resource.get("inputs", {})
    if isinstance(inputs.get("widgets"), list):
        return len(inputs["widgets"])
    body = inputs.get("dashboardBody")
    if isinstance(body, str):
        try:
            widgets = json.loads(body).get("widgets")
        except (ValueError, AttributeError):
            return None
        return len(widgets) if isinstance(widgets, list) else None
    return None
