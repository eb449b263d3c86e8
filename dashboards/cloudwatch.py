"""The CloudWatch dashboard of a service: the spec's sections on CloudWatch's 24-column grid.

Graphs reuse the alarms' view of each signal (metrics.watched), so a threshold line sits exactly where
its alarm fires, in the alarm's unit and period.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from monitors.aws.burn_rates import error_ratio_threshold
from monitors.aws.health_checks import HEALTH_CHECK_REGION
from monitors.aws.metrics import Metric, Ratio, Targets, Watched, alb_ratio, log_metric_name, log_namespace, watched
from monitors.aws.names import aws_name
from monitors.common.burn_rates import error_budget
from monitors.common.context import Deployment
from spec import Service

GRID_COLUMNS = 24
WIDGET_WIDTH, WIDGET_HEIGHT = 12, 6
LATENCY = ("latency_p50", "latency_p95", "latency_p99")
COLOURS = {"critical": "#d62728", "warning": "#ff7f0e", "objective": "#2ca02c"}


def dashboard_name(service: Service, deployment: Deployment) -> str:
    return aws_name(service, deployment)


def _metric_row(metric: Metric, **extra: Any) -> list[Any]:
    row: list[Any] = [metric.namespace, metric.name]
    for key, value in metric.dimensions.items():
        row += [key, value]
    return [*row, {"stat": metric.stat, **extra}]


def _rows(source: Metric | Ratio, label: str) -> list[list[Any]]:
    if isinstance(source, Metric):
        return [_metric_row(source, label=label)]
    return [
        _metric_row(source.numerator, id="m1", visible=False),
        _metric_row(source.denominator, id="m2", visible=False),
        [{"expression": source.expression, "label": label, "id": "e1"}],
    ]


def _graph(title: str, region: str, rows: list[list[Any]], period: int, unit: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "title": title,
        "region": region,
        "view": "timeSeries",
        "stacked": False,
        "period": period,
        "metrics": rows,
        "yAxis": {"left": {"label": unit, "showUnits": False}},
    }
    if lines:
        properties["annotations"] = {"horizontal": lines}
    return {"type": "metric", "properties": properties}


def _threshold_lines(service: Service, signal: str, seen: Watched) -> list[dict[str, Any]]:
    threshold = getattr(service.alerts, signal)
    if threshold is None:
        return []
    fitted = seen.over(threshold.window)
    return [
        {"label": f"{level} {value}", "value": fitted.threshold(value), "color": COLOURS[level]}
        for level, value in threshold.levels()
    ]


def _signal(service: Service, deployment: Deployment, targets: Targets, region: str, signal: str) -> Optional[dict[str, Any]]:
    seen = watched(signal, service, deployment, targets)
    if seen is None:
        return None
    threshold = getattr(service.alerts, signal)
    period = seen.over(threshold.window if threshold else None).evaluation.period
    return _graph(seen.title, region, _rows(seen.source, seen.title), period, seen.unit, _threshold_lines(service, signal, seen))


def _throughput(service: Service, deployment: Deployment, targets: Targets, region: str) -> list[dict[str, Any]]:
    """Requests per second (the report's throughput), with the drop thresholds as rates."""
    seen = watched("throughput_drop", service, deployment, targets)
    if seen is None or not isinstance(seen.source, Metric):
        return []
    rows: list[list[Any]] = [
        _metric_row(seen.source, id="m1", visible=False),
        [{"expression": "m1/PERIOD(m1)", "label": "requests/s", "id": "e1"}],
    ]
    threshold = service.alerts.throughput_drop
    lines = [
        {"label": f"{level} {value}", "value": round(value.per_second, 6), "color": COLOURS[level]}
        for level, value in (threshold.levels() if threshold else [])
    ]
    return [_graph("throughput", region, rows, 60, "requests/s", lines)]


def _section_widgets(
    section: str,
    service: Service,
    deployment: Deployment,
    targets: Targets,
    region: str,
    alarm_arns: Sequence[pulumi.Input[str]],
    health_checks: Sequence[tuple[str, pulumi.Input[str]]],
) -> list[dict[str, Any]]:
    def signals(*names: str) -> list[dict[str, Any]]:
        return [w for w in (_signal(service, deployment, targets, region, n) for n in names) if w is not None]

    if section == "latency":
        present = [(s, w) for s in LATENCY if (w := watched(s, service, deployment, targets)) is not None]
        if not present:
            return []
        rows = [_metric_row(w.source, label=s.removeprefix("latency_")) for s, w in present if isinstance(w.source, Metric)]
        lines = [
            {**line, "label": f"{s.removeprefix('latency_')} {line['label']}"}
            for s, w in present
            for line in _threshold_lines(service, s, w)
        ]
        return [_graph("latency p50 / p95 / p99", region, rows, 60, "s", lines)]
    if section == "errors":
        widgets = signals("error_rate", "client_error_rate")
        levels = [lvl for lvl in ("error", "warn") if lvl in service.logs.metric_filters]
        if levels:
            rows = [
                _metric_row(Metric(log_namespace(service, deployment), log_metric_name(lvl), {}, "Sum"), label=f"{lvl} lines")
                for lvl in levels
            ]
            seen = watched("error_log_rate", service, deployment, targets)
            lines = _threshold_lines(service, "error_log_rate", seen) if seen else []
            widgets.append(_graph("log lines by level", region, rows, 60, "lines per period", lines))
        return widgets
    if section == "throughput":
        return _throughput(service, deployment, targets, region)
    if section == "resources":
        return signals("cpu", "memory")
    if section == "database":
        return signals("db_connections")
    if section == "cache":
        return signals("cache_hit_rate")
    if section == "slos":
        ratio = alb_ratio(targets, "HTTPCode_Target_5XX_Count")
        out = []
        for slo in service.slos:
            if slo.sli_kind != "availability" or ratio is None:
                continue
            lines = [
                {"label": f"{tier.long} tier ({tier.severity})", "value": error_ratio_threshold(slo, tier), "color": COLOURS["critical"]}
                for tier in sorted(slo.burn_rate, key=lambda t: t.long.ms)
            ]
            budget = round(100 * error_budget(slo), 6)
            lines.append({"label": f"budget {slo.objective}", "value": budget, "color": COLOURS["objective"]})
            out.append(_graph(f"SLO {slo.name}: 5xx ratio", region, _rows(ratio, "5xx %"), 300, "%", lines))
        return out
    if section == "health":
        if not health_checks:
            return []
        rows = [
            ["AWS/Route53", "HealthCheckStatus", "HealthCheckId", check_id, {"stat": "Minimum", "label": name}]
            for name, check_id in health_checks
        ]
        lines = [{"label": "unhealthy below", "value": 1, "color": COLOURS["critical"]}]
        return [_graph("health checks (1 = healthy)", HEALTH_CHECK_REGION, rows, 60, "status", lines)]
    if section == "alerts":
        if not alarm_arns:
            return []
        return [{"type": "alarm", "width": GRID_COLUMNS, "properties": {"title": "alarms", "alarms": list(alarm_arns), "sortBy": "stateUpdatedTimestamp"}}]
    return []


def layout(widgets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two graphs a row (12 columns each); a widget asking for the full width gets its own row."""
    placed: list[dict[str, Any]] = []
    x = y = 0
    for widget in widgets:
        width = widget.get("width", WIDGET_WIDTH)
        if x + width > GRID_COLUMNS:
            x, y = 0, y + WIDGET_HEIGHT
        placed.append({**widget, "x": x, "y": y, "width": width, "height": WIDGET_HEIGHT})
        x += width
    return placed


def dashboard_body(
    service: Service,
    deployment: Deployment,
    targets: Targets,
    region: str,
    alarm_arns: Sequence[pulumi.Input[str]],
    health_checks: Sequence[tuple[str, pulumi.Input[str]]],
) -> dict[str, Any]:
    """The body as data (Outputs may sit inside); dashboard_args serialises it."""
    widgets = [
        widget
        for section in service.dashboards.sections
        for widget in _section_widgets(section, service, deployment, targets, region, alarm_arns, health_checks)
    ]
    return {"widgets": layout(widgets)}


def _holds_output(value: Any) -> bool:
    if isinstance(value, pulumi.Output):
        return True
    if isinstance(value, dict):
        return any(_holds_output(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_output(v) for v in value)
    return False


def dashboard_args(service: Service, deployment: Deployment, body: dict[str, Any]) -> aws.cloudwatch.DashboardArgs:
    """JSON of the body; through Output.json_dumps when ARNs or ids inside are only known once deployed."""
    text: pulumi.Input[str] = pulumi.Output.json_dumps(body) if _holds_output(body) else json.dumps(body)
    return aws.cloudwatch.DashboardArgs(dashboard_name=dashboard_name(service, deployment), dashboard_body=text)
