"""The mirror of `pulumi_aws.cloudwatch` (see monitors/aws/sdk/__init__.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from monitors.common.sdk import Resource

if TYPE_CHECKING:
    import pulumi

# ---- logs ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LogGroupArgs:
    kms_key_id: Optional[pulumi.Input[str]] = None
    log_group_class: Optional[pulumi.Input[str]] = None
    name: Optional[pulumi.Input[str]] = None
    retention_in_days: Optional[pulumi.Input[int]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None


@dataclass(frozen=True, kw_only=True)
class LogMetricFilterMetricTransformationArgs:
    name: pulumi.Input[str]
    namespace: pulumi.Input[str]
    value: pulumi.Input[str]
    default_value: Optional[pulumi.Input[str]] = None
    unit: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class LogMetricFilterArgs:
    log_group_name: pulumi.Input[str]
    metric_transformation: pulumi.Input[LogMetricFilterMetricTransformationArgs]
    pattern: pulumi.Input[str]
    name: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class LogSubscriptionFilterArgs:
    destination_arn: pulumi.Input[str]
    filter_pattern: pulumi.Input[str]
    log_group: pulumi.Input[str]
    name: Optional[pulumi.Input[str]] = None


# ---- alarms ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MetricAlarmMetricQueryMetricArgs:
    metric_name: pulumi.Input[str]
    period: pulumi.Input[int]
    stat: pulumi.Input[str]
    dimensions: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    namespace: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class MetricAlarmMetricQueryArgs:
    id: pulumi.Input[str]
    expression: Optional[pulumi.Input[str]] = None
    label: Optional[pulumi.Input[str]] = None
    metric: Optional[pulumi.Input[MetricAlarmMetricQueryMetricArgs]] = None
    period: Optional[pulumi.Input[int]] = None
    return_data: Optional[pulumi.Input[bool]] = None


@dataclass(frozen=True, kw_only=True)
class MetricAlarmArgs:
    alarm_actions: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    alarm_description: Optional[pulumi.Input[str]] = None
    comparison_operator: Optional[pulumi.Input[str]] = None
    datapoints_to_alarm: Optional[pulumi.Input[int]] = None
    dimensions: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    evaluation_periods: Optional[pulumi.Input[int]] = None
    extended_statistic: Optional[pulumi.Input[str]] = None
    insufficient_data_actions: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    metric_name: Optional[pulumi.Input[str]] = None
    metric_queries: Optional[pulumi.Input[Sequence[pulumi.Input[MetricAlarmMetricQueryArgs]]]] = None
    name: Optional[pulumi.Input[str]] = None
    namespace: Optional[pulumi.Input[str]] = None
    ok_actions: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    period: Optional[pulumi.Input[int]] = None
    statistic: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    threshold: Optional[pulumi.Input[float]] = None
    treat_missing_data: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class CompositeAlarmActionsSuppressorArgs:
    alarm: pulumi.Input[str]
    extension_period: pulumi.Input[int]
    wait_period: pulumi.Input[int]


@dataclass(frozen=True, kw_only=True)
class CompositeAlarmArgs:
    alarm_name: pulumi.Input[str]
    alarm_rule: pulumi.Input[str]
    actions_suppressor: Optional[pulumi.Input[CompositeAlarmActionsSuppressorArgs]] = None
    alarm_actions: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    alarm_description: Optional[pulumi.Input[str]] = None
    insufficient_data_actions: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    ok_actions: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None


# ---- dashboards and mute rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DashboardArgs:
    dashboard_body: pulumi.Input[str]
    dashboard_name: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class AlarmMuteRuleRuleScheduleArgs:
    duration: pulumi.Input[str]
    expression: pulumi.Input[str]
    timezone: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class AlarmMuteRuleRuleArgs:
    schedule: Optional[pulumi.Input[AlarmMuteRuleRuleScheduleArgs]] = None


@dataclass(frozen=True, kw_only=True)
class AlarmMuteRuleMuteTargetsArgs:
    alarm_names: pulumi.Input[Sequence[pulumi.Input[str]]]


@dataclass(frozen=True, kw_only=True)
class AlarmMuteRuleArgs:
    description: Optional[pulumi.Input[str]] = None
    expire_date: Optional[pulumi.Input[str]] = None
    mute_targets: Optional[pulumi.Input[AlarmMuteRuleMuteTargetsArgs]] = None
    name: Optional[pulumi.Input[str]] = None
    rule: Optional[pulumi.Input[AlarmMuteRuleRuleArgs]] = None
    start_date: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None


# ---- resources -------------------------------------------------------------------------------------------------------

LogGroup = Resource("aws:cloudwatch/logGroup:LogGroup", LogGroupArgs, outputs=("arn",))
LogMetricFilter = Resource("aws:cloudwatch/logMetricFilter:LogMetricFilter", LogMetricFilterArgs)
LogSubscriptionFilter = Resource("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", LogSubscriptionFilterArgs)
MetricAlarm = Resource("aws:cloudwatch/metricAlarm:MetricAlarm", MetricAlarmArgs, outputs=("arn",))
CompositeAlarm = Resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", CompositeAlarmArgs, outputs=("arn",))
Dashboard = Resource("aws:cloudwatch/dashboard:Dashboard", DashboardArgs)
AlarmMuteRule = Resource("aws:cloudwatch/alarmMuteRule:AlarmMuteRule", AlarmMuteRuleArgs, outputs=("arn",))
