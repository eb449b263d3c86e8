"""A catalog: a folder of YAML files, each holding one or more services, validated for every environment."""

from __future__ import annotations

import difflib
import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError

from .errors import SpecError, SpecErrors, format_path, from_validation_error
from .overlay import merge, merged_marks
from .service import Service, ServiceFile
from .units import Duration
from .yaml_source import KEY, Document, Location, PathKey, YamlProblem, read_documents


@dataclass(frozen=True)
class Catalog:
    """The validated catalog: per environment, the services as that environment sees them."""

    directory: Path
    environments: tuple[str, ...]
    services: dict[str, dict[str, Service]]  # environment -> service name -> service
    documents: dict[str, Document]  # service name -> where it was written

    def locate(self, service: str, environment: str, path: PathKey) -> SpecError:
        """A problem found after loading (a vendor rule), placed where the value was written."""
        document = self.documents[service]
        overlay = _overlay(document, environment)
        where = merged_marks(document.marks, overlay, environment)
        path = _by_identity(merge(document.data, {"environments": None, **overlay}), path)
        for cut in range(len(path), -1, -1):
            if path[:cut] in where:
                written, location = where[path[:cut]]
                return SpecError(location, format_path(written + path[cut:]), "")
        return SpecError(None, format_path(path), "")

    def for_environment(self, environment: str) -> list[Service]:
        if environment not in self.services:
            raise SpecErrors([SpecError(None, "environment", self._unknown_environment(environment))])
        return [self.services[environment][name] for name in sorted(self.services[environment])]

    def _unknown_environment(self, environment: str) -> str:
        close = difflib.get_close_matches(environment, self.environments, n=1)
        hint = f" did you mean '{close[0]}'?" if close else ""
        return f"unknown environment '{environment}';{hint} known: {', '.join(self.environments)}"


IDENTITY_KEYS = ("name", "long")  # what identifies a list item: a check or SLO by name, a burn-rate tier by long window


def _same(written: Any, identity: str) -> bool:
    """A written identity equals the canonical one ('72h' is the tier '3d')."""
    if str(written) == identity:
        return True
    try:
        return str(Duration.parse(str(written))) == identity
    except (ValueError, AttributeError):
        return False


def _by_identity(data: Any, path: PathKey) -> PathKey:
    """Turn identities in a path (("slos", "latency")) into the list positions they were written at."""
    out: list[Any] = []
    node = data
    for part in path:
        if isinstance(node, list) and isinstance(part, str):
            index = next(
                (i for i, item in enumerate(node) if isinstance(item, dict) and any(_same(item.get(k), part) for k in IDENTITY_KEYS)),
                None,
            )
            if index is None:
                return tuple(out)
            part = index
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)


YAML_SUFFIXES = (".yaml", ".yml")
# Why an entry that cannot be read is an error, never skipped: its services would vanish from the plan.
_SKIPPED = "skipping it would make `pulumi up` delete the monitoring of the services it holds"


def _catalog_files(directory: Path) -> tuple[list[Path], list[SpecError]]:
    """Every YAML file under the folder (linked folders followed once), and the entries that cannot be read:
    a dangling or looping symlink, a folder that cannot be listed, a YAML entry that is not a regular file."""
    files: list[Path] = []
    problems: list[SpecError] = []
    visited: set[Path] = set()

    def problem(path: Path, message: str) -> None:
        problems.append(SpecError(Location(_display(path), 1, 1), "catalog", f"{message}; {_SKIPPED}"))

    top = directory.resolve()

    def walk(folder: Path) -> None:
        real = folder.resolve()
        if folder != directory and (top.is_relative_to(real) or folder.parent.resolve().is_relative_to(real)):
            return problem(folder, f"{_display(folder)} links back to {_display(real)} (a symlink loop)")
        if real in visited:
            return problem(folder, f"{_display(folder)} links to {_display(real)}, which is read already")
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            return problem(folder, f"cannot list folder {_display(folder)}: {exc.strerror or exc}")
        for entry in entries:
            path = Path(entry.path)
            try:
                mode = os.stat(path).st_mode  # follows symlinks
            except OSError as exc:
                if entry.is_symlink():
                    target = os.readlink(path)
                    why = "a symlink loop" if exc.errno == errno.ELOOP else "a dangling symlink"
                    problem(path, f"{_display(path)} is {why} (to {target})")
                else:
                    problem(path, f"cannot read {_display(path)}: {exc.strerror or exc}")
                continue
            if stat.S_ISDIR(mode):
                walk(path)
            elif path.suffix in YAML_SUFFIXES:
                if stat.S_ISREG(mode):
                    files.append(path)
                else:
                    problem(path, f"{_display(path)} is not a regular file")

    walk(directory)
    return files, problems


def _display(path: Path) -> str:
    """The path relative to the working directory (its last part not followed: it may be a broken link)."""
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _overlay(document: Document, environment: str) -> Any:
    overlays = document.data.get("environments")
    return (overlays.get(environment) if isinstance(overlays, dict) else None) or {}


