"""One temporary git repository per session: a copy of this project with crafted branches, planned once.

The copy's code is this project's; its catalog and stack files are the reference fixture's (two services: the
reference catalog's api and a copy named web), never the user's catalog/.

Each plan runs the revision's own code; all branches are planned up front in one subprocess (importing the
providers, about 7 s, is paid once), and `vigil.diff.revisions` caches the plans by commit: the tests (and
the CLI calls in them) then compare without planning again.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.reference import REFERENCE
from vigil.diff.revisions import DiffError, plan_revisions

ROOT = Path(__file__).resolve().parents[2]
STACK = "prod"
GIT_ENV = ["-c", "user.email=tests@example.com", "-c", "user.name=tests", "-c", "commit.gpgsign=false"]


def run_git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *GIT_ENV, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _edit(path: Path, pattern: str, replacement: str) -> bool:
    text = path.read_text()
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.M)
    path.write_text(new)
    return count == 1


def _threshold(repo: Path) -> bool:
    return _edit(repo / "catalog/api.yaml", r"^(\s*error_rate:\s*\{critical:\s*)1%", r"\g<1>2%")


def _route(repo: Path) -> bool:
    return _edit(repo / "catalog/api.yaml", r'^(routes:\n\s+page:\n\s+datadog: \[)"@pagerduty-platform"', r'\1"@pagerduty-oncall"')


def _alert_removed(repo: Path) -> bool:
    return _edit(repo / "catalog/web.yaml", r"^\s*error_rate:\s*\{.*\}.*\n", "")


def _service_removed(repo: Path) -> bool:
    (repo / "catalog/web.yaml").unlink()
    return True


def _rename(aliased: bool) -> Callable[[Path], bool]:
    """Rename every service's log group `<service>-logs` → `<service>-log-group`, with or without an alias.

    Shapes of the program known (log groups declared in program/aws_resources.py directly, or through the
    declarations of the AWS walk, program/aws_walk.py, their options given in aws_resources.py or, shared with the
    policy checks, in program/inputs.py's declaration_options); the patch applies to whichever this project has.
    """
    alias = 'aliases=[pulumi.Alias(name=f"{service.service}-logs")]'

    def patch(repo: Path) -> bool:
        code = repo / "program/aws_resources.py"
        assembly = repo / "program/aws_walk.py"
        if 'f"{service.service}-logs",' in code.read_text():  # declared directly
            renamed = _edit(code, r'f"\{service\.service\}-logs",', 'f"{service.service}-log-group",')
            return renamed and (not aliased or _edit(code, r"retain_on_delete=True\)", f"retain_on_delete=True, {alias})"))
        if assembly.is_file() and 'logical(service, "logs")' in assembly.read_text():  # through declarations
            renamed = _edit(assembly, r'logical\(service, "logs"\)', 'logical(service, "log-group")')
            old_name = 'aliases=[pulumi.Alias(name=declaration.logical.replace("-log-group", "-logs"))]'
            options = repo / "program/inputs.py"
            if options.is_file() and "def declaration_options" in options.read_text():  # the options' own home
                imported = _edit(options, r"^from __future__ import annotations$", "from __future__ import annotations\n\nimport pulumi")
                code = options if imported else code
            return renamed and (
                not aliased or _edit(code, r"(extra\.update\(protect=[^,]*, retain_on_delete=True)\)", rf"\1, {old_name})")
            )
        return False

    return patch


def _invalid(repo: Path) -> bool:
    (repo / "catalog/web.yaml").write_text((repo / "catalog/web.yaml").read_text() + "bogus_key: 1\n")
    return True


BRANCHES: dict[str, Callable[[Path], bool]] = {
    "threshold": _threshold,
    "route": _route,
    "alert-removed": _alert_removed,
    "service-removed": _service_removed,
    "rename-aliased": _rename(True),
    "rename-plain": _rename(False),
    "invalid": _invalid,
}


@dataclass
class Revisions:
    repo: Path
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    unapplied: list[str] = field(default_factory=list)  # branches whose edit no longer matches the project

    def plan(self, branch: str) -> dict[str, Any]:
        if branch in self.unapplied:
            pytest.fail(f"the crafted change of branch {branch!r} no longer applies to the project: update tests/diff/conftest.py")
        if branch in self.errors:
            pytest.fail(f"planning {branch} failed: {self.errors[branch]}")
        return self.plans[branch]


def _copy_project(target: Path) -> None:
    """This project's code, with the reference fixture's catalog and stack files in place of the user's."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.startswith("catalog/") and not (name.startswith("Pulumi.") and "/" not in name):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    shutil.copytree(REFERENCE / "catalog", target / "catalog")
    for stack_file in REFERENCE.glob("Pulumi*.yaml"):
        shutil.copy2(stack_file, target / stack_file.name)


@pytest.fixture(scope="session")
def revisions(tmp_path_factory: pytest.TempPathFactory) -> Revisions:
    repo = tmp_path_factory.mktemp("diff-repo")
    _copy_project(repo)
    api = (repo / "catalog/api.yaml").read_text()
    (repo / "catalog/web.yaml").write_text(re.sub(r"^service: api$", "service: web", api, count=1, flags=re.M))
    run_git(repo, "init", "-q", "-b", "main")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-qm", "base: services api and web")
    found = Revisions(repo)
    for branch, change in BRANCHES.items():
        run_git(repo, "checkout", "-q", "-b", branch, "main")
        if change(repo):
            run_git(repo, "commit", "-qam", branch)
        else:
            found.unapplied.append(branch)
        run_git(repo, "checkout", "-q", "main")
    names = ["main", *(b for b in BRANCHES if b not in found.unapplied)]

    for branch, result in plan_revisions(repo, Path("."), names, STACK).items():  # one subprocess for all
        if isinstance(result, DiffError):
            found.errors[branch] = str(result)
        else:
            found.plans[branch] = result
    return found
