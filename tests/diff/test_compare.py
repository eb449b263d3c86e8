"""The structural diff and the danger list, on hand-made plans (no engine, no git: fast)."""

from __future__ import annotations

import pytest
from diff_plans import ALARM, LOG_GROUP, MONITOR, SUBSCRIPTION, edited, find, plan, resource

from vigil.diff.compare import compare, flatten
from vigil.diff.danger import dangers
from vigil.diff.model import ABSENT


def test_flatten_paths_lists_and_json_documents() -> None:
    flat = flatten({"a": {"b": 1}, "tags": ["x", "y"], "thresholds": [{"target": 99.9}], "body": '{"widgets": [{"x": 0}]}'}, "inputs")
    assert flat == {
        "inputs.a.b": 1,
        "inputs.tags": ["x", "y"],
        "inputs.thresholds[0].target": 99.9,
        "inputs.body{}.widgets[0].x": 0,
    }


def test_identical_plans_have_no_changes() -> None:
    diff = compare(plan("api", "web"), plan("api", "web"))
    assert not diff.has_changes
    assert diff.changes == ()


def test_threshold_change_is_exactly_that_field() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-latency-p95", MONITOR)["inputs"]["monitorThresholds"]["warning"] = "0.3"
    diff = compare(base, head)
    assert [(c.kind, c.name) for c in diff.changes] == [("changed", "api-latency-p95")]
    (field,) = diff.changes[0].fields
    assert (field.path, field.old, field.new) == ("inputs.monitorThresholds.warning", "0.4", "0.3")
    assert diff.changes[0].replaces == ()
    assert dangers(diff) == []


def test_added_and_removed_resources() -> None:
    diff = compare(plan("api"), plan("api", "web"))
    assert {c.kind for c in diff.changes} == {"added"}
    assert {c.name for c in diff.changes} >= {"web", "web-logs", "web-error-rate"}
    back = compare(plan("api", "web"), plan("api"))
    assert {c.kind for c in back.changes} == {"removed"}


def test_service_removed_warns_of_log_group_and_deletions_first() -> None:
    found = dangers(compare(plan("api", "web"), plan("api")))
    assert found[0].kind == "data-loss" and "/platform/web/prod" in found[0].message
    assert "protected" in found[0].message  # prod log groups are protected: `pulumi up` refuses
    (deleted,) = [d for d in found if d.kind == "delete"]  # one line for the service, not one per resource
    assert deleted.name == "web" and "12 resources" in deleted.message
    assert "(3 × Datadog monitor, 2 × CloudWatch metric alarm, 2 × SNS topic," in deleted.message


def test_unprotected_log_group_removal_is_data_loss() -> None:
    base = plan("api")
    group = find(base, "api-logs")
    group["options"].update(protect=False, retainOnDelete=False)
    head = edited(base)
    head["resources"].remove(find(head, "api-logs"))
    (loss,) = [d for d in dangers(compare(base, head)) if d.kind == "data-loss"]
    assert loss.message.startswith("DATA LOSS")


def test_replacement_forcing_fields() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-logs")["inputs"]["logGroupClass"] = "INFREQUENT_ACCESS"
    find(head, "api-latency-p95-page")["inputs"]["alarmName"] = "api-p95-page"
    find(head, "api-error-rate")["inputs"]["type"] = "metric alert"
    find(head, "api-latency-p95-ticket")["inputs"]["threshold"] = 0.45  # not forcing
    diff = compare(base, head)
    replaced = {c.name: c.replaces for c in diff.changes if c.replaces}
    assert replaced == {
        "api-logs": ("inputs.logGroupClass",),
        "api-latency-p95-page": ("inputs.alarmName",),
        "api-error-rate": ("inputs.type",),
    }
    kinds = [(d.kind, d.name) for d in dangers(diff)]
    assert kinds[0] == ("data-loss", "api-logs")  # a replaced log group is a new, empty one
    assert ("replace", "api-latency-p95-page") in kinds


