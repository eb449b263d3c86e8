"""`vigil diff` on crafted revisions of this very project, in a temporary git repository (see conftest.py)."""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import STACK, Revisions, run_git

from vigil.cli import main
from vigil.diff.compare import compare
from vigil.diff.danger import dangers
from vigil.diff.facets import PlanIndex, recipients
from vigil.diff.summary import summarise

pytestmark = pytest.mark.slow  # end to end: `make test` runs it, `make check` leaves it out

MONITOR = "datadog:index/monitor:Monitor"


def _diff(revisions: Revisions, head: str):  # type: ignore[no-untyped-def]
    return compare(revisions.plan("main"), revisions.plan(head), "main", head, STACK)


def test_threshold_change_shows_exactly_that_monitor(revisions: Revisions) -> None:
    diff = _diff(revisions, "threshold")
    assert {c.kind for c in diff.changes} == {"changed"}
    index = PlanIndex(revisions.plan("threshold"))
    assert {index.service_of(c.resource) for c in diff.changes} == {"api"}  # web has the same alert, untouched
    moved = [c for c in diff.changes if c.type == MONITOR and c.field("inputs.monitorThresholds.critical")]
    assert [c.name for c in moved] == ["api-error-rate"]
    (monitor,) = moved
    assert {"inputs.monitorThresholds.critical", "inputs.query"} <= {f.path for f in monitor.fields}
    assert all(f.path.startswith(("inputs.monitorThresholds.critical", "inputs.query", "inputs.message", "inputs.name")) for f in monitor.fields)
    critical = monitor.field("inputs.monitorThresholds.critical")
    assert critical is not None and float(critical.old) == 1 and float(critical.new) == 2
    assert any(line.startswith("api · error rate · page at 1% → 2%") for line in summarise(diff).sections["Thresholds"])
    assert dangers(diff) == []


