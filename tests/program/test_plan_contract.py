"""The plan JSON is a contract: its exact shape, ordering, number types, secrets; determinism and stability."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reference import REFERENCE
from vigil.planning import plan_stack
from vigil.render.plan_json import render_json
from vigil.testkit import PlanView

ROOT = Path(__file__).resolve().parents[2]
PROJECT = REFERENCE  # the project the tests plan: the reference fixture, never the user's catalog/


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _walk(item)]
    if isinstance(value, list):
        return [v for item in value for v in _walk(item)]
    return [value]


def test_plan_json_has_exactly_the_contract_shape(any_plan: PlanView) -> None:
    document = json.loads(render_json(any_plan.plan))
    assert list(document) == ["project", "stack", "resources"]
    assert document["project"] == "monitoring" and document["stack"] == any_plan.plan.stack
    keys = [(r["type"], r["name"]) for r in document["resources"]]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for resource in document["resources"]:
        assert list(resource) == ["type", "name", "parent", "inputs", "options"]
        assert list(resource["options"]) == ["protect", "retainOnDelete", "deleteBeforeReplace", "provider"]
        assert all(isinstance(resource["options"][k], bool) for k in ("protect", "retainOnDelete", "deleteBeforeReplace"))
        assert resource["parent"] is None or isinstance(resource["parent"], str)


def test_numbers_are_json_numbers_and_integral_floats_are_ints(prod_plan: PlanView) -> None:
    log_group = json.loads(render_json(prod_plan.plan))
    retention = next(r for r in log_group["resources"] if r["type"] == "aws:cloudwatch/logGroup:LogGroup")
    assert retention["inputs"]["retentionInDays"] == 90 and isinstance(retention["inputs"]["retentionInDays"], int)
    assert not any(isinstance(v, float) and v.is_integer() for v in _walk(log_group))


def _paths(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _paths(item, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [p for item in value for p in _paths(item, f"{path}[]")]
    return [(path, value)]


# The inputs the README says are strings holding numbers, and why (the provider types them `str`).
STRING_NUMBERS = {
    ("datadog:index/monitor:Monitor", "monitorThresholds.critical"),
    ("datadog:index/monitor:Monitor", "monitorThresholds.warning"),
    ("datadog:index/monitor:Monitor", "monitorThresholds.criticalRecovery"),
    ("datadog:index/monitor:Monitor", "monitorThresholds.warningRecovery"),
    ("datadog:index/monitor:Monitor", "priority"),
    ("datadog:index/syntheticsTest:SyntheticsTest", "assertions[].target"),
    ("aws:cloudwatch/logMetricFilter:LogMetricFilter", "metricTransformation.value"),
    ("aws:cloudwatch/logMetricFilter:LogMetricFilter", "metricTransformation.defaultValue"),
}


def test_numbers_held_in_strings_are_the_ones_the_readme_names(any_plan: PlanView) -> None:
    found = {
        (r.type, path)
        for r in any_plan.resources
        for path, value in _paths(r.inputs)
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value)
    }
    assert found <= STRING_NUMBERS, found - STRING_NUMBERS
    readme = (ROOT / "README.md").read_text()
    for _, path in STRING_NUMBERS:  # named in code, whole or by its last part (`.warning`)
        assert re.search(rf"`[^`\s]*\b{re.escape(path.rsplit('.', 1)[-1])}`", readme), f"README does not say {path} is a string"


def test_secrets_show_as_placeholder_only(any_plan: PlanView) -> None:
    text = render_json(any_plan.plan)
    assert '"[secret]"' in text
    values = [v for v in _walk(json.loads(text)) if isinstance(v, str)]
    assert not any("4dabf18193072939515e22adb298388d" in v for v in values)  # no raw secret envelopes


def test_two_runs_give_byte_identical_json() -> None:
    first = render_json(plan_stack(PROJECT, "prod"))
    second = render_json(plan_stack(PROJECT, "prod"))
    assert first == second


def _shuffled_catalog(target: Path, seed: int) -> None:
    """The reference catalog with every list, and every mapping's key order, shuffled."""
    rng = random.Random(seed)

    def shuffle(value: Any) -> Any:
        if isinstance(value, dict):
            items = list(value.items())
            rng.shuffle(items)
            return {k: shuffle(v) for k, v in items}
        if isinstance(value, list):
            items = [shuffle(v) for v in value]
            rng.shuffle(items)
            return items
        return value

    target.mkdir(parents=True, exist_ok=True)
    for path in (PROJECT / "catalog").glob("*.yaml"):
        documents = [shuffle(d) for d in yaml.safe_load_all(path.read_text())]
        (target / path.name).write_text(yaml.safe_dump_all(documents, sort_keys=False))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
@pytest.mark.slow
def test_shuffling_spec_lists_changes_no_logical_name(seed: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    baseline = plan_stack(PROJECT, "prod")
    catalog = tmp_path_factory.mktemp("shuffled")
    _shuffled_catalog(catalog, seed)
    shuffled = plan_stack(PROJECT, "prod", catalog)
    assert [(r.type, r.name, r.parent) for r in shuffled.resources] == [(r.type, r.name, r.parent) for r in baseline.resources]


def test_a_copied_catalog_plans_identically(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "catalog", tmp_path / "catalog")
    assert render_json(plan_stack(PROJECT, "dev", tmp_path / "catalog")) == render_json(plan_stack(PROJECT, "dev"))
