"""The GitHub workflows parse, and have the jobs and steps the README promises."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(document, dict) and isinstance(document.get("jobs"), dict), f"{name}: no jobs"
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as true
    return document


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found = job.get("steps")
    assert isinstance(found, list) and found and all(isinstance(s, dict) for s in found)
    return found


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).startswith(action)]


@pytest.mark.parametrize("name", ["pr.yml", "preview.yml", "deploy.yml"])
def test_workflow_is_well_formed(name: str) -> None:
    workflow = load(name)
    assert workflow["on"], f"{name}: no trigger"
    for job_name, job in workflow["jobs"].items():
        assert job.get("runs-on"), f"{name}: {job_name} has no runs-on"
        for step in steps(job):
            assert ("uses" in step) != ("run" in step), f"{name}: {job_name}: a step needs exactly one of uses/run"
    text = (WORKFLOWS / name).read_text()
    assert text.count("${{") == text.count("}}"), f"{name}: unbalanced expressions"


def test_pr_runs_tests_and_keeps_one_diff_comment() -> None:
    workflow = load("pr.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"]["pull-requests"] == "write"
    jobs = workflow["jobs"]
    assert any("pytest" in s.get("run", "") for s in steps(jobs["test"]))
    diff = jobs["monitoring-diff"]
    (checkout,) = uses(diff, "actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    script = next(s["run"] for s in steps(diff) if "vigil diff" in s.get("run", ""))
    assert re.search(r"for stack in dev prod", script) and "--format markdown" in script and "--base" in script
    assert "--max-length" in script  # a PR comment holds at most 65 536 characters
    assert script.count("code=$?") == 1  # the exit code tested is the Markdown diff's
    (comment,) = uses(diff, "marocchino/sticky-pull-request-comment@")
    assert comment["with"]["header"] and comment["with"]["path"] == "comment.md"  # one comment, edited in place


def test_preview_skips_cleanly_without_secrets() -> None:
    job = load("preview.yml")["jobs"]["preview"]
    assert set(job["strategy"]["matrix"]["stack"]) == {"dev", "prod"}
    assert "secrets." in job["env"]["HAS_SECRETS"]
    (pulumi,) = uses(job, "pulumi/actions@v6")
    assert pulumi["with"]["command"] == "preview" and pulumi["with"]["comment-on-pr"] is True
    for step in steps(job):
        assert "env.HAS_SECRETS" in step.get("if", ""), f"step {step.get('name') or step.get('uses')} runs without secrets"
        assert "secrets." not in step.get("if", "")  # secrets are not readable in `if:`


def test_deploy_dev_then_prod_behind_approval() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    (dev_up,) = uses(jobs["dev"], "pulumi/actions@v6")
    (prod_up,) = uses(jobs["prod"], "pulumi/actions@v6")
    assert (dev_up["with"]["command"], dev_up["with"]["stack-name"]) == ("up", "dev")
    assert (prod_up["with"]["command"], prod_up["with"]["stack-name"]) == ("up", "prod")
    assert jobs["prod"]["needs"] == "dev" and jobs["prod"]["environment"] == "production"
