"""The whole Datadog part of the prod plan, compared with a reviewed snapshot.

A change to any Datadog resource shows up here as a diff to review. Regenerate on purpose with
`UPDATE_SNAPSHOTS=1 python -m pytest tests/datadog/test_datadog_snapshot.py`, then review the JSON diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from vigil.testkit import PlanView

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "datadog-prod.json"


def datadog_part(plan: PlanView) -> dict[str, Any]:
    """The plan JSON (as `vigil plan --format json` writes it) with only the Datadog resources."""
    whole = plan.plan.to_dict()
    whole["resources"] = [r for r in whole["resources"] if r["type"].startswith("datadog:")]
    return whole


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_prod_datadog_plan_matches_the_reviewed_snapshot(prod_plan: PlanView) -> None:
    current = render(datadog_part(prod_plan))
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current)
    assert SNAPSHOT.is_file(), f"no snapshot yet: run with UPDATE_SNAPSHOTS=1 and review {SNAPSHOT}"
    assert current == SNAPSHOT.read_text(), (
        "the Datadog plan changed: review the difference, then regenerate with UPDATE_SNAPSHOTS=1"
    )
