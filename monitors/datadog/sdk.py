"""A typed mirror of the pulumi-datadog `...Args` classes vigil uses: the SDK's class names, its snake_case field
names and types (`pulumi.Input[...]`), only the fields the builders and rules use (monitors/common/sdk.py says why
and how; `import pulumi_datadog` alone costs about 5 s of CPU).

Builders import it as `datadog` (`from monitors.datadog import sdk as datadog`) and write `datadog.MonitorArgs(...)`
exactly as with the SDK. Adding a field: add it here with the SDK's name and type (mypy then accepts it in a
builder); tests/program/test_sdk_mirrors.py checks it against the SDK. A field whose Pulumi name is not the camelCase
of its Python name gives it as `field(metadata={"pulumi": "name"})`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from monitors.common.sdk import SECRET, Provider, Resource

if TYPE_CHECKING:
    import pulumi

# ---- Monitor ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MonitorMonitorThresholdsArgs:
    critical: Optional[pulumi.Input[str]] = None
    critical_recovery: Optional[pulumi.Input[str]] = None
    warning: Optional[pulumi.Input[str]] = None
    warning_recovery: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class MonitorArgs:
    message: pulumi.Input[str]
    name: pulumi.Input[str]
    query: pulumi.Input[str]
    type: pulumi.Input[str]
    evaluation_delay: Optional[pulumi.Input[int]] = None
    include_tags: Optional[pulumi.Input[bool]] = None
    monitor_thresholds: Optional[pulumi.Input[MonitorMonitorThresholdsArgs]] = None
    no_data_timeframe: Optional[pulumi.Input[int]] = None
    notify_bies: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    notify_no_data: Optional[pulumi.Input[bool]] = None
    on_missing_data: Optional[pulumi.Input[str]] = None
    priority: Optional[pulumi.Input[str]] = None
    renotify_interval: Optional[pulumi.Input[int]] = None
    require_full_window: Optional[pulumi.Input[bool]] = None
    tags: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    timeout_h: Optional[pulumi.Input[int]] = None


# ---- ServiceLevelObjective -------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveThresholdArgs:
    target: pulumi.Input[float]
    timeframe: pulumi.Input[str]
    warning: Optional[pulumi.Input[float]] = None


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveQueryArgs:
    denominator: pulumi.Input[str]
    numerator: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveSliSpecificationTimeSliceQueryFormulaArgs:
    formula_expression: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveSliSpecificationTimeSliceQueryQueryMetricQueryArgs:
    name: pulumi.Input[str]
    query: pulumi.Input[str]
    data_source: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveSliSpecificationTimeSliceQueryQueryArgs:
    metric_query: Optional[pulumi.Input[ServiceLevelObjectiveSliSpecificationTimeSliceQueryQueryMetricQueryArgs]] = None


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveSliSpecificationTimeSliceQueryArgs:
    formula: pulumi.Input[ServiceLevelObjectiveSliSpecificationTimeSliceQueryFormulaArgs]
    queries: pulumi.Input[Sequence[pulumi.Input[ServiceLevelObjectiveSliSpecificationTimeSliceQueryQueryArgs]]]


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveSliSpecificationTimeSliceArgs:
    comparator: pulumi.Input[str]
    query: pulumi.Input[ServiceLevelObjectiveSliSpecificationTimeSliceQueryArgs]
    threshold: pulumi.Input[float]
    query_interval_seconds: Optional[pulumi.Input[int]] = None


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveSliSpecificationArgs:
    time_slice: Optional[pulumi.Input[ServiceLevelObjectiveSliSpecificationTimeSliceArgs]] = None


@dataclass(frozen=True, kw_only=True)
class ServiceLevelObjectiveArgs:
    name: pulumi.Input[str]
    thresholds: pulumi.Input[Sequence[pulumi.Input[ServiceLevelObjectiveThresholdArgs]]]
    type: pulumi.Input[str]
    description: Optional[pulumi.Input[str]] = None
    query: Optional[pulumi.Input[ServiceLevelObjectiveQueryArgs]] = None
    sli_specification: Optional[pulumi.Input[ServiceLevelObjectiveSliSpecificationArgs]] = None
    tags: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    target_threshold: Optional[pulumi.Input[float]] = None
    timeframe: Optional[pulumi.Input[str]] = None
    warning_threshold: Optional[pulumi.Input[float]] = None


# ---- SyntheticsTest --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SyntheticsTestRequestDefinitionArgs:
    method: Optional[pulumi.Input[str]] = None
    timeout: Optional[pulumi.Input[int]] = None
    url: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class SyntheticsTestAssertionArgs:
    type: pulumi.Input[str]
    operator: Optional[pulumi.Input[str]] = None
    target: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class SyntheticsTestOptionsListRetryArgs:
    count: Optional[pulumi.Input[int]] = None
    interval: Optional[pulumi.Input[int]] = None


@dataclass(frozen=True, kw_only=True)
class SyntheticsTestOptionsListMonitorOptionsArgs:
    renotify_interval: Optional[pulumi.Input[int]] = None


@dataclass(frozen=True, kw_only=True)
class SyntheticsTestOptionsListArgs:
    tick_every: pulumi.Input[int]
    min_failure_duration: Optional[pulumi.Input[int]] = None
    min_location_failed: Optional[pulumi.Input[int]] = None
    monitor_name: Optional[pulumi.Input[str]] = None
    monitor_options: Optional[pulumi.Input[SyntheticsTestOptionsListMonitorOptionsArgs]] = None
    monitor_priority: Optional[pulumi.Input[int]] = None
    retry: Optional[pulumi.Input[SyntheticsTestOptionsListRetryArgs]] = None


@dataclass(frozen=True, kw_only=True)
class SyntheticsTestArgs:
    locations: pulumi.Input[Sequence[pulumi.Input[str]]]
    name: pulumi.Input[str]
    status: pulumi.Input[str]
    type: pulumi.Input[str]
    assertions: Optional[pulumi.Input[Sequence[pulumi.Input[SyntheticsTestAssertionArgs]]]] = None
    message: Optional[pulumi.Input[str]] = None
    options_list: Optional[pulumi.Input[SyntheticsTestOptionsListArgs]] = None
    request_definition: Optional[pulumi.Input[SyntheticsTestRequestDefinitionArgs]] = None
    subtype: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None


# ---- Dashboard -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DashboardTemplateVariableArgs:
    name: pulumi.Input[str]
    defaults: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    prefix: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetTimeseriesDefinitionMarkerArgs:
    value: pulumi.Input[str]
    display_type: Optional[pulumi.Input[str]] = None
    label: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetTimeseriesDefinitionRequestFormulaArgs:
    formula_expression: pulumi.Input[str]
    alias: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetTimeseriesDefinitionRequestQueryMetricQueryArgs:
    name: pulumi.Input[str]
    query: pulumi.Input[str]
    data_source: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetTimeseriesDefinitionRequestQueryArgs:
    metric_query: Optional[pulumi.Input[DashboardWidgetTimeseriesDefinitionRequestQueryMetricQueryArgs]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetTimeseriesDefinitionRequestArgs:
    display_type: Optional[pulumi.Input[str]] = None
    formulas: Optional[pulumi.Input[Sequence[pulumi.Input[DashboardWidgetTimeseriesDefinitionRequestFormulaArgs]]]] = None
    queries: Optional[pulumi.Input[Sequence[pulumi.Input[DashboardWidgetTimeseriesDefinitionRequestQueryArgs]]]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetTimeseriesDefinitionArgs:
    markers: Optional[pulumi.Input[Sequence[pulumi.Input[DashboardWidgetTimeseriesDefinitionMarkerArgs]]]] = None
    requests: Optional[pulumi.Input[Sequence[pulumi.Input[DashboardWidgetTimeseriesDefinitionRequestArgs]]]] = None
    show_legend: Optional[pulumi.Input[bool]] = None
    title: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetManageStatusDefinitionArgs:
    query: pulumi.Input[str]
    display_format: Optional[pulumi.Input[str]] = None
    sort: Optional[pulumi.Input[str]] = None
    summary_type: Optional[pulumi.Input[str]] = None
    title: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetServiceLevelObjectiveDefinitionArgs:
    slo_id: pulumi.Input[str]
    time_windows: pulumi.Input[Sequence[pulumi.Input[str]]]
    view_mode: pulumi.Input[str]
    view_type: pulumi.Input[str]
    show_error_budget: Optional[pulumi.Input[bool]] = None
    title: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardWidgetArgs:
    manage_status_definition: Optional[pulumi.Input[DashboardWidgetManageStatusDefinitionArgs]] = None
    service_level_objective_definition: Optional[pulumi.Input[DashboardWidgetServiceLevelObjectiveDefinitionArgs]] = None
    timeseries_definition: Optional[pulumi.Input[DashboardWidgetTimeseriesDefinitionArgs]] = None


@dataclass(frozen=True, kw_only=True)
class DashboardArgs:
    layout_type: pulumi.Input[str]
    title: pulumi.Input[str]
    description: Optional[pulumi.Input[str]] = None
    reflow_type: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    template_variables: Optional[pulumi.Input[Sequence[pulumi.Input[DashboardTemplateVariableArgs]]]] = None
    widgets: Optional[pulumi.Input[Sequence[pulumi.Input[DashboardWidgetArgs]]]] = None


# ---- DowntimeSchedule ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DowntimeScheduleMonitorIdentifierArgs:
    monitor_tags: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None


@dataclass(frozen=True, kw_only=True)
class DowntimeScheduleOneTimeScheduleArgs:
    end: Optional[pulumi.Input[str]] = None
    start: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DowntimeScheduleRecurringScheduleRecurrenceArgs:
    duration: pulumi.Input[str]
    rrule: pulumi.Input[str]
    start: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DowntimeScheduleRecurringScheduleArgs:
    recurrences: Optional[pulumi.Input[Sequence[pulumi.Input[DowntimeScheduleRecurringScheduleRecurrenceArgs]]]] = None
    timezone: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DowntimeScheduleArgs:
    monitor_identifier: pulumi.Input[DowntimeScheduleMonitorIdentifierArgs]
    scope: pulumi.Input[str]
    display_timezone: Optional[pulumi.Input[str]] = None
    message: Optional[pulumi.Input[str]] = None
    mute_first_recovery_notification: Optional[pulumi.Input[bool]] = None
    one_time_schedule: Optional[pulumi.Input[DowntimeScheduleOneTimeScheduleArgs]] = None
    recurring_schedule: Optional[pulumi.Input[DowntimeScheduleRecurringScheduleArgs]] = None


# ---- Provider --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProviderArgs:
    api_key: Optional[pulumi.Input[str]] = field(default=None, metadata=SECRET)
    api_url: Optional[pulumi.Input[str]] = None
    app_key: Optional[pulumi.Input[str]] = field(default=None, metadata=SECRET)
    validate: Optional[pulumi.Input[str]] = None


PROVIDER = Provider("datadog", ProviderArgs, "pulumi_datadog")

# ---- resources: what the engine knows them by ------------------------------------------------------------------------

Monitor = Resource("datadog:index/monitor:Monitor", MonitorArgs)
ServiceLevelObjective = Resource("datadog:index/serviceLevelObjective:ServiceLevelObjective", ServiceLevelObjectiveArgs)
SyntheticsTest = Resource("datadog:index/syntheticsTest:SyntheticsTest", SyntheticsTestArgs)
Dashboard = Resource("datadog:index/dashboard:Dashboard", DashboardArgs, outputs=("url",))
DowntimeSchedule = Resource("datadog:index/downtimeSchedule:DowntimeSchedule", DowntimeScheduleArgs)
