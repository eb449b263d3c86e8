"""A typed mirror of the pulumiverse-sentry `...Args` classes vigil uses: the SDK's class names, snake_case field
names and types, only the fields the builders and rules use (monitors/common/sdk.py says why and how).

Builders import it as `sentry` (`from monitors.sentry import sdk as sentry`); tests/program/test_sdk_mirrors.py checks
every class against pulumiverse_sentry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from monitors.common.sdk import SECRET, Provider, Resource

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class SentryIssueAlertArgs:
    action_match: pulumi.Input[str]
    actions: pulumi.Input[Sequence[pulumi.Input[Mapping[str, pulumi.Input[str]]]]]
    conditions: pulumi.Input[Sequence[pulumi.Input[Mapping[str, pulumi.Input[str]]]]]
    filter_match: pulumi.Input[str]
    frequency: pulumi.Input[int]
    organization: pulumi.Input[str]
    project: pulumi.Input[str]
    environment: Optional[pulumi.Input[str]] = None
    name: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class SentryMetricAlertTriggerActionArgs:
    target_type: pulumi.Input[str]
    type: pulumi.Input[str]
    integration_id: Optional[pulumi.Input[int]] = None
    target_identifier: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class SentryMetricAlertTriggerArgs:
    alert_threshold: pulumi.Input[float]
    label: pulumi.Input[str]
    threshold_type: pulumi.Input[int]
    actions: Optional[pulumi.Input[Sequence[pulumi.Input[SentryMetricAlertTriggerActionArgs]]]] = None


@dataclass(frozen=True, kw_only=True)
class SentryMetricAlertArgs:
    aggregate: pulumi.Input[str]
    organization: pulumi.Input[str]
    project: pulumi.Input[str]
    query: pulumi.Input[str]
    threshold_type: pulumi.Input[int]
    time_window: pulumi.Input[float]
    triggers: pulumi.Input[Sequence[pulumi.Input[SentryMetricAlertTriggerArgs]]]
    dataset: Optional[pulumi.Input[str]] = None
    environment: Optional[pulumi.Input[str]] = None
    event_types: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    name: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class ProviderArgs:
    base_url: Optional[pulumi.Input[str]] = None
    token: Optional[pulumi.Input[str]] = field(default=None, metadata=SECRET)


# Pulumiverse's plugins are not Pulumi's: the engine downloads them from where the SDK says (its _utilities.py).
PROVIDER = Provider("sentry", ProviderArgs, "pulumiverse_sentry", plugin_download_url="github://api.github.com/pulumiverse")

SentryIssueAlert = Resource("sentry:index/sentryIssueAlert:SentryIssueAlert", SentryIssueAlertArgs)
SentryMetricAlert = Resource("sentry:index/sentryMetricAlert:SentryMetricAlert", SentryMetricAlertArgs)
