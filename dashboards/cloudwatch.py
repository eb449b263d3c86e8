"""The CloudWatch dashboard of a service: the spec's sections on CloudWatch's 24-column grid.

Signal graphs come from the registry (`signals/`) through the alarms' own view of each signal
(monitors.aws.metrics.watched), so a threshold line sits exactly where its alarm fires, in the alarm's unit and period.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional

from monitors.aws import sdk as aws
from monitors.aws.burn_rates import error_ratio_threshold
from monitors.aws.health_checks import HEALTH_CHECK_REGION
from monitors.aws.metrics import Watched, watched
from monitors.aws.names import aws_name
from monitors.common.burn_rates import error_budget
from monitors.common.context import Deployment
from signals import Graphed, graphed_signals
from signals.cloudwatch import AwsScope, Insights, Metric, Source, metrics_of
from signals.model import CloudWatchAlarm, Unmeasurable
from signals.slis import sli
from spec import Service
from spec.alerts import Threshold

if TYPE_CHECKING:
    import pulumi

GRID_COLUMNS = 24
WIDGET_WIDTH, WIDGET_HEIGHT = 12, 6
RATE_PERIOD = 60  # a count drawn as a rate is drawn per minute
COLOURS = {"critical": "#d62728", "warning": "#ff7f0e", "objective": "#2ca02c"}


def dashboard_name(service: Service, deployment: Deployment) -> str:
    return aws_name(service, deployment)


def _metric_row(metric: Metric, **extra: Any) -> list[Any]:
    row: list[Any] = [metric.namespace, metric.name]
    for key, value in metric.dimensions.items():
        row += [key, value]
    return [*row, {"stat": metric.stat, **extra}]


def _rows(source: Source, label: str) -> list[list[Any]]:
    if isinstance(source, Metric):
        return [_metric_row(source, label=label)]
    if isinstance(source, Insights):  # the query, read as the alarm reads it
        return [[{"expression": source.query, "id": "q1", "visible": False}], [{"expression": source.expression, "label": label, "id": "e1"}]]
    rows = [_metric_row(metric, id=f"m{i}", visible=False) for i, metric in enumerate(metrics_of(source), 1)]
    return [*rows, [{"expression": source.expression, "label": label, "id": "e1"}]]


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


def _threshold_lines(threshold: Optional[Threshold], seen: Watched) -> list[dict[str, Any]]:
    if threshold is None:
        return []
    fitted = seen.over(threshold.window)
    return [
        {"label": f"{level} {value}", "value": fitted.threshold(value), "color": COLOURS[level]}
        for level, value in threshold.levels()
    ]


def _single(region: str, threshold: Optional[Threshold], seen: Watched) -> dict[str, Any]:
    """A graph of its own: the alarm's metric (or math) over the alarm's fitted period, its thresholds as lines."""
    title = seen.graph.title or seen.title
    if seen.graph.per_second:  # a per-period count drawn as a rate, thresholds as rates too
        assert isinstance(seen.source, Metric)
        rows: list[list[Any]] = [
            _metric_row(seen.source, id="m1", visible=False),
            [{"expression": "m1/PERIOD(m1)", "label": "requests/s", "id": "e1"}],
        ]
        lines = [
            {"label": f"{level} {value}", "value": round(value.per_second, 6), "color": COLOURS[level]}
            for level, value in (threshold.levels() if threshold else [])
        ]
        return _graph(title, region, rows, RATE_PERIOD, "requests/s", lines)
    period = seen.over(threshold.window if threshold else None).evaluation.period
    return _graph(title, region, _rows(seen.source, seen.title), period, seen.unit, _threshold_lines(threshold, seen))


def _group(region: str, title: str, members: list[tuple[Graphed, Watched]]) -> dict[str, Any]:
    """One graph for several signals (the latency percentiles): a labelled line each, thresholds prefixed by the label."""
    rows = [_metric_row(seen.source, label=seen.graph.label) for _, seen in members if isinstance(seen.source, Metric)]
    lines = [
        {**line, "label": f"{seen.graph.label} {line['label']}"}
        for found, seen in members
        for line in _threshold_lines(found.threshold, seen)
    ]
    first = members[0][1]
    return _graph(title, region, rows, first.evaluation.period, first.unit, lines)


def signal_widgets(scope: AwsScope, region: str, section: str) -> list[dict[str, Any]]:
    """The section's signals the service alerts on or asks to graph that CloudWatch can measure for it, in the spec's
    order: a graph each; one graph for the signals sharing a labelled graph; a graph of its own rows when it has them
    (drawn whether or not the alarm can be built, e.g. every counted log level)."""
    placed: list[dict[str, Any] | str] = []  # a widget, or the title of a group drawn where its first member comes
    groups: dict[str, list[tuple[Graphed, Watched]]] = {}
    for found in graphed_signals(scope.service):
        signal = found.signal
        realisation = signal.cloudwatch
        if signal.section != section or not isinstance(realisation, CloudWatchAlarm):
            continue
        graph, seen = realisation.graph, watched(signal, scope)
        if graph.rows is not None:
            rows = graph.rows(scope)
            if rows:
                lines = _threshold_lines(found.threshold, seen) if seen else []
                metrics = [_metric_row(metric, label=label) for metric, label in rows]
                placed.append(_graph(graph.title or realisation.title, region, metrics, realisation.evaluation.period, realisation.unit, lines))
        elif seen is None:
            continue
        elif graph.label is None:
            placed.append(_single(region, found.threshold, seen))
        else:
            title = graph.title or realisation.title
            if title not in groups:
                placed.append(title)
            groups.setdefault(title, []).append((found, seen))
    return [_group(region, item, groups[item]) if isinstance(item, str) else item for item in placed]


def _section_widgets(
    section: str,
    scope: AwsScope,
    region: str,
    alarm_arns: Sequence[pulumi.Input[str]],
    health_checks: Sequence[tuple[str, pulumi.Input[str]]],
) -> list[dict[str, Any]]:
    service = scope.service
    if section == "slos":
        out = []
        for slo in service.slos:
            indicator = sli(slo).cloudwatch
            if isinstance(indicator, Unmeasurable) or indicator.missing(service, slo):
                continue
            ratio, bad = indicator.error_share(scope, slo), indicator.words(slo)
            lines = [
                {"label": f"{tier.long} tier ({tier.severity})", "value": error_ratio_threshold(slo, tier), "color": COLOURS["critical"]}
                for tier in sorted(slo.burn_rate, key=lambda t: t.long.ms)
            ]
            budget = round(100 * error_budget(slo), 6)
            lines.append({"label": f"budget {slo.objective}", "value": budget, "color": COLOURS["objective"]})
            out.append(_graph(f"SLO {slo.name}: {bad}", region, _rows(ratio, f"{bad} %"), 300, "%", lines))
        return out
    if section == "health":
        widgets = signal_widgets(scope, region, section)
        if health_checks:
            rows = [
                ["AWS/Route53", "HealthCheckStatus", "HealthCheckId", check_id, {"stat": "Minimum", "label": name}]
                for name, check_id in health_checks
            ]
            lines = [{"label": "unhealthy below", "value": 1, "color": COLOURS["critical"]}]
            widgets.append(_graph("health checks (1 = healthy)", HEALTH_CHECK_REGION, rows, 60, "status", lines))
        return widgets
    if section == "alerts":
        if not alarm_arns:
            return []
        return [{"type": "alarm", "width": GRID_COLUMNS, "properties": {"title": "alarms", "alarms": list(alarm_arns), "sortBy": "stateUpdatedTimestamp"}}]
    return signal_widgets(scope, region, section)


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
    scope: AwsScope,
    region: str,
    alarm_arns: Sequence[pulumi.Input[str]],
    health_checks: Sequence[tuple[str, pulumi.Input[str]]],
) -> dict[str, Any]:
    """The body as data (Outputs may sit inside); dashboard_args serialises it."""
    widgets = [
        widget
        for section in scope.service.dashboards.sections
        for widget in _section_widgets(section, scope, region, alarm_arns, health_checks)
    ]
    return {"widgets": layout(widgets)}


def _holds_output(value: Any) -> bool:
    """Whether a value holds an Output anywhere; none can where Pulumi is not even imported (`vigil validate`)."""
    pulumi = sys.modules.get("pulumi")
    if pulumi is None:
        return False
    if isinstance(value, pulumi.Output):
        return True
    if isinstance(value, dict):
        return any(_holds_output(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_output(v) for v in value)
    return False


def dashboard_args(service: Service, deployment: Deployment, body: dict[str, Any]) -> aws.cloudwatch.DashboardArgs:
    """JSON of the body; through Output.json_dumps when ARNs or ids inside are only known once deployed."""
    text: pulumi.Input[str]
    if _holds_output(body):
        import pulumi  # an Output inside: Pulumi is running

        text = pulumi.Output.json_dumps(body)
    else:
        text = json.dumps(body)
    return aws.cloudwatch.DashboardArgs(dashboard_name=dashboard_name(service, deployment), dashboard_body=text)
