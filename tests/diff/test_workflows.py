"""The GitHub workflows parse, and have the jobs and steps the README promises."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


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


@pytest.mark.parametrize("name", ["pr.yml", "preview.yml", "deploy.yml", "drift.yml"])
def test_workflow_is_well_formed(name: str) -> None:
    workflow = load(name)
    assert workflow["on"], f"{name}: no trigger"
    for job_name, job in workflow["jobs"].items():
        assert job.get("runs-on"), f"{name}: {job_name} has no runs-on"
        for step in steps(job):
            assert ("uses" in step) != ("run" in step), f"{name}: {job_name}: a step needs exactly one of uses/run"
    text = (WORKFLOWS / name).read_text()
    assert text.count("${{") == text.count("}}"), f"{name}: unbalanced expressions"


def secrets_read(name: str) -> set[str]:
    return set(re.findall(r"secrets\.([A-Za-z_]+)", (WORKFLOWS / name).read_text()))


def test_pr_runs_tests_and_keeps_one_diff_comment() -> None:
    workflow = load("pr.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"]["pull-requests"] == "write"
    jobs = workflow["jobs"]
    for name in ("test", "monitoring-diff"):  # the tests and the offline diff need no credential, so forks get them too
        assert "secrets." not in yaml.safe_dump(jobs[name]) and "environment" not in jobs[name]
    assert any("pytest" in s.get("run", "") for s in steps(jobs["test"]))
    diff = jobs["monitoring-diff"]
    (checkout,) = uses(diff, "actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    script = next(s["run"] for s in steps(diff) if "vigil diff" in s.get("run", ""))
    commands = [line for line in script.splitlines() if line.strip().startswith("python -m vigil diff")]
    assert len(commands) == 2 and all("--all-stacks" in c and "--base" in c for c in commands)  # every stack, one process
    assert "--format markdown" in commands[0] and "--max-length" in commands[0]  # a PR comment holds 65 536 characters
    assert "--backtest" in commands[0]  # without credentials: the comment says the back-test was skipped
    assert script.count("code=$?") == 1  # the exit code tested is the Markdown diff's
    assert "$OUT/" in script and "runner.temp" in diff["steps"][3]["env"]["OUT"]  # outputs outside the checkout
    (comment,) = uses(diff, "marocchino/sticky-pull-request-comment@")
    assert comment["with"]["header"] and comment["with"]["path"].endswith("comment.md")  # one comment, edited in place


def test_preview_gets_read_only_credentials_from_its_environment_only() -> None:
    workflow = load("preview.yml")
    assert secrets_read("preview.yml") == {"GITHUB_TOKEN"}  # no repository-level AWS keys or Pulumi token
    assert workflow["permissions"] == {"contents": "read"}
    stacks, job = workflow["jobs"]["stacks"], workflow["jobs"]["preview"]
    listing = next(s for s in steps(stacks) if s.get("id") == "list")
    assert "vigil stacks --format json" in listing["run"]
    assert "head.repo.full_name == github.repository" in listing["env"]["SAME_REPO"]  # forks have no OIDC token
    assert job["needs"] == "stacks" and "enabled == 'true'" in job["if"]
    assert job["environment"] == "preview" and job["permissions"]["id-token"] == "write"
    assert job["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"  # one job per stack
    (aws,) = uses(job, "aws-actions/configure-aws-credentials@")
    assert aws["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}" and "aws-access-key-id" not in aws["with"]
    (auth,) = uses(job, "pulumi/auth-actions@")
    assert auth["with"]["requested-token-type"].endswith(":team") and auth["with"]["scope"].startswith("team:")
    (pulumi,) = uses(job, "pulumi/actions@v6")
    assert pulumi["with"]["command"] == "preview" and pulumi["with"]["comment-on-pr"] is True
    assert pulumi["with"]["policyPacks"] == "policy" and (ROOT / "policy" / "PulumiPolicy.yaml").is_file()
    venv = next(i for i, s in enumerate(steps(job)) if "policy/venv" in s.get("run", ""))
    assert venv < steps(job).index(pulumi)  # the pack's venv exists before the preview runs it
    summary = next(s for s in steps(job) if "preview-summary" in s.get("run", ""))
    assert "--policy-pack policy" in summary["run"]


def test_preview_role_can_only_read() -> None:
    """The documented IAM policy of the preview role: every action exists in AWS's API model and only reads."""
    import botocore.session

    policy = json.loads((ROOT / "docs" / "iam" / "preview-role-policy.json").read_text())
    session = botocore.session.get_session()
    services = {"cloudwatch": "cloudwatch", "logs": "logs", "sns": "sns", "route53": "route53", "sts": "sts"}
    actions = [a for statement in policy["Statement"] for a in statement["Action"]]
    assert actions and all(statement["Effect"] == "Allow" for statement in policy["Statement"])
    for action in actions:
        prefix, operation = action.split(":")
        assert "*" not in operation, action
        assert operation.startswith(("Describe", "Get", "List")), f"{action} is not a read"
        assert operation in session.get_service_model(services[prefix]).operation_names, f"{action}: no such operation"
    trust = json.loads((ROOT / "docs" / "iam" / "preview-role-trust.json").read_text())
    (statement,) = trust["Statement"]
    assert statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"].endswith(":environment:preview")
    readme = (ROOT / "README.md").read_text()
    assert "docs/iam/preview-role-policy.json" in readme and "docs/iam/preview-role-trust.json" in readme


