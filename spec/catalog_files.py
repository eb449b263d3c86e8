"""Reading a catalog folder: every YAML file under it (linked folders followed once), every document in those files,
and every entry that cannot be read — each an error at its path, never skipped (its services would vanish)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Optional

from .errors import SpecError, format_path
from .yaml_source import Document, Location, YamlProblem, read_documents

YAML_SUFFIXES = (".yaml", ".yml")
# Why an entry that cannot be read is an error, never skipped: its services would vanish from the plan.
_SKIPPED = "skipping it would make `pulumi up` delete the monitoring of the services it holds"


def display(path: Path) -> str:
    """The path relative to the working directory (its last part not followed: it may be a broken link)."""
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _unreadable(path: Path, message: str) -> SpecError:
    return SpecError(Location(display(path), 1, 1), "catalog", f"{message}; {_SKIPPED}")


def _entry(path: Path, is_symlink: bool) -> tuple[Optional[int], Optional[SpecError]]:
    """The mode of an entry (symlinks followed), or why it cannot be read."""
    try:
        return os.stat(path).st_mode, None
    except OSError as exc:
        if not (is_symlink and exc.errno in (errno.ELOOP, errno.ENOENT)):  # EACCES of a link is no dangling link
            return None, _unreadable(path, f"cannot read {display(path)}: {exc.strerror or exc}")
        why = "a symlink loop" if exc.errno == errno.ELOOP else "a dangling symlink"
        return None, _unreadable(path, f"{display(path)} is {why} (to {os.readlink(path)})")


def _walk(folder: Path, top: Path, visited: set[Path]) -> tuple[list[Path], list[SpecError]]:
    """The YAML files under one folder, and the entries that cannot be read: a dangling or looping symlink, a folder
    that cannot be listed, a YAML entry that is not a regular file. `visited`: the real folders read so far."""
    real = folder.resolve()
    if folder != top and (top.resolve().is_relative_to(real) or folder.parent.resolve().is_relative_to(real)):
        return [], [_unreadable(folder, f"{display(folder)} links back to {display(real)} (a symlink loop)")]
    if real in visited:
        return [], [_unreadable(folder, f"{display(folder)} links to {display(real)}, which is read already")]
    visited.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        return [], [_unreadable(folder, f"cannot list folder {display(folder)}: {exc.strerror or exc}")]
    files: list[Path] = []
    problems: list[SpecError] = []
    for entry in entries:
        path = Path(entry.path)
        mode, problem = _entry(path, entry.is_symlink())
        if mode is None:
            problems += [problem] if problem is not None else []
        elif stat.S_ISDIR(mode):
            found, more = _walk(path, top, visited)
            files += found
            problems += more
        elif path.suffix in YAML_SUFFIXES:
            if stat.S_ISREG(mode):
                files.append(path)
            else:
                problems.append(_unreadable(path, f"{display(path)} is not a regular file"))
    return files, problems


def catalog_files(directory: Path) -> tuple[list[Path], list[SpecError]]:
    """Every YAML file under the folder (linked folders followed once), and the entries that cannot be read."""
    return _walk(directory, directory, set())


def _documents(path: Path) -> tuple[list[Document], list[SpecError]]:
    try:
        return read_documents(path, display(path)), []
    except YamlProblem as problem:
        return [], [SpecError(problem.location, format_path(problem.path), problem.message)]
    except OSError as exc:
        return [], [SpecError(Location(display(path), 1, 1), "catalog", f"cannot read file: {exc.strerror or exc}; {_SKIPPED}")]


def read_files(directory: Path, files: Optional[Iterable[Path]] = None) -> tuple[list[Document], list[SpecError]]:
    """Every document of the catalog's files (with `files`, relative to `directory`: of those only), and every
    problem reading them: one broken file is its own error and hides no other file."""
    paths, errors = catalog_files(directory)
    if files is not None:
        paths = sorted({directory / f for f in files} & set(paths))
    documents: list[Document] = []
    for path in paths:
        found, problems = _documents(path)
        documents += found
        errors += problems
    if not documents and not errors and files is None:
        errors.append(SpecError(None, "catalog", f"no services found under {str(directory)!r} (*.yaml files)"))
    return documents, errors