def test_route53_interval_forces_replacement() -> None:
    check = resource("aws:route53/healthCheck:HealthCheck", "api-live", {"requestInterval": 30, "fqdn": "api.example.com"})
    base = {"resources": [check]}
    head = edited(base)
    head["resources"][0]["inputs"]["requestInterval"] = 10
    (change,) = compare(base, head).changes
    assert change.replaces == ("inputs.requestInterval",)


def test_protection_removed() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-logs")["options"]["protect"] = False
    found = dangers(compare(base, head))
    assert [(d.kind, d.name) for d in found] == [("unprotect", "api-logs")]
    assert "protection removed" in found[0].message


@pytest.mark.parametrize(
    ("old", "new", "protected", "danger"),
    [
        (90, 30, True, True),  # prod keeps a third of its logs: CloudWatch deletes the rest
        (None, 365, True, True),  # never expire → a year
        (30, 90, True, False),  # keeps more
        (30, None, True, False),  # never expire
        (90, 30, False, False),  # not production (unprotected): a field change, no danger
    ],
)
def test_lowering_a_production_log_groups_retention_is_data_loss(old: int | None, new: int | None, protected: bool, danger: bool) -> None:
    def retention(plan_: dict, days: int | None) -> None:
        inputs = find(plan_, "api-logs")["inputs"]
        inputs.pop("retentionInDays")
        if days is not None:
            inputs["retentionInDays"] = days

    base = plan("api")
    find(base, "api-logs")["options"]["protect"] = protected
    head = edited(base)
    retention(base, old)
    retention(head, new)
    found = [d for d in dangers(compare(base, head)) if d.name == "api-logs"]
    if not danger:
        assert found == []
        return
    (loss,) = found
    assert loss.kind == "data-loss" and "/platform/api/prod" in loss.message
    assert f"{'never expire' if old is None else f'{old} days'} → {new} days" in loss.message
    assert f"older than {new} days" in loss.message


def test_rename_with_aliases_is_not_delete_and_add() -> None:
    base = plan("api")
    head = edited(base)
    group = find(head, "api-logs")
    group["name"], group["aliases"] = "api-log-group", ["api-logs"]
    diff = compare(base, head)
    assert [(c.kind, c.name, c.old_name) for c in diff.changes] == [("renamed", "api-log-group", "api-logs")]
    assert diff.changes[0].fields == ()
    assert dangers(diff) == []


def test_rename_without_aliases_is_delete_and_add() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-logs")["name"] = "api-log-group"
    diff = compare(base, head)
    assert sorted((c.kind, c.name) for c in diff.changes) == [("added", "api-log-group"), ("removed", "api-logs")]
    assert [d.kind for d in dangers(diff)][:2] == ["data-loss", "delete"]


def test_field_added_and_removed_use_absent() -> None:
    base = plan("api")
    head = edited(base)
    inputs = find(head, "api-error-rate")["inputs"]
    del inputs["priority"]
    inputs["renotifyInterval"] = 60
    change = compare(base, head).changes[0]
    assert {(f.path, f.old is ABSENT, f.new is ABSENT) for f in change.fields} == {
        ("inputs.priority", False, True),
        ("inputs.renotifyInterval", True, False),
    }


def test_subscription_endpoint_change_forces_replacement_of_subscription_only() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-ticket-email", SUBSCRIPTION)["inputs"]["endpoint"] = "platform@example.com"
    diff = compare(base, head)
    assert [(c.name, c.replaces) for c in diff.changes] == [("api-ticket-email", ("inputs.endpoint",))]
    assert ALARM not in {c.type for c in diff.changes} and LOG_GROUP not in {c.type for c in diff.changes}


def test_the_service_component_type_is_the_programs() -> None:
    """The diff and the engine read plan documents without importing the program (and the provider SDKs): their
    copies must match the type the program registers."""
    from program import component
    from vigil import engine
    from vigil.diff import model

    assert model.SERVICE_COMPONENT == engine.SERVICE_COMPONENT == component.TYPE
