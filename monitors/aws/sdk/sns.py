"""The mirror of `pulumi_aws.sns` (see monitors/aws/sdk/__init__.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from monitors.common.sdk import Resource

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class TopicArgs:
    display_name: Optional[pulumi.Input[str]] = None
    kms_master_key_id: Optional[pulumi.Input[str]] = None
    name: Optional[pulumi.Input[str]] = None
    tags: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None


@dataclass(frozen=True, kw_only=True)
class TopicSubscriptionArgs:
    endpoint: pulumi.Input[str]
    protocol: pulumi.Input[str]
    topic: pulumi.Input[str]
    endpoint_auto_confirms: Optional[pulumi.Input[bool]] = None


Topic = Resource("aws:sns/topic:Topic", TopicArgs, outputs=("arn",))
TopicSubscription = Resource("aws:sns/topicSubscription:TopicSubscription", TopicSubscriptionArgs, outputs=("arn",))
