"""Reading a catalog folder: every YAML file under it (linked folders followed once), every document in those files,
and every entry that cannot be read — each an error at its path, never skipped (its services would vanish)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .errors import SpecError, format_path
from .yaml_source import Document, Location, YamlProblem, read_documents

YAML_SUFFIXES = (".yaml", ".yml")
# A catalog is a folder of service files, perhaps in team folders: a walk past these bounds is the wrong folder
# (`--catalog /`, a home directory), refused before it reads a whole disk.
MAX_ENTRIES = 20_000
MAX_DEPTH = 12
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
        try:
            target = f" (to {os.readlink(path)})"
        except OSError:  # gone meanwhile, or not ours to read
            target = ""
        return None, _unreadable(path, f"{display(path)} is {why}{target}")


class _TooBig(Exception):
    pass


@dataclass
class _Walk:
    top: Path
    visited: set[Path] = field(default_factory=set)  # the real folders read so far
    entries: int = 0  # entries listed so far

    def listed(self, entries: int) -> None:
        self.entries += entries
        if self.entries > MAX_ENTRIES:
            raise _TooBig(f"it holds more than {MAX_ENTRIES} entries")


def _walk(folder: Path, walk: _Walk, depth: int = 0) -> tuple[list[Path], list[SpecError]]:
    """The YAML files under one folder, and the entries that cannot be read: a dangling or looping symlink, a folder
    that cannot be listed, a YAML entry that is not a regular file."""
    top, visited = walk.top, walk.visited
    if depth > MAX_DEPTH:
        raise _TooBig(f"{display(folder)} is {depth} folders deep")
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
    walk.listed(len(entries))
    files: list[Path] = []
    problems: list[SpecError] = []
    for entry in entries:
        path = Path(entry.path)
        mode, problem = _entry(path, entry.is_symlink())
        if mode is None:
            problems += [problem] if problem is not None else []
        elif stat.S_ISDIR(mode):
            found, more = _walk(path, walk, depth + 1)
            files += found
            problems += more
        elif path.suffix in YAML_SUFFIXES:
            if stat.S_ISREG(mode):
                files.append(path)
            else:
                problems.append(_unreadable(path, f"{display(path)} is not a regular file"))
    return files, problems


def catalog_files(directory: Path) -> tuple[list[Path], list[SpecError]]:
    """Every YAML file under the folder (linked folders followed once), and the entries that cannot be read; a folder
    past the walk's bounds is one error, nothing of it read."""
    try:
        return _walk(directory, _Walk(directory))
    except _TooBig as exc:
        message = f"{display(directory)} is no catalog folder: {exc} (a catalog is a folder of service files, at most {MAX_ENTRIES} entries and {MAX_DEPTH} folders deep)"
        return [], [SpecError(Location(display(directory), 1, 1), "catalog", message)]


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
