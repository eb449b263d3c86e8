"""What a reviewer must not miss: deletions, replacements, log groups leaving the stack or keeping fewer days of
logs, protection removed.

Replacement-forcing fields are the providers' "force new" inputs that this project sets: changing one makes
`pulumi up` delete the resource and create another (for a log group: a new, empty one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional

from ..render.escape import code
from .facets import PlanIndex, describe_type, is_log_group
from .model import REMOVED, SERVICE_COMPONENT, Diff, FieldChange

REPLACED_BY: dict[str, tuple[str, ...]] = {
    "datadog:index/monitor:Monitor": ("type",),
    "datadog:index/serviceLevelObjective:ServiceLevelObjective": ("type",),
    "datadog:index/dashboard:Dashboard": ("layoutType",),
    # pulumi-aws 7 calls an alarm's name `name`; earlier versions `alarmName`
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("alarmName", "name"),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": ("alarmName", "name"),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "namePrefix", "logGroupClass"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ("name", "logGroupName"),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName",),
    "aws:sns/topic:Topic": ("name", "namePrefix", "fifoTopic"),
    "aws:sns/topicSubscription:TopicSubscription": ("protocol", "endpoint", "topic"),
    "aws:route53/healthCheck:HealthCheck": ("requestInterval", "type", "measureLatency", "referenceName"),
}


def replacing_paths(type_token: str, fields: Iterable[FieldChange]) -> tuple[str, ...]:
    """The changed paths that force a replacement of a resource of this type (a provider change does too)."""
    forcing = REPLACED_BY.get(type_token, ())
    out = []
    for change in fields:
        top = change.path.split(".", 2)
        if (top[0] == "inputs" and len(top) > 1 and top[1].split("[", 1)[0].split("{", 1)[0] in forcing) or (change.path == "options.provider" and change.old is not None and change.new is not None):
            out.append(change.path)
    return tuple(out)


@dataclass(frozen=True)
class Danger:
    kind: str  # delete | data-loss | replace | unprotect
    name: str
    type: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "type": self.type, "message": self.message}


def _show(value: Any) -> str:
    return "(none)" if value is None else str(value)


def _log_group_loss(resource: dict[str, Any], how: str) -> str:
    options = resource.get("options", {})
    name = resource.get("inputs", {}).get("name", resource["name"])
    replaced = how.startswith("replaced")
    lead = f"log group {code(name)} is {how}" + (": a new, empty log group takes its place" if replaced else "")
    if options.get("protect"):
        return f"{lead}; it is protected, so `pulumi up` will refuse until protection is lifted on purpose"
    if options.get("retainOnDelete"):
        if replaced:
            return (
                f"{lead}; the old one and its logs stay in AWS unmanaged (retainOnDelete), and as a log group name "
                "exists only once the create may fail"
            )
        return f"{lead}: Pulumi leaves the log group and its logs in AWS (retainOnDelete), but nobody manages them any more (retention, cost)"
    return f"DATA LOSS: {lead}; AWS deletes the old one with all its logs" if replaced else f"DATA LOSS: {lead}: AWS deletes it with all its logs"


def _retention_days(resource: dict[str, Any]) -> float:
    """A log group's retention; none set (or 0) means its logs never expire."""
    days = resource.get("inputs", {}).get("retentionInDays")
    return float(days) if isinstance(days, (int, float)) and not isinstance(days, bool) and days > 0 else float("inf")


def _retention_loss(old: dict[str, Any], new: dict[str, Any]) -> Optional[str]:
    """Lowering a production log group's retention deletes its older logs, as surely as removing it.

    Production is what the program protects (`protect` follows `monitoring:production`). CloudWatch marks the
    events older than the new retention for deletion, typically within 72 hours (PutRetentionPolicy,
    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html)."""
    before, after = _retention_days(old), _retention_days(new)
    production = old.get("options", {}).get("protect") or new.get("options", {}).get("protect")
    if not production or after >= before:
        return None

    def days(value: float) -> str:
        return "never expire" if value == float("inf") else f"{value:g} days"

    name = new.get("inputs", {}).get("name", new["name"])
    return (
        f"DATA LOSS: production log group {code(name)} retention {days(before)} → {days(after)}: on `pulumi up` CloudWatch "
        f"deletes every log event older than {days(after)} (typically within 72 hours), and they cannot be restored"
    )


def dangers(diff: Diff) -> list[Danger]:
    """Dangers in order: data loss first, then deletions, replacements and protection removed."""
    found: list[tuple[int, Danger]] = []
    old_ix = PlanIndex(diff.base)
    gone_services = {c.name for c in diff.changes if c.kind == REMOVED and not c.custom}
    by_service: dict[str, list[str]] = {}
    for change in diff.changes:
        if not change.custom:
            continue
        service = old_ix.service_of(change.old) if change.kind == REMOVED and change.old is not None else None
        if service in gone_services:  # one line per removed service, not one per resource
            if change.old is not None and is_log_group(change.old):
                found.append((0, Danger("data-loss", change.name, change.type, _log_group_loss(change.old, "removed from the stack"))))
            by_service.setdefault(service, []).append(describe_type(change.type))
            continue
        what = f"{describe_type(change.type)} {code(change.name)}"
        if change.kind == REMOVED and change.old is not None:
            if is_log_group(change.old):
                found.append((0, Danger("data-loss", change.name, change.type, _log_group_loss(change.old, "removed from the stack"))))
            found.append((1, Danger("delete", change.name, change.type, f"{what} will be deleted")))
            continue
        if change.kind != REMOVED and not change.replaces and change.old is not None and change.new is not None and is_log_group(change.old):
            loss = _retention_loss(change.old, change.new)
            if loss:
                found.append((0, Danger("data-loss", change.name, change.type, loss)))
        if change.replaces:
            reasons = ", ".join(
                f"{c.path.split('.', 1)[-1]} {_show(c.old)} → {_show(c.new)}" for c in change.fields if c.path in change.replaces
            ) or ", ".join(p.split(".", 1)[-1] for p in change.replaces)
            if change.old is not None and is_log_group(change.old):
                found.append((0, Danger("data-loss", change.name, change.type, _log_group_loss(change.old, f"replaced ({reasons})"))))
            found.append((2, Danger("replace", change.name, change.type, f"{what} will be replaced (deleted, then created again): {reasons}")))
        for option, words in (("protect", "protection removed"), ("retainOnDelete", "retain-on-delete removed")):
            c = change.field(f"options.{option}")
            if c is not None and c.old is True and not c.new:
                found.append((3, Danger("unprotect", change.name, change.type, f"{what}: {words}")))
    for service, kinds in sorted(by_service.items()):
        counts = sorted(((kinds.count(k), k) for k in set(kinds)), key=lambda item: (-item[0], item[1]))
        what = ", ".join(f"{n} × {k}" for n, k in counts)
        message = f"service {code(service)} is removed: its {len(kinds)} resources will be deleted ({what})"
        found.append((1, Danger("delete", service, SERVICE_COMPONENT, message)))
    return [d for _, d in sorted(found, key=lambda item: item[0])]
