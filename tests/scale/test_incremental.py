"""The diff shortcut is exact: planning only the services whose effective spec changed (when nothing but catalog
files changed) gives the diff of the full computation, for every kind of change; anything else falls back to
the full computation."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from vigil.diff import revisions
from vigil.diff.model import Diff
from vigil.diff.render import render_json, render_text

from .helpers import FIXTURE, ROOT, write_stacks

pytestmark = pytest.mark.slow  # end to end: `make test` runs it, `make check` leaves it out

STACKS = {
    "dev": {"environment": "dev"},
    "prod-payments": {"environment": "prod", "teams": ["payments"]},
    "prod-discovery": {"environment": "prod", "teams": ["discovery"]},
}
GIT = ["-c", "user.email=tests@example.com", "-c", "user.name=tests", "-c", "commit.gpgsign=false"]
COMPONENT = "vigil:index:ServiceMonitoring"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *GIT, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def edit(path: Path, pattern: str, replacement: str) -> None:
    text, count = re.subn(pattern, replacement, path.read_text(), count=1, flags=re.M)
    assert count == 1, f"{path.name}: {pattern!r} not found (update the crafted change)"
    path.write_text(text)


def renamed(repo: Path) -> None:
    edit(repo / "catalog/search.yaml", r"^service: search$", "service: finder")


def new_service(repo: Path) -> None:
    text = (repo / "catalog/ledger.yaml").read_text()
    (repo / "catalog/cart.yaml").write_text(re.sub(r"^service: ledger$", "service: cart", text, flags=re.M))


# Each change, and whether the shortcut applies (only catalog files, or files the program never reads, changed).
CHANGES: dict[str, tuple[Callable[[Path], None], bool]] = {
    "threshold": (lambda r: edit(r / "catalog/checkout.yaml", r"(error_rate: \{critical: )1%", r"\g<1>2%"), True),
    "new-service": (new_service, True),
    "removed-service": (lambda r: (r / "catalog/index.yaml").unlink(), True),
    "renamed-service": (renamed, True),
    "prod-overlay": (lambda r: edit(r / "catalog/search.yaml", r"(latency_p95: \{critical: )700ms", r"\g<1>650ms"), True),
    "dev-overlay": (lambda r: edit(r / "catalog/checkout.yaml", r"(logs: \{retention: )7d", r"\g<1>3d"), True),
    "team-move": (lambda r: edit(r / "catalog/ledger.yaml", r"^team: payments$", "team: discovery"), True),
    "comment-only": (lambda r: edit(r / "catalog/checkout.yaml", r"^(team: payments)$", r"# owned by payments\n\1"), True),
    "docs-only": (lambda r: (r / "docs/notes.md").write_text("changed\n"), True),
    "stack-config": (lambda r: edit(r / "Pulumi.prod-payments.yaml", r"eu-west-1", "eu-central-1"), False),
    "code": (lambda r: (r / "program/run.py").write_text((r / "program/run.py").read_text() + "# a code change\n"), False),
}


def copy_project(target: Path) -> None:
    """This project's code (no catalog, tests or docs) with the fixture catalog and per-team stacks."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        if name.startswith(("tests/", "catalog/", "docs/", "benchmarks/")) or not (ROOT / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(FIXTURE, target / "catalog")
    (target / "docs").mkdir()
    (target / "docs/notes.md").write_text("notes\n")
    write_stacks(target, STACKS)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    repo = tmp_path_factory.mktemp("incremental")
    copy_project(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    for branch, (change, _) in CHANGES.items():
        git(repo, "checkout", "-q", "-b", branch, "main")
        change(repo)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", branch)
    git(repo, "checkout", "-q", "main")
    with revisions.one_subprocess(repo):  # one SDK import for every diff of the module
        revisions._plan_full(repo, Path("."), ["main", *CHANGES], list(STACKS))  # the full plans, cached by commit
        yield repo


def diffs(repo: Path, head: str | None, full: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Diff], bool]:
    """The diffs of every stack, and whether they came from full plans."""
    used: list[bool] = []
    original = revisions._plan_full

    def spy(*args: Any, **kwargs: Any) -> Any:
        used.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(revisions, "_plan_full", spy)
    found = revisions.diff_stacks(repo, list(STACKS), "main", head, full=full)
    monkeypatch.setattr(revisions, "_plan_full", original)
    return found, bool(used)


def rendered(found: list[Diff]) -> list[tuple[str, str]]:
    return [(render_json(d), render_text(d)) for d in found]


def components(plan: dict[str, Any]) -> set[str]:
    return {r["name"] for r in plan["resources"] if r["type"] == COMPONENT}


