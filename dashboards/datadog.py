"""One Datadog dashboard per service: ordered sections, template variable `env`, the monitors' own queries.

Datadog accepts only `team:<name>` tags on dashboards (at most 5), so the dashboard carries its team tag
and finds its monitors by the `service:` and `env:` tags they carry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from monitors.common.context import Deployment
from monitors.common.runbook import runbook_url
from monitors.datadog import sdk as datadog
from monitors.datadog.numbers import number, window
from signals import Graphed, graphed_signals
from signals.datadog import DASHBOARD_ENV, Expression
from signals.model import DatadogMetric
from spec import Service

if TYPE_CHECKING:
    import pulumi

Widget = datadog.DashboardWidgetArgs
ENV = DASHBOARD_ENV


def markers(*graphed: Graphed) -> list[datadog.DashboardWidgetTimeseriesDefinitionMarkerArgs]:
    """Horizontal lines at each alert threshold of the given signals (none for a graph without an alert), in the
    query's unit."""
    out = []
    for found in graphed:
        threshold, realisation = found.threshold, found.signal.datadog
        if threshold is None or not isinstance(realisation, DatadogMetric) or realisation.counts_window:
            continue  # a count compared per window has no line on a graph of counts per interval
        for level, quantity in threshold.levels():
            value = number(realisation.value(quantity, threshold.window or realisation.window))
            out.append(
                datadog.DashboardWidgetTimeseriesDefinitionMarkerArgs(
                    value=f"y = {value}",
                    display_type=f"{'error' if level == 'critical' else 'warning'} dashed",
                    label=f"{found.signal.title} {level} {quantity}",
                )
            )
    return out


def request(label: str, expression: Expression) -> datadog.DashboardWidgetTimeseriesDefinitionRequestArgs:
    """One line: the expression's formula over its metric queries (formulas-and-functions)."""
    return datadog.DashboardWidgetTimeseriesDefinitionRequestArgs(
        display_type="line",
        formulas=[datadog.DashboardWidgetTimeseriesDefinitionRequestFormulaArgs(formula_expression=expression.formula, alias=label)],
        queries=[
            datadog.DashboardWidgetTimeseriesDefinitionRequestQueryArgs(
                metric_query=datadog.DashboardWidgetTimeseriesDefinitionRequestQueryMetricQueryArgs(
                    name=name, query=query, data_source="metrics"
                )
            )
            for name, query in expression.queries().items()
        ],
    )


def timeseries(
    title: str, series: list[tuple[str, Expression]], marks: list[datadog.DashboardWidgetTimeseriesDefinitionMarkerArgs]
) -> Widget:
    """A line chart of (label, expression) series."""
    return Widget(
        timeseries_definition=datadog.DashboardWidgetTimeseriesDefinitionArgs(
            title=title,
            show_legend=True,
            requests=[request(label, expression) for label, expression in series],
            markers=marks or None,
        )
    )


def monitor_summary(title: str, query: str) -> Widget:
    return Widget(
        manage_status_definition=datadog.DashboardWidgetManageStatusDefinitionArgs(
            title=title, query=query, summary_type="monitors", display_format="countsAndList", sort="status,asc"
        )
    )


def signal_widgets(service: Service, section: str) -> list[Widget]:
    """The section's signals the service alerts on or asks to graph that Datadog can measure for it, one graph per
    graph title, in the spec's order."""
    graphs: dict[str, list[tuple[Graphed, DatadogMetric]]] = {}
    for found in graphed_signals(service):
        realisation = found.signal.datadog
        if found.signal.section == section and isinstance(realisation, DatadogMetric) and not realisation.missing(service):
            graphs.setdefault(realisation.graph.title, []).append((found, realisation))
    return [
        timeseries(
            title,
            [(realisation.graph.label, realisation.query(service, ENV)) for _, realisation in members],
            markers(*(found for found, _ in members)),
        )
        for title, members in graphs.items()
    ]


def _sections(
    service: Service, deployment: Deployment, slo_ids: Mapping[str, pulumi.Input[str]]
) -> dict[str, Callable[[], list[Widget]]]:
    monitors = f'tag:"service:{service.service}" tag:"env:{deployment.environment}"'
    slos = {slo.name: slo for slo in service.slos}
    return {
        "slos": lambda: [
            Widget(
                service_level_objective_definition=datadog.DashboardWidgetServiceLevelObjectiveDefinitionArgs(
                    title=f"SLO {name}: {slos[name].objective} over {window(slos[name].window)}",
                    slo_id=slo_id,
                    time_windows=[window(slos[name].window)],
                    view_mode="overall",
                    view_type="detail",
                    show_error_budget=True,
                )
            )
            for name, slo_id in sorted(slo_ids.items())
        ],
        "health": lambda: [
            *signal_widgets(service, "health"),
            *([monitor_summary("Health checks", f"type:synthetics {monitors}")] if service.health_checks else []),
        ],
        "alerts": lambda: [monitor_summary(f"Monitors of {service.service}", monitors)],
    }


def service_dashboard(service: Service, deployment: Deployment, slo_ids: Mapping[str, pulumi.Input[str]]) -> datadog.DashboardArgs:
    """The service's dashboard, its sections in the spec's order; `slo_ids` are the Datadog SLOs it shows, by name."""
    sections = _sections(service, deployment, slo_ids)
    widgets = [
        widget
        for section in service.dashboards.sections
        for widget in (sections[section]() if section in sections else signal_widgets(service, section))
    ]
    return datadog.DashboardArgs(
        title=f"{service.service} ({deployment.environment})",
        description=f"{(service.description or service.service).rstrip('.')}. Runbook: {runbook_url(service, deployment)}. Managed by vigil.",
        layout_type="ordered",
        reflow_type="auto",
        template_variables=[
            datadog.DashboardTemplateVariableArgs(name="env", prefix="env", defaults=[deployment.environment])
        ],
        widgets=widgets,
        tags=[f"team:{service.team}"],
    )
