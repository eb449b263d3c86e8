"""Plan two revisions of the repository, each with its own code, and compare them.

A revision is checked out with `git worktree add --detach` into a temporary folder (always removed again);
the working tree is used as it is. Each side runs `python -m vigil plan --format json` in its own checkout,
in a subprocess, so a change to the builders counts as much as a change to the spec. Plans of commits are
cached per process (a commit never changes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional

from .compare import compare
from .model import Diff

_cache: dict[tuple[str, ...], dict[str, Any]] = {}
_lock = threading.Lock()
_git_lock = threading.Lock()  # worktree bookkeeping is serialised; the plans themselves run in parallel


class DiffError(Exception):
    pass


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def plan_checkout(project_dir: Path, stack: str, catalog: Optional[Path], label: str) -> dict[str, Any]:
    """`vigil plan --format json` run by the checkout's own code; an invalid spec or failure is a DiffError."""
    command = [sys.executable, "-m", "vigil", "plan", "--stack", stack, "--format", "json"]
    if catalog is not None:
        command += ["--catalog", str(catalog)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)  # the checkout's own packages, not whatever the caller had on its path
    done = subprocess.run(command, cwd=project_dir, capture_output=True, text=True, env=env)
    if done.returncode == 2:
        raise DiffError(f"{label}: the spec or stack is invalid:\n{done.stderr.strip()}")
    if done.returncode != 0:
        raise DiffError(f"{label}: planning failed (exit {done.returncode}):\n{done.stderr.strip()[-4000:]}")
    try:
        return json.loads(done.stdout)
    except ValueError as exc:
        raise DiffError(f"{label}: the plan is not JSON ({exc})") from None


def plan_revision(repo: Path, project: Path, ref: str, stack: str, catalog: Optional[Path]) -> dict[str, Any]:
    """The plan of a commit: `project` is the Pulumi project's folder relative to the repository root."""
    sha = git(repo, "rev-parse", "--verify", f"{ref}^{{commit}}")
    key = (str(repo), sha, str(project), stack, str(catalog), sys.executable)
    with _lock:
        if key in _cache:
            return _cache[key]
    with tempfile.TemporaryDirectory(prefix="vigil-diff-") as tmp:
        checkout = Path(tmp) / "checkout"
        with _git_lock:
            git(repo, "worktree", "add", "--detach", "--quiet", str(checkout), sha)
        try:
            if not (checkout / project / "Pulumi.yaml").is_file():
                raise DiffError(f"{ref}: no Pulumi project at {project.as_posix() or '.'} in that revision")
            plan = plan_checkout(checkout / project, stack, catalog, f"{ref} ({sha[:10]})")
        finally:
            with _git_lock:
                subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=repo, capture_output=True)
                subprocess.run(["git", "worktree", "prune"], cwd=repo, capture_output=True)
    with _lock:
        _cache[key] = plan
    return plan


def diff_revisions(
    project_dir: Path,
    stack: str,
    base: str,
    head: Optional[str] = None,
    catalog: Optional[Path] = None,
) -> Diff:
    """Plan `base` and `head` (default: the working tree) in parallel and compare them."""
    project_dir = project_dir.resolve()
    repo = Path(git(project_dir, "rev-parse", "--show-toplevel")).resolve()
    project = project_dir.relative_to(repo)

    def head_plan() -> dict[str, Any]:
        if head is None:
            return plan_checkout(project_dir, stack, catalog, "working tree")
        return plan_revision(repo, project, head, stack, catalog)

    with ThreadPoolExecutor(max_workers=2) as pool:
        base_future = pool.submit(plan_revision, repo, project, base, stack, catalog)
        head_future = pool.submit(head_plan)
        old, new = base_future.result(), head_future.result()
    return compare(old, new, base_label=base, head_label=head or "working tree", stack=stack)
