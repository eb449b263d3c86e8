"""The mirror of `pulumi_aws.route53` (see monitors/aws/sdk/__init__.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from monitors.common.sdk import Resource

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class HealthCheckArgs:
    type: pulumi.Input[str]
    enable_sni: Optional[pulumi.Input[bool]] = None
    failure_threshold: Optional[pulumi.Input[int]] = None
    fqdn: Optional[pulumi.Input[str]] = None
    measure_latency: Optional[pulumi.Input[bool]] = None
    port: Optional[pulumi.Input[int]] = None
    reference_name: Optional[pulumi.Input[str]] = None
    regions: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    request_interval: Optional[pulumi.Input[int]] = None
    resource_path: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None


HealthCheck = Resource("aws:route53/healthCheck:HealthCheck", HealthCheckArgs, outputs=("arn",))
