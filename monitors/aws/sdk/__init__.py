"""A typed mirror of the pulumi-aws `...Args` classes vigil uses, laid out as the SDK is (`cloudwatch`, `sns`,
`route53`, and the provider's at the top): the SDK's class names, snake_case field names and types, only the fields
the builders and rules use (monitors/common/sdk.py says why and how).

Builders import it as `aws` (`from monitors.aws import sdk as aws`) and write `aws.cloudwatch.MetricAlarmArgs(...)`
exactly as with the SDK; tests/program/test_sdk_mirrors.py checks every class against pulumi_aws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from monitors.common.sdk import JSON, Provider

from . import cloudwatch, route53, sns

if TYPE_CHECKING:
    import pulumi

__all__ = ["PROVIDER", "ProviderArgs", "ProviderAssumeRoleArgs", "ProviderDefaultTagsArgs", "cloudwatch", "route53", "sns"]


@dataclass(frozen=True, kw_only=True)
class ProviderDefaultTagsArgs:
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None


@dataclass(frozen=True, kw_only=True)
class ProviderAssumeRoleArgs:
    external_id: Optional[pulumi.Input[str]] = None
    role_arn: Optional[pulumi.Input[str]] = None
    session_name: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class ProviderArgs:
    """As the SDK's `aws.Provider` sends it: everything but the region JSON-encoded, and two defaults it fills in."""

    region: Optional[pulumi.Input[str]] = None
    allowed_account_ids: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = field(default=None, metadata=JSON)
    assume_roles: Optional[pulumi.Input[Sequence[pulumi.Input[ProviderAssumeRoleArgs]]]] = field(default=None, metadata=JSON)
    default_tags: Optional[pulumi.Input[ProviderDefaultTagsArgs]] = field(default=None, metadata=JSON)
    skip_credentials_validation: Optional[pulumi.Input[bool]] = field(default=False, metadata=JSON)
    skip_region_validation: Optional[pulumi.Input[bool]] = field(default=True, metadata=JSON)


PROVIDER = Provider("aws", ProviderArgs, "pulumi_aws")
