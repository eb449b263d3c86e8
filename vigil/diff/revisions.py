"""Plan revisions of the repository, each with its own code, and compare them.

A revision is checked out with `git worktree add --detach` into a temporary folder (always removed again);
the working tree is used as it is. Each checkout is planned by its own code (`vigil plan --format json`, or
the functions of `vigil/diff/jobs.py`), so a change to the builders counts as much as a change to the spec.

All checkouts of one diff are planned in ONE subprocess, one job after the other: importing the provider SDKs
costs seconds and is paid once. Between jobs the subprocess forgets every module loaded from the checkout,
so each revision runs its own `spec`, `monitors`, `program` and `vigil`; only third-party packages (the same
virtualenv either way) are shared. `isolated=True` (`vigil diff --isolated`) runs one `python -m vigil plan`
process per side instead, in parallel: nothing shared, each side pays the import. Full plans of commits are
cached per process: a commit never changes.

The shortcut (`diff_stacks`): when nothing but catalog files differs between the two sides (the code, the
stack files, everything outside the catalog folder is the same; docs/, tests/, .github/, benchmarks/ and
Markdown files are not read by the program), a service whose effective spec for the stack is the same on
both sides declares the same resources on both sides. Then only the services whose spec changed are planned,
on both sides, with the stack's shared resources: the cost follows the change, not the catalog. It is proven
against the full computation by tests/scale/test_incremental.py; `--full` turns it off.
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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import IO, Any, Optional, Union

from ..stack_config import StackConfigError, read_stack_config
from .compare import compare
from .model import Diff

_cache: dict[tuple[str, ...], Union[dict[str, Any], DiffError]] = {}
_lock = threading.Lock()

# Paths (relative to the project) the program never reads: a change to them alone leaves every plan as it was.
NOT_PLAN_INPUTS = ("docs/", "tests/", ".github/", "benchmarks/")
NOT_PLAN_INPUT_SUFFIXES = (".md",)

# Runs in the subprocess: reads one job per line; for each, put its checkout first on sys.path, run
# `vigil.cli.main(argv)` (or call a function of the checkout, `"call": "module:function"`) with stdout and
# stderr captured, answer one JSON line, then drop every module loaded from that checkout.
_DRIVER = r"""
import contextlib, importlib, io, json, os, sys, traceback
answer = sys.stdout
for line in sys.stdin:
    job = json.loads(line)
    folder = os.path.realpath(job["dir"])
    out, err = io.StringIO(), io.StringIO()
    sys.path.insert(0, folder)
    os.chdir(folder)
    code, result = 1, None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            if "call" in job:
                module, _, name = job["call"].partition(":")
                try:
                    function = getattr(importlib.import_module(module), name)
                except (ImportError, AttributeError):
                    result = {"code": 127, "stdout": "", "stderr": "this revision has no " + job["call"]}
                else:
                    result = function(**job["kwargs"])
            else:
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
    if result is None:
        result = {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
    answer.write(json.dumps(result) + "\n")
    answer.flush()
"""

Job = dict[str, Any]  # {"dir": folder, "argv": [...]} or {"dir": folder, "call": "module:function", "kwargs": {...}}
Progress = Callable[[int, int], None]  # (jobs done, jobs in all)


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


class _Planner:
    """The one subprocess of a diff: jobs in, one JSON answer per job out, in order."""

    def __init__(self, cwd: Path, errors: IO[bytes], progress: Optional[Progress] = None) -> None:
        self._errors = errors  # the subprocess's own stderr (the jobs' is captured per job), read if it dies
        self._child = subprocess.Popen(
            [sys.executable, "-c", _DRIVER],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors, text=True, env=_env(), cwd=str(cwd),
        )
        self.progress = progress
        self.done = self.total = 0

    def run(self, jobs: Sequence[Job]) -> list[dict[str, Any]]:
        assert self._child.stdin is not None and self._child.stdout is not None
        self.total += len(jobs)
        out = []
        for job in jobs:
            try:
                self._child.stdin.write(json.dumps(job) + "\n")
                self._child.stdin.flush()
                line = self._child.stdout.readline()
            except OSError:
                line = ""
            if not line:
                code = self._child.wait()
                self._errors.seek(0)
                stderr = self._errors.read().decode(errors="replace").strip()[-4000:]
                raise DiffError(f"the planning subprocess failed (exit {code}):\n{stderr}")
            out.append(json.loads(line))
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total)
        return out

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self._child.stdin is not None:
                self._child.stdin.close()
        self._child.wait()


_shared: list[_Planner] = []


@contextlib.contextmanager
def one_subprocess(cwd: Path) -> Iterator[None]:
    """Within it, every diff plans in the same subprocess: several diffs in a row pay the program's imports once."""
    with _planner(cwd) as planner:
        _shared.append(planner)
        try:
            yield
        finally:
            _shared.remove(planner)


@contextlib.contextmanager
def _planner(cwd: Path, progress: Optional[Progress] = None) -> Iterator[_Planner]:
    if _shared:
        planner = _shared[-1]
        planner.progress, planner.done, planner.total = progress, 0, 0
        yield planner
        return
    with tempfile.TemporaryFile() as errors:
        planner = _Planner(cwd, errors, progress)
        try:
            yield planner
        finally:
            planner.close()


def _plan_isolated(job: tuple[Path, str, Optional[Path], str]) -> dict[str, Any]:
    """`python -m vigil plan ...` in the checkout: a process of its own, nothing shared."""
    folder, stack, catalog, _ = job
    done = subprocess.run(
        [sys.executable, "-m", "vigil", *_argv(stack, catalog)], cwd=str(folder), capture_output=True, text=True, env=_env()
    )
    return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def plan_folders(
    jobs: list[tuple[Path, str, Optional[Path], str]], isolated: bool = False, progress: Optional[Progress] = None
) -> list[Union[dict[str, Any], DiffError]]:
    """Plan each (project folder, stack, catalog, label) with that folder's own code, in one subprocess
    (or, `isolated`, one `python -m vigil plan` process per job, run in parallel).

    `catalog`, when given, is relative to each folder. Returns a plan document or a DiffError per job.
    """
    if not jobs:
        return []
    if isolated:
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            return [_result(job[3], result) for job, result in zip(jobs, pool.map(_plan_isolated, jobs), strict=False)]
    with _planner(jobs[0][0], progress) as planner:
        results = planner.run([{"dir": str(folder), "argv": _argv(stack, catalog)} for folder, stack, catalog, _ in jobs])
    return [_result(label, result) for (_, _, _, label), result in zip(jobs, results, strict=False)]


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


def _plan_full(
    repo: Path,
    project: Path,
    refs: list[str],
    stacks: Sequence[str],
    *,
    catalog: Optional[Path] = None,
    extra: Optional[list[tuple[Path, str]]] = None,
    isolated: bool = False,
    progress: Optional[Progress] = None,
) -> dict[tuple[str, str], Union[dict[str, Any], DiffError]]:
    """Full plans of git refs (and of `extra` (folder, label) pairs, such as the working tree) for each stack,
    in one subprocess. Keys: (ref or label, stack)."""
    shas = {ref: _commit(repo, ref) for ref in refs}
    out: dict[tuple[str, str], Union[dict[str, Any], DiffError]] = {}
    for ref, sha in shas.items():
        if sha is None:
            for stack in stacks:
                out[(ref, stack)] = DiffError(f"{ref}: not a git revision of {repo}")

    def key(sha: str, stack: str) -> tuple[str, ...]:  # a commit's content is its sha, whatever clone it is in
        return (sha, str(project), stack, str(catalog), sys.executable)

    with _lock:
        missing = sorted({(sha, stack) for sha in shas.values() if sha for stack in stacks if key(sha, stack) not in _cache})
    with _checkouts(repo, sorted({sha for sha, _ in missing})) as folders:
        jobs: list[tuple[Path, str, Optional[Path], str]] = []
        keys: list[tuple[str, ...]] = []
        for sha, stack in missing:
            ref = next(r for r, s in shas.items() if s == sha)
            if (folders[sha] / project / "Pulumi.yaml").is_file():
                jobs.append((folders[sha] / project, stack, catalog, f"{ref} ({sha[:10]})"))
                keys.append(key(sha, stack))
            else:
                with _lock:
                    _cache[key(sha, stack)] = DiffError(f"{sha[:10]}: no Pulumi project at {project.as_posix()} in that revision")
        extra_jobs = [(folder, stack, catalog, label) for folder, label in extra or [] for stack in stacks]
        results = plan_folders(jobs + extra_jobs, isolated, progress)
    with _lock:
        for cache_key, result in zip(keys, results, strict=False):
            _cache[cache_key] = result
        for ref, sha in shas.items():
            if sha:
                for stack in stacks:
                    out[(ref, stack)] = _cache[key(sha, stack)]
    for (_, stack, _, label), result in zip(extra_jobs, results[len(jobs) :], strict=False):
        out[(label, stack)] = result
    return out


def plan_revisions(
    repo: Path,
    project: Path,
    refs: list[str],
    stack: str,
    *,
    catalog: Optional[Path] = None,
    extra: Optional[list[tuple[Path, str]]] = None,
    isolated: bool = False,
) -> dict[str, Union[dict[str, Any], DiffError]]:
    """Plans of git refs (and of `extra` (folder, label) pairs, such as the working tree), in one subprocess.

    `project` is the Pulumi project's folder relative to the repository root. Keys: the refs, then the labels.
    """
    plans = _plan_full(repo, project, refs, [stack], catalog=catalog, extra=extra, isolated=isolated)
    return {name: result for (name, _), result in plans.items()}


def _commit(repo: Path, ref: str) -> Optional[str]:
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=repo, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def _changed_paths(repo: Path, base_sha: str, head_sha: Optional[str]) -> list[str]:
    """Paths (relative to the repository) that differ between the base commit and the head commit or the working
    tree (untracked files included); a rename is its two paths."""
    if head_sha is not None:
        listed = git(repo, "diff", "--no-renames", "--name-only", "-z", base_sha, head_sha, "--")
    else:
        listed = git(repo, "diff", "--no-renames", "--name-only", "-z", base_sha, "--")
        listed += "\0" + git(repo, "ls-files", "--others", "--exclude-standard", "-z")
    return sorted({path for path in listed.split("\0") if path})


def catalog_changes(changed: Sequence[str], project: Path, catalog: Path) -> Optional[list[str]]:
    """The catalog files (relative to the catalog folder) among `changed` (paths relative to the repository),
    or None when anything the program reads besides the catalog changed (then only a full plan is exact).

    `project` and `catalog` are relative to the repository.
    """
    files = []
    for name in changed:
        path = PurePosixPath(name)
        if path.is_relative_to(catalog.as_posix()):
            files.append(path.relative_to(catalog.as_posix()).as_posix())
            continue
        if not path.is_relative_to(project.as_posix()):
            continue  # outside the Pulumi project: not part of its program
        inside = path.relative_to(project.as_posix()).as_posix()
        if inside.startswith(NOT_PLAN_INPUTS) or inside.endswith(NOT_PLAN_INPUT_SUFFIXES):
            continue
        return None
    return files


def _catalog_folder(folder: Path, stacks: Sequence[str], catalog: Optional[Path]) -> Optional[Path]:
    """The catalog folder the stacks plan (resolved), when they all plan the same one."""
    try:
        found = {(folder / (catalog or read_stack_config(folder, stack).get("catalog", "catalog"))).resolve() for stack in stacks}
    except StackConfigError:
        return None
    return found.pop() if len(found) == 1 else None


def _empty(stack: str) -> dict[str, Any]:
    return {"project": None, "stack": stack, "resources": []}


def _shortcut(
    planner: _Planner,
    sides: tuple[tuple[Path, str], tuple[Path, str]],
    stacks: Sequence[str],
    catalog: Optional[Path],
    files: list[str],
) -> Optional[dict[str, tuple[dict[str, Any], dict[str, Any]]]]:
    """Per stack, (base plan, head plan) of the services whose effective spec differs, with the shared resources;
    None when a side cannot say (its code predates the shortcut, or a touched file is invalid: the full plans
    then say why)."""
    if not files:
        return {stack: (_empty(stack), _empty(stack)) for stack in stacks}
    kwargs = {"stacks": list(stacks), "catalog": str(catalog) if catalog else None, "files": files}
    answers = planner.run([{"dir": str(folder), "call": "vigil.diff.jobs:fingerprints", "kwargs": {"project": str(folder), **kwargs}} for folder, _ in sides])
    if any(answer["code"] != 0 for answer in answers):
        return None
    base_prints, head_prints = (json.loads(answer["stdout"]) for answer in answers)
    jobs, owners = [], []
    for stack in stacks:
        old, new = base_prints.get(stack, {}), head_prints.get(stack, {})
        changed = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
        if not changed:
            continue
        for (folder, _), prints, check in ((sides[0], old, True), (sides[1], new, False)):
            services = [name for name in changed if name in prints]
            call = {"project": str(folder), "stack": stack, "catalog": kwargs["catalog"], "services": services}
            # unchanged services are checked on the head side only: same code, same spec, same verdict
            jobs.append({"dir": str(folder), "call": "vigil.diff.jobs:plan", "kwargs": {**call, "check": services if check else None}})
            owners.append(stack)
    plans: dict[str, list[dict[str, Any]]] = {stack: [] for stack in stacks}
    for stack, job, answer in zip(owners, jobs, planner.run(jobs), strict=True):
        if answer["code"] == 127:
            return None
        label = next(label for folder, label in sides if str(folder) == job["dir"])
        result = _result(label, answer)
        if isinstance(result, DiffError):
            raise result
        plans[stack].append(result)
    return {stack: (found[0], found[1]) if found else (_empty(stack), _empty(stack)) for stack, found in plans.items()}


def diff_stacks(
    project_dir: Path,
    stacks: Sequence[str],
    base: str,
    head: Optional[str] = None,
    *,
    catalog: Optional[Path] = None,
    isolated: bool = False,
    full: bool = False,
    progress: Optional[Progress] = None,
) -> list[Diff]:
    """Plan `base` and `head` (default: the working tree) for each stack and compare them; only the changed
    services when nothing but the catalog changed (unless `full` or `isolated`)."""
    project_dir = project_dir.resolve()
    if shutil.which("git") is None:
        raise DiffError("git is not on PATH, and `vigil diff` compares git revisions")
    try:
        repo = Path(git(project_dir, "rev-parse", "--show-toplevel")).resolve()
    except DiffError as exc:
        raise DiffError(f"{project_dir}: not a git repository, and `vigil diff` compares git revisions ({exc})") from None
    project = project_dir.relative_to(repo)
    if catalog is not None and (catalog.is_absolute() or not (project_dir / catalog).resolve().is_relative_to(repo)):
        raise DiffError(
            f"--catalog {catalog}: a folder of this repository, relative to the project ({project_dir}), is needed: each side "
            "reads it at its own revision, and a folder outside the repository has no revisions"
        )
    head_label = head or "working tree"
    refs = [base] + ([head] if head is not None else [])
    shas: dict[str, str] = {}
    for ref in refs:  # fail fast, before paying for any plan
        sha = _commit(repo, ref)
        if sha is None:
            raise DiffError(f"{ref}: not a git revision of {repo}")
        shas[ref] = sha
    pairs: Optional[dict[str, tuple[dict[str, Any], dict[str, Any]]]] = None
    if not (full or isolated):
        pairs = _try_shortcut(repo, project_dir=project_dir, project=project, shas=shas, base=base, head=head, stacks=stacks, catalog=catalog, progress=progress)
    if pairs is None:
        extra = [(project_dir, head_label)] if head is None else None
        plans = _plan_full(repo, project, refs, stacks, catalog=catalog, extra=extra, isolated=isolated, progress=progress)
        pairs = {}
        for stack in stacks:
            old, new = plans[(base, stack)], plans[(head_label, stack)]
            for result in (old, new):
                if isinstance(result, DiffError):
                    raise result
            pairs[stack] = (old, new)  # type: ignore[assignment]
    return [compare(old, new, base_label=base, head_label=head_label, stack=stack) for stack, (old, new) in pairs.items()]


def _try_shortcut(
    repo: Path,
    *,
    project_dir: Path,
    project: Path,
    shas: dict[str, str],
    base: str,
    head: Optional[str],
    stacks: Sequence[str],
    catalog: Optional[Path],
    progress: Optional[Progress],
) -> Optional[dict[str, tuple[dict[str, Any], dict[str, Any]]]]:
    head_sha = shas[head] if head is not None else None
    with _checkouts(repo, sorted({shas[base], *([head_sha] if head_sha else [])})) as folders:
        head_folder = folders[head_sha] / project if head_sha else project_dir
        base_folder = folders[shas[base]] / project
        if not (base_folder / "Pulumi.yaml").is_file():
            return None
        folder = _catalog_folder(head_folder, stacks, catalog)
        if folder is None:
            return None
        head_root = folders[head_sha] if head_sha else repo
        try:
            catalog_in_repo = folder.relative_to(head_root.resolve())
        except ValueError:
            return None  # a catalog outside the repository: git cannot say what changed in it
        files = catalog_changes(_changed_paths(repo, shas[base], head_sha), project, catalog_in_repo)
        if files is None:
            return None
        sides = ((base_folder, f"{base} ({shas[base][:10]})"), (head_folder, head or "working tree"))
        with _planner(base_folder, progress) as planner:
            return _shortcut(planner, sides, stacks, catalog, files)


def diff_revisions(
    project_dir: Path,
    stack: str,
    base: str,
    head: Optional[str] = None,
    *,
    catalog: Optional[Path] = None,
    isolated: bool = False,
    full: bool = False,
) -> Diff:
    """Plan `base` and `head` (default: the working tree) for one stack and compare them."""
    (diff,) = diff_stacks(project_dir, [stack], base, head, catalog=catalog, isolated=isolated, full=full)
    return diff
