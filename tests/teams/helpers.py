"""Projects in temporary folders for the teams, windows, Sentry and accounts tests: a Pulumi.yaml, two stacks (dev and
prod) deploying the given backends, and a catalog of the given files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Union

import yaml

from spec import SpecErrors
from vigil.project import check_catalog

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "teams"

ROUTES: dict[str, Any] = {
    "page": {"datadog": ["@pagerduty-web"], "sns": [{"protocol": "email", "endpoint": "web-page@example.com"}], "sentry": [{"team": 11}]},
    "ticket": {"datadog": ["@slack-web"], "sns": [{"protocol": "email", "endpoint": "web@example.com"}], "sentry": [{"team": 12}]},
}
SERVICE: dict[str, Any] = {
    "service": "web",
    "team": "web",
    "runbook": "docs/runbooks/web.md",
    "routes": ROUTES,
    "sources": {"datadog": {"apm_service": "web"}, "aws": {"region": "eu-west-1", "ecs": {"cluster": "prod", "service": "web"}}},
    "logs": {"retention": "30d"},
}


def project(tmp_path: Path, files: dict[str, Union[str, dict[str, Any], list[dict[str, Any]]]], backends: tuple[str, ...] = ("datadog", "aws", "sentry")) -> Path:
    """A project whose dev and prod stacks deploy `backends`, with `files` in its catalog (a mapping is one document,
    a list several)."""
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    for stack in ("dev", "prod"):
        config = {"monitoring:environment": stack, "monitoring:backends": list(backends), "monitoring:awsRegion": "eu-west-1"}
        (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))
    catalog = tmp_path / "catalog"
    catalog.mkdir(exist_ok=True)
    for name, content in files.items():
        if isinstance(content, str):
            text = content
        elif isinstance(content, list):
            text = yaml.safe_dump_all(content, sort_keys=False)
        else:
            text = yaml.safe_dump(content, sort_keys=False)
        (catalog / name).write_text(text)
    return tmp_path


def problems(project_dir: Path) -> list[str]:
    """Every problem `vigil validate` reports for the project (empty when valid)."""
    try:
        check_catalog(project_dir)
    except SpecErrors as exc:
        return [str(e) for e in exc.errors]
    return []


def service(**fields: Any) -> dict[str, Any]:
    return {**SERVICE, **fields}