@pytest.mark.parametrize("branch", list(CHANGES))
def test_shortcut_equals_full_computation(repo: Path, branch: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shortcut, fell_back = diffs(repo, branch, False, monkeypatch)
    full, _ = diffs(repo, branch, True, monkeypatch)
    assert rendered(shortcut) == rendered(full)
    applies = CHANGES[branch][1]
    assert fell_back is not applies
    if applies:  # the cost follows the change: only services with changes were planned
        for diff in shortcut:
            planned = components(diff.base) | components(diff.head)
            touched = {s for s in planned if any(c.name == s or c.name.startswith(f"{s}-") for c in diff.changes)}
            assert planned == touched, (diff.stack, planned, touched)


def test_the_changes_land_where_expected(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The crafted changes are real changes: the comparisons above compare something."""
    by_stack = {d.stack: d for d in diffs(repo, "threshold", False, monkeypatch)[0]}
    assert by_stack["prod-payments"].has_changes and by_stack["dev"].has_changes
    assert not by_stack["prod-discovery"].has_changes
    moved = {d.stack: d for d in diffs(repo, "team-move", False, monkeypatch)[0]}
    assert {c.kind for c in moved["prod-payments"].changes} == {"removed"}
    assert {c.kind for c in moved["prod-discovery"].changes} == {"added"}
    for branch in ("comment-only", "docs-only"):
        assert not any(d.has_changes for d in diffs(repo, branch, False, monkeypatch)[0])
    code, _ = diffs(repo, "code", False, monkeypatch)
    assert not any(d.has_changes for d in code)  # a comment in the code: full plans, same resources


def test_working_tree_with_an_untracked_service(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(repo / "catalog/checkout.yaml", r"(latency_p95: \{critical: )500ms", r"\g<1>450ms")
    new_service(repo)
    try:
        shortcut, fell_back = diffs(repo, None, False, monkeypatch)
        full, _ = diffs(repo, None, True, monkeypatch)
    finally:
        git(repo, "checkout", "-q", "--", "catalog")
        (repo / "catalog/cart.yaml").unlink()
    assert not fell_back and rendered(shortcut) == rendered(full)
    assert any(c.name == "cart" and c.kind == "added" for d in shortcut for c in d.changes)


def test_an_invalid_change_is_reported_as_by_the_full_computation(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "catalog/checkout.yaml").write_text((repo / "catalog/checkout.yaml").read_text() + "bogus_key: 1\n")
    try:
        with pytest.raises(revisions.DiffError, match="bogus_key") as short:
            diffs(repo, None, False, monkeypatch)
        with pytest.raises(revisions.DiffError, match="bogus_key") as full:
            diffs(repo, None, True, monkeypatch)
    finally:
        git(repo, "checkout", "-q", "--", "catalog")
    assert str(short.value) == str(full.value)


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (["monitoring/catalog/a.yaml", "monitoring/docs/x.md", "monitoring/README.md", "monitoring/tests/t.py"], ["a.yaml"]),
        (["monitoring/catalog/sub/b.yml", "other-app/main.py", ".github/workflows/pr.yml"], ["sub/b.yml"]),
        (["monitoring/catalog/a.yaml", "monitoring/program/run.py"], None),
        (["monitoring/Pulumi.prod.yaml"], None),
        (["monitoring/policy/rules.py"], None),
    ],
)
def test_what_counts_as_a_catalog_only_change(changed: list[str], expected: list[str] | None) -> None:
    assert revisions.catalog_changes(changed, Path("monitoring"), Path("monitoring/catalog")) == expected


def test_cli_over_several_stacks(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from vigil.cli import main

    monkeypatch.chdir(repo)
    assert main(["diff", "--all-stacks", "--base", "main", "--head", "threshold", "--format", "markdown"]) == 2
    out = capsys.readouterr().out
    assert "stack `prod-payments`" in out and "stack `dev`" in out and "page at 1% → 2%" in out
    assert "No monitoring changes in stack(s) `prod-discovery`." in out and "stack `prod-discovery` ·" not in out
    assert main(["diff", "--stack", "prod-payments", "--stack", "prod-discovery", "--base", "main", "--head", "threshold", "--format", "json"]) == 2
    documents = json.loads(capsys.readouterr().out)["stacks"]
    assert [(d["stack"], bool(d["changes"])) for d in documents] == [("prod-payments", True), ("prod-discovery", False)]
    assert main(["diff", "--stack", "prod-discovery", "--base", "main", "--head", "threshold", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stack"] == "prod-discovery"  # one stack: the single-diff document
    assert main(["diff", "--stack", "prod-discovery", "--all-stacks", "--base", "main"]) == 1  # usage error
    assert "not allowed with argument" in capsys.readouterr().err
