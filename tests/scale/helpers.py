"""Projects over the fixture catalog of two teams (tests/fixtures/team-stacks): stack files written per test."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "team-stacks" / "catalog"

# Two stacks per environment, one per team: the layout a large organisation would use.
TEAM_STACKS: dict[str, dict[str, Any]] = {
    "dev-payments": {"environment": "dev", "teams": ["payments"]},
    "dev-discovery": {"environment": "dev", "teams": ["discovery"]},
    "prod-payments": {"environment": "prod", "teams": ["payments"]},
    "prod-discovery": {"environment": "prod", "teams": ["discovery"]},
}
# One stack per environment holding every service (the default layout).
WHOLE_STACKS: dict[str, dict[str, Any]] = {"dev": {"environment": "dev"}, "prod": {"environment": "prod"}}


def stack_file(settings: dict[str, Any]) -> str:
    config = {"monitoring:awsRegion": "eu-west-1", "monitoring:datadogValidate": "false"}
    config.update({f"monitoring:{key}": value for key, value in settings.items()})
    return yaml.safe_dump({"config": config}, sort_keys=False)


def write_stacks(project: Path, stacks: dict[str, dict[str, Any]]) -> None:
    for old in project.glob("Pulumi.*.yaml"):
        old.unlink()
    for name, settings in stacks.items():
        (project / f"Pulumi.{name}.yaml").write_text(stack_file(settings))


def make_project(folder: Path, stacks: dict[str, dict[str, Any]], catalog: Path = FIXTURE) -> Path:
    """A project folder (Pulumi.yaml, the stack files, a copy of the catalog); the code is this checkout's."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "Pulumi.yaml", folder / "Pulumi.yaml")
    shutil.copytree(catalog, folder / "catalog", dirs_exist_ok=True)
    write_stacks(folder, stacks)
    return folder


def line_of(path: Path, text: str) -> int:
    """The first line of a file holding `text` (1-based): where an error about it must point."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)
