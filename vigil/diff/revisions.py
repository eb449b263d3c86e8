"""Plan revisions of the repository, each with its own code, and compare them.

A revision is checked out with `git worktree add --detach` into a temporary folder (always removed again);
the working tree is used as it is. Each checkout is planned by its own `vigil plan --format json`, so a change
to the builders counts as much as a change to the spec.

All checkouts of one diff are planned in ONE subprocess, one after the other: importing the provider SDKs
costs seconds and is paid once. Between checkouts the subprocess forgets every module loaded from the previous
checkout, so each revision runs its own `spec`, `monitors`, `program` and `vigil`; only third-party packages
(the same virtualenv either way) are shared. `isolated=True` (`vigil diff --isolated`) runs one
`python -m vigil plan` process per side instead, in parallel: nothing shared, each side pays the import.
Plans of commits are cached per process: a commit never changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional, Union

from .compare import compare
from .model import Diff

_cache: dict[tuple[str, ...], Union[dict[str, Any], DiffError]] = {}
_lock = threading.Lock()

# Runs in the subprocess: for each job, put its checkout first on sys.path, run `vigil.cli.main(argv)` with
# stdout and stderr captured, then drop every module loaded from that checkout.
_DRIVER = r"""
import contextlib, io, json, os, sys, traceback
results = []
for job in json.loads(sys.stdin.read()):
    folder = os.path.realpath(job["dir"])
    out, err = io.StringIO(), io.StringIO()
    sys.path.insert(0, folder)
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            from vigil.cli import main
            code = main(job["argv"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        code = 1
        err.write(traceback.format_exc())
    finally:
        sys.path.remove(folder)
        for name, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None) or ""
            if os.path.realpath(path).startswith(folder + os.sep):
                del sys.modules[name]
    results.append({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
sys.stdout.write(json.dumps(results))
"""


class DiffError(Exception):
    pass


def git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except OSError as exc:  # no git on PATH
        raise DiffError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def _argv(stack: str, catalog: Optional[Path]) -> list[str]:
    argv = ["plan", "--stack", stack, "--format", "json"]
    return [*argv, "--catalog", str(catalog)] if catalog is not None else argv


def _result(label: str, result: dict[str, Any]) -> Union[dict[str, Any], DiffError]:
    if result["code"] == 2:
        return DiffError(f"{label}: the spec or stack is invalid:\n{result['stderr'].strip()}")
    if result["code"] != 0:
        return DiffError(f"{label}: planning failed (exit {result['code']}):\n{result['stderr'].strip()[-4000:]}")
    try:
        return json.loads(result["stdout"])
    except ValueError as exc:
        return DiffError(f"{label}: the plan is not JSON ({exc})")


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)  # each checkout's own packages, not whatever the caller had on its path
    return env


def _plan_isolated(job: tuple[Path, str, Optional[Path], str]) -> dict[str, Any]:
    """`python -m vigil plan ...` in the checkout: a process of its own, nothing shared."""
    folder, stack, catalog, _ = job
    done = subprocess.run(
        [sys.executable, "-m", "vigil", *_argv(stack, catalog)], cwd=str(folder), capture_output=True, text=True, env=_env()
    )
    return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def plan_folders(jobs: list[tuple[Path, str, Optional[Path], str]], isolated: bool = False) -> list[Union[dict[str, Any], DiffError]]:
    """Plan each (project folder, stack, catalog, label) with that folder's own code, in one subprocess
    (or, `isolated`, one `python -m vigil plan` process per job, run in parallel).

    `catalog`, when given, is relative to each folder. Returns a plan document or a DiffError per job.
    """
    if not jobs:
        return []
    if isolated:
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            return [_result(job[3], result) for job, result in zip(jobs, pool.map(_plan_isolated, jobs), strict=False)]
    payload = json.dumps([{"dir": str(folder), "argv": _argv(stack, catalog)} for folder, stack, catalog, _ in jobs])
    env = _env()
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER], input=payload, capture_output=True, text=True, env=env, cwd=str(jobs[0][0])
    )
    if done.returncode != 0:
        raise DiffError(f"the planning subprocess failed (exit {done.returncode}):\n{done.stderr.strip()[-4000:]}")
    return [_result(label, result) for (_, _, _, label), result in zip(jobs, json.loads(done.stdout), strict=False)]


def plan_checkout(project_dir: Path, stack: str, catalog: Optional[Path], label: str) -> dict[str, Any]:
    (result,) = plan_folders([(project_dir, stack, catalog, label)])
    if isinstance(result, DiffError):
        raise result
    return result


@contextlib.contextmanager
def _checkouts(repo: Path, shas: list[str]) -> Iterator[dict[str, Path]]:
    """Detached worktrees of the given commits, removed again whatever happens."""
    with tempfile.TemporaryDirectory(prefix="vigil-diff-") as tmp:
        made: dict[str, Path] = {}
        try:
            for sha in shas:
                folder = Path(tmp) / sha
                git(repo, "worktree", "add", "--detach", "--quiet", str(folder), sha)
                made[sha] = folder
            yield made
        finally:
            for folder in made.values():
                subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=repo, capture_output=True)
            subprocess.run(["git", "worktree", "prune"], cwd=repo, capture_output=True)


def plan_revisions(
    repo: Path,
    project: Path,
    refs: list[str],
    stack: str,
    catalog: Optional[Path] = None,
    extra: Optional[list[tuple[Path, str]]] = None,
    isolated: bool = False,
) -> dict[str, Union[dict[str, Any], DiffError]]:
    """Plans of git refs (and of `extra` (folder, label) pairs, such as the working tree), in one subprocess.

    `project` is the Pulumi project's folder relative to the repository root. Keys: the refs, then the labels.
    """
    shas = {ref: _commit(repo, ref) for ref in refs}
    out: dict[str, Union[dict[str, Any], DiffError]] = {}
    for ref, sha in shas.items():
        if sha is None:
            out[ref] = DiffError(f"{ref}: not a git revision of {repo}")
    # a commit's content is its sha, whatever clone it is in
    keys = {sha: (sha, str(project), stack, str(catalog), sys.executable) for sha in shas.values() if sha}
    with _lock:
        missing = sorted({sha for sha, key in keys.items() if key not in _cache})
    with _checkouts(repo, missing) as folders:
        jobs: list[tuple[Path, str, Optional[Path], str]] = []
        for sha in missing:
            if (folders[sha] / project / "Pulumi.yaml").is_file():
                ref = next(r for r, s in shas.items() if s == sha)
                jobs.append((folders[sha] / project, stack, catalog, f"{ref} ({sha[:10]})"))
            else:
                with _lock:
                    _cache[keys[sha]] = DiffError(f"{sha[:10]}: no Pulumi project at {project.as_posix()} in that revision")
        extra_jobs = [(folder, stack, catalog, label) for folder, label in extra or []]
        results = plan_folders(jobs + extra_jobs, isolated)
    with _lock:
        for (folder, *_), result in zip(jobs, results, strict=False):
            _cache[keys[_sha_of(folder, project)]] = result
        for ref, sha in shas.items():
            if sha:
                out[ref] = _cache[keys[sha]]
    for (_, label), result in zip(extra or [], results[len(jobs) :], strict=False):
        out[label] = result
    return out


def _sha_of(folder: Path, project: Path) -> str:
    """The commit a checkout folder was made for (checkouts are named by their sha)."""
    root = folder
    for _ in project.parts:
        root = root.parent
    return root.name


def _commit(repo: Path, ref: str) -> Optional[str]:
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=repo, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def diff_revisions(
    project_dir: Path,
    stack: str,
    base: str,
    head: Optional[str] = None,
    catalog: Optional[Path] = None,
    isolated: bool = False,
) -> Diff:
    """Plan `base` and `head` (default: the working tree) and compare them."""
    project_dir = project_dir.resolve()
    if shutil.which("git") is None:
        raise DiffError("git is not on PATH, and `vigil diff` compares git revisions")
    try:
        repo = Path(git(project_dir, "rev-parse", "--show-toplevel")).resolve()
    except DiffError as exc:
        raise DiffError(f"{project_dir}: not a git repository, and `vigil diff` compares git revisions ({exc})") from None
    project = project_dir.relative_to(repo)
    head_label = head or "working tree"
    refs = [base] + ([head] if head is not None else [])
    for ref in refs:  # fail fast, before paying for any plan
        if _commit(repo, ref) is None:
            raise DiffError(f"{ref}: not a git revision of {repo}")
    extra = [(project_dir, head_label)] if head is None else None
    plans = plan_revisions(repo, project, refs, stack, catalog, extra, isolated)
    old, new = plans[base], plans[head_label]
    for result in (old, new):
        if isinstance(result, DiffError):
            raise result
    return compare(old, new, base_label=base, head_label=head_label, stack=stack)  # type: ignore[arg-type]
