"""The whole CloudWatch part (aws:* types) of the prod plan against a reviewed snapshot.

A change to any AWS resource shows here as a diff to review. Regenerate after reviewing:
    UPDATE_SNAPSHOTS=1 python -m pytest tests/aws/test_aws_snapshot.py
"""

from __future__ import annotations

import difflib
import json
import os
from typing import Any

from aws_helpers import PROJECT, ROOT, aws_resources

from vigil.testkit import PlanView

SNAPSHOT = ROOT / "tests" / "snapshots" / "aws-prod.json"


def cloudwatch_part(plan: PlanView) -> str:
    """The aws:* resources as JSON; dashboard bodies parsed, so the snapshot reads (and diffs) as structure."""
    resources: list[dict[str, Any]] = []
    for resource in aws_resources(plan):
        entry = resource.to_dict()
        body = entry["inputs"].get("dashboardBody")
        if isinstance(body, str):
            entry["inputs"] = {**entry["inputs"], "dashboardBody": json.loads(body)}
        resources.append(entry)
    return json.dumps(resources, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_prod_cloudwatch_plan_matches_the_reviewed_snapshot(prod_plan: PlanView) -> None:
    current = cloudwatch_part(prod_plan)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current)
    assert SNAPSHOT.is_file(), f"no snapshot at {SNAPSHOT}: review the plan, then run with UPDATE_SNAPSHOTS=1"
    reviewed = SNAPSHOT.read_text()
    if current != reviewed:
        diff = "".join(difflib.unified_diff(reviewed.splitlines(True), current.splitlines(True), "reviewed", "current", n=2))
        lines = diff.splitlines()
        raise AssertionError(
            "the CloudWatch plan changed; review the diff and run with UPDATE_SNAPSHOTS=1 if intended:\n"
            + "\n".join(lines[:120])
            + ("\n…" if len(lines) > 120 else "")
        )


def test_the_plan_is_the_same_byte_for_byte_when_run_again(prod_plan: PlanView) -> None:
    from vigil.planning import plan_stack

    again = PlanView(plan_stack(PROJECT, "prod"))
    assert cloudwatch_part(again) == cloudwatch_part(prod_plan)