def test_cli_exit_codes_and_markdown(revisions: Revisions, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(revisions.repo)
    assert main(["diff", "--stack", STACK, "--base", "main", "--head", "threshold", "--format", "markdown"]) == 2
    out = capsys.readouterr().out
    assert "page at 1% → 2%" in out and "| changed | Datadog monitor `api-error-rate` | `inputs.monitorThresholds.critical` |" in out
    assert main(["diff", "--stack", STACK, "--base", "main", "--head", "main"]) == 0
    assert "No monitoring changes." in capsys.readouterr().out


def test_invalid_revision_is_an_error_with_the_spec_message(
    revisions: Revisions, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "invalid" in revisions.errors, "a revision with an unknown key must not plan"
    monkeypatch.chdir(revisions.repo)
    assert main(["diff", "--stack", STACK, "--base", "main", "--head", "invalid"]) == 1
    err = capsys.readouterr().err
    assert "spec or stack is invalid" in err and "bogus_key" in err
    assert any("bogus_key" in line for line in err.splitlines()[1:]), err  # the spec's problems on lines of their own
    assert "\\n" not in err, err  # lines kept, not escaped into one
    assert main(["diff", "--stack", STACK, "--base", "no-such-ref"]) == 1
    err = capsys.readouterr().err
    assert "no-such-ref: not a git revision" in err and len(err.strip().splitlines()) == 1, err
    assert main(["diff", "--stack", STACK, "--base", "main", "--head", "no-such-head"]) == 1
    err = capsys.readouterr().err
    assert "no-such-head: not a git revision" in err and len(err.strip().splitlines()) == 1, err


def test_route_change_says_who_is_paged(revisions: Revisions) -> None:
    base = revisions.plan("main")
    index = PlanIndex(base)
    paged = [r for r in index.resources if "@pagerduty-platform" in recipients(r, index).get("page", [])]
    if not paged:
        pytest.skip("the program does not put route handles in alert messages yet (Datadog alerts to come)")
    routes = summarise(_diff(revisions, "route")).sections["Routes"]
    assert routes and all(line.startswith("api · ") for line in routes)
    assert any("@pagerduty-platform" in line.split("→")[0] and "@pagerduty-oncall" in line.split("→")[1] for line in routes)


def test_alert_removed(revisions: Revisions) -> None:
    diff = _diff(revisions, "alert-removed")
    removed = {c.name for c in diff.changes if c.kind == "removed"}
    assert "web-error-rate" in removed and not any(c.kind == "added" for c in diff.changes)
    assert all(name.startswith("web-") for name in removed)
    assert any(line.startswith("web · error rate · was page at 1%") for line in summarise(diff).sections["Alerts removed"])


def test_service_removed_warns_about_its_logs(revisions: Revisions) -> None:
    diff = _diff(revisions, "service-removed")
    assert {c.kind for c in diff.changes} == {"removed"}
    found = dangers(diff)
    assert found[0].kind == "data-loss" and "/platform/web/prod" in found[0].message
    assert any(d.kind == "delete" and d.name == "web" for d in found)
    assert summarise(diff).sections["Services"][0].startswith("service `web` removed")


def test_rename_with_aliases(revisions: Revisions) -> None:
    diff = _diff(revisions, "rename-aliased")
    assert sorted((c.kind, c.name, c.old_name) for c in diff.changes) == [
        ("renamed", "api-log-group", "api-logs"),
        ("renamed", "web-log-group", "web-logs"),
    ]
    assert dangers(diff) == []
    assert revisions.plan("rename-aliased")["resources"] and any(
        r.get("aliases") == ["api-logs"] for r in revisions.plan("rename-aliased")["resources"]
    )


def test_rename_without_aliases_is_delete_and_create(revisions: Revisions) -> None:
    diff = _diff(revisions, "rename-plain")
    assert sorted((c.kind, c.name) for c in diff.changes) == [
        ("added", "api-log-group"),
        ("added", "web-log-group"),
        ("removed", "api-logs"),
        ("removed", "web-logs"),
    ]
    assert [d.kind for d in dangers(diff)][:2] == ["data-loss", "data-loss"]
    assert any("looks like a rename" in hint for hint in summarise(diff).hints)


def test_working_tree_is_the_default_head(revisions: Revisions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(revisions.repo), str(clone)], check=True)
    catalog = clone / "catalog/api.yaml"
    catalog.write_text(catalog.read_text().replace("error_rate: {critical: 1%", "error_rate: {critical: 2%", 1))
    monkeypatch.chdir(clone)
    # --isolated: the working tree in a `python -m vigil plan` process of its own (the base plan is cached)
    assert main(["diff", "--stack", STACK, "--base", "origin/main", "--format", "json", "--isolated"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["head"] == "working tree" and document["base"] == "origin/main"
    assert (document["counts"]["added"], document["counts"]["removed"]) == (0, 0)  # same plan on both sides but this
    (monitor,) = [c for c in document["changes"] if c["name"] == "api-error-rate"]
    (critical,) = [f for f in monitor["fields"] if f["path"] == "inputs.monitorThresholds.critical"]
    assert (float(critical["old"]), float(critical["new"])) == (1, 2)


def test_no_worktree_is_left_behind(revisions: Revisions) -> None:
    assert len(run_git(revisions.repo, "worktree", "list").strip().splitlines()) == 1


@pytest.mark.parametrize("outside", ["/tmp/elsewhere/catalog", "../../elsewhere/catalog"])
def test_a_catalog_outside_the_repository_is_refused(revisions: Revisions, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], outside: str) -> None:
    """Each side reads the catalog at its own revision: a folder outside the repository has none (it would read the
    same files on both sides, and files the checkout does not hold)."""
    monkeypatch.chdir(revisions.repo)
    assert main(["diff", "--stack", STACK, "--base", "main", "--head", "threshold", "--catalog", outside]) == 1
    err = capsys.readouterr().err
    assert f"--catalog {outside}: a folder of this repository" in err and len(err.strip().splitlines()) == 1, err


def test_catalog_is_passed_relative_to_each_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from vigil.diff import revisions as module

    seen: list[dict] = []

    class Planner:
        def run(self, jobs: list[dict]) -> list[dict]:
            seen.extend(jobs)
            return [{"code": 0, "stdout": '{"resources": []}', "stderr": ""} for _ in jobs]

    @contextlib.contextmanager
    def planner(cwd: Path, progress: object = None) -> Iterator[Planner]:
        yield Planner()

    monkeypatch.setattr(module, "_planner", planner)
    assert module.plan_checkout(tmp_path, "dev", Path("catalog-staging"), "label") == {"resources": []}
    (job,) = seen
    assert job["dir"] == str(tmp_path) and job["argv"][-2:] == ["--catalog", "catalog-staging"]
