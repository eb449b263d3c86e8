"""`logs.adopt`: the service's existing log group (Lambda's own /aws/lambda/<function>) is imported by its name —
Pulumi's `import` resource option, which the plan shows — and kept when the spec drops it, never created anew."""

from __future__ import annotations

from pathlib import Path

import yaml

from vigil.planning import plan_stack


def _with_logs(project: Path, **logs: object) -> None:
    path = project / "catalog" / "api.yaml"
    data = yaml.safe_load(path.read_text())
    data["logs"].update(logs)
    for overlay in data.get("environments", {}).values():
        overlay.pop("logs", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_an_adopted_log_group_is_imported_by_its_name_and_kept(project: Path) -> None:
    _with_logs(project, group="/aws/lambda/api-handler", adopt=True)
    plan = plan_stack(project, "prod")
    group = plan.by_name("api-logs")
    assert group.inputs["name"] == "/aws/lambda/api-handler"
    assert group.options["import"] == "/aws/lambda/api-handler"
    assert group.options["retainOnDelete"] is True and group.options["protect"] is True
    assert [r.name for r in plan.resources if "import" in r.options] == ["api-logs"]


def test_a_group_vigil_creates_has_no_import(project: Path) -> None:
    plan = plan_stack(project, "dev")
    assert not [r.name for r in plan.resources if "import" in r.options]
    assert plan.by_name("api-logs").options == {"protect": False, "retainOnDelete": True, "deleteBeforeReplace": True, "provider": "aws-eu-west-1"}