def _validate(document: Document, environment: Optional[str]) -> tuple[Optional[Service], list[SpecError]]:
    """The service as the base or one environment sees it, or the problems that stop it."""
    if environment is None:
        model: type[Service] = ServiceFile
        data, where = document.data, {p: (p, loc) for p, loc in document.marks.items()}
    else:
        overlay = _overlay(document, environment)
        if not isinstance(overlay, dict):
            return None, []  # the base's validation reports the malformed overlay
        base = {k: v for k, v in document.data.items() if k != "environments"}
        model = Service
        data, where = merge(base, overlay), merged_marks(document.marks, overlay, environment)
        written = ("environments", environment)
        if overlay and written in document.marks:  # a problem of the whole service, only with the overlay: the overlay's
            where[()] = (written, document.marks[written])
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, from_validation_error(exc, data, model, where)


def load_catalog(
    directory: Path, environments: Iterable[str] = (), strict: bool = False, files: Optional[Iterable[Path]] = None
) -> Catalog:
    """Read and validate every service for the base and each environment; raise every problem at once.

    `environments` are resolved besides those the overlays name; with `strict`, they are all the
    environments the project deploys, and an overlay naming another one is an error (a typo never applies).
    `files` (relative to `directory`): read only those of the catalog's files, a part of the catalog
    (`vigil diff` reads the files a change touched).
    """
    directory = Path(directory)
    errors: list[SpecError] = []
    if not directory.is_dir():
        problem = "is a file, not a folder of YAML files" if directory.exists() else "does not exist"
        raise SpecErrors([SpecError(None, "catalog", f"catalog folder {str(directory)!r} {problem}")])
    documents: list[Document] = []
    paths, unreadable = _catalog_files(directory)
    errors.extend(unreadable)
    if files is not None:
        paths = sorted({directory / f for f in files} & set(paths))
    for path in paths:
        try:
            documents.extend(read_documents(path, _display(path)))
        except YamlProblem as problem:
            errors.append(SpecError(problem.location, format_path(problem.path), problem.message))
        except OSError as exc:
            errors.append(SpecError(Location(_display(path), 1, 1), "catalog", f"cannot read file: {exc.strerror or exc}; {_SKIPPED}"))
    if not documents and not errors and files is None:
        errors.append(SpecError(None, "catalog", f"no services found under {str(directory)!r} (*.yaml files)"))

    known = tuple(sorted(set(environments)))
    overlays = {env for doc in documents if isinstance(doc.data.get("environments"), dict) for env in doc.data["environments"]}
    all_envs = tuple(sorted(set(known) | overlays))

    bases: list[tuple[Document, ServiceFile]] = []
    services: dict[str, dict[str, Service]] = {env: {} for env in all_envs}
    for document in documents:
        base, base_problems = _validate(document, None)
        errors.extend(base_problems)
        if isinstance(base, ServiceFile):
            bases.append((document, base))
        overlays_here = document.data.get("environments")
        if strict and isinstance(overlays_here, dict):
            for env in sorted(set(overlays_here) - set(known)):
                close = difflib.get_close_matches(env, known, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                loc = document.marks.get(("environments", env, KEY))
                errors.append(SpecError(loc, f"environments.{env}", f"unknown environment; {hint}known: {', '.join(known)}"))
        if isinstance(overlays_here, dict):
            for env, overlay in overlays_here.items():
                if isinstance(overlay, dict) and "service" in overlay:
                    loc = document.marks.get(("environments", env, "service", KEY))
                    message = (
                        "an environment overlay cannot rename the service: the same name in every environment "
                        "(a rename would collide with, or silently drop, another service's monitoring)"
                    )
                    errors.append(SpecError(loc, f"environments.{env}.service", message))
        seen_problems = {(p.location, p.path) for p in base_problems}  # the base already reported these
        whole_service = {p.message for p in base_problems if p.path == ""}
        for env in all_envs:
            resolved, problems = _validate(document, env)
            errors.extend(
                SpecError(p.location, p.path, f"in environment '{env}': {p.message}")
                for p in problems
                if (p.location, p.path) not in seen_problems and not (p.path == f"environments.{env}" and p.message in whole_service)
            )
            if resolved is not None and base is not None:
                services[env][resolved.service] = resolved

    seen: dict[str, Document] = {}
    for document in documents:  # raw names, so a duplicate shows even beside other problems
        name = document.data.get("service")
        if not isinstance(name, str):
            continue
        if name in seen:
            first = seen[name].marks.get(("service",))
            errors.append(SpecError(document.marks.get(("service",)), "service", f"service name '{name}' is already used at {first}"))
        seen.setdefault(name, document)

    if errors:
        raise SpecErrors(errors)
    return Catalog(directory, all_envs, services, {b.service: d for d, b in bases})


__all__ = ["Catalog", "SpecError", "SpecErrors", "format_path", "load_catalog"]