def test_deploy_exactly_this_commit_dev_then_prod_behind_approval() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert secrets_read("deploy.yml") == {"PULUMI_ACCESS_TOKEN"}
    jobs = workflow["jobs"]
    for name, environment in (("dev", "dev"), ("prod", "production")):
        job = jobs[name]
        assert job["environment"] == environment  # the token is an environment secret: only these jobs see it
        assert job["strategy"]["matrix"]["stack"] == f"${{{{ fromJSON(needs.test.outputs.{name}) }}}}"
        (up,) = uses(job, "pulumi/actions@v6")
        assert up["with"]["command"] == "up" and up["with"]["stack-name"] == "${{ matrix.stack }}"
        order = steps(job)
        say = next(i for i, s in enumerate(order) if s.get("run") == ".github/deploy-summary.sh")
        assert say < order.index(up) and order[say]["env"]["SHA"] == "${{ github.sha }}"
        assert any("stack tag set vigil:commit" in s.get("run", "") for s in order[order.index(up) :])
    for job in jobs.values():  # every checkout is of this run's commit, never of a moving branch
        for checkout in uses(job, "actions/checkout@"):
            assert checkout["with"]["ref"] == "${{ github.sha }}"
    assert jobs["prod"]["needs"] == ["test", "dev"]
    listing = next(s["run"] for s in steps(jobs["test"]) if s.get("id") == "stacks")
    assert "--environment dev" in listing and "--environment prod" in listing
    script = (ROOT / ".github" / "deploy-summary.sh").read_text()
    assert 'git rev-parse HEAD' in script and "vigil diff" in script and "vigil:commit" in script


def test_drift_runs_daily_read_only_and_keeps_one_issue_per_stack() -> None:
    workflow = load("drift.yml")
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["drift"]
    assert job["environment"] == "drift" and job["permissions"]["issues"] == "write" and job["permissions"]["id-token"] == "write"
    assert secrets_read("drift.yml") == {"DD_API_KEY", "DD_APP_KEY"}  # read keys in its environment; no AWS keys, no Pulumi token
    (aws,) = uses(job, "aws-actions/configure-aws-credentials@")
    assert aws["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}"  # the read-only role
    script = next(s["run"] for s in steps(job) if "vigil drift" in s.get("run", ""))
    assert 'python -m vigil drift --stack "$STACK" --format markdown' in script and '[ "$code" != 1 ]' in script
    issue = next(s["run"] for s in steps(job) if "gh issue" in s.get("run", ""))
    assert "gh issue edit" in issue and "gh issue create" in issue and "gh issue close" in issue  # one issue, edited in place


def test_pr_backtest_reads_metric_history_only_from_its_environment() -> None:
    """`vigil diff --backtest` in its own job: same-repo pull requests only, the environment `backtest`'s read-only
    credentials (OIDC role, Datadog key), the same comment replaced; a failure fails it, missing credentials do not."""
    workflow = load("pr.yml")
    job = workflow["jobs"]["backtest"]
    assert job["needs"] == "monitoring-diff" and "head.repo.full_name == github.repository" in job["if"]  # forks: skipped
    assert job["environment"] == "backtest"
    assert job["permissions"] == {"contents": "read", "id-token": "write", "pull-requests": "write"}
    assert secrets_read("pr.yml") == {"DD_API_KEY", "DD_APP_KEY"}  # environment secrets, read by this job only
    (aws,) = uses(job, "aws-actions/configure-aws-credentials@")
    assert aws["with"]["role-to-assume"] == "${{ vars.AWS_BACKTEST_ROLE_ARN }}" and "aws-access-key-id" not in aws["with"]
    assert aws["if"] == "vars.AWS_BACKTEST_ROLE_ARN != ''"  # no role configured: no AWS credentials, the back-test says skipped
    (checkout,) = uses(job, "actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    step = next(s for s in steps(job) if "vigil diff" in s.get("run", ""))
    assert step["env"]["DD_API_KEY"] == "${{ secrets.DD_API_KEY }}" and step["env"]["DD_APP_KEY"] == "${{ secrets.DD_APP_KEY }}"
    (command,) = [line for line in step["run"].splitlines() if line.strip().startswith("python -m vigil diff")]
    assert "--backtest" in command and "--all-stacks" in command and "--format markdown" in command and "--max-length" in command
    assert step["run"].count("code=$?") == 1 and '"$code" = 1' in step["run"]  # only an error (1) fails: 0 and 2 do not
    assert steps(job).index(aws) < steps(job).index(step)
    (comment,) = uses(job, "marocchino/sticky-pull-request-comment@")
    (diff_comment,) = uses(workflow["jobs"]["monitoring-diff"], "marocchino/sticky-pull-request-comment@")
    assert comment["with"]["header"] == diff_comment["with"]["header"]  # one comment, replaced
    failing = next(s for s in steps(job) if "exit 1" in s.get("run", ""))
    assert failing["if"] == "steps.backtest.outputs.failed == '1'"


def test_backtest_role_may_only_read_metric_history() -> None:
    """The back-test role: GetMetricData, nothing else, assumed only from the environment `backtest`."""
    import botocore.session

    policy = json.loads((ROOT / "docs" / "iam" / "backtest-role-policy.json").read_text())
    actions = [a for statement in policy["Statement"] for a in statement["Action"]]
    assert actions == ["cloudwatch:GetMetricData"] and all(s["Effect"] == "Allow" for s in policy["Statement"])
    assert "GetMetricData" in botocore.session.get_session().get_service_model("cloudwatch").operation_names
    trust = json.loads((ROOT / "docs" / "iam" / "backtest-role-trust.json").read_text())
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"].endswith(":environment:backtest")
    readme = (ROOT / "README.md").read_text()
    assert "docs/iam/backtest-role-policy.json" in readme and "docs/iam/backtest-role-trust.json" in readme
