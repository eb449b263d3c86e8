"""A catalog: a folder of YAML files, each holding one or more services (or the teams they belong to), validated
for every environment."""

from __future__ import annotations

import difflib
import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from .errors import SpecError, SpecErrors, format_path, from_validation_error
from .overlay import merge, merged_marks
from .routes import Severity
from .service import Service, ServiceFile
from .teams import TEAM_FILE_NAMES, Team, TeamFile, TeamsDocument
from .units import Duration
from .yaml_source import KEY, Document, Location, PathKey, YamlProblem, read_documents


@dataclass(frozen=True)
class TeamDeclaration:
    """Where a team was declared: its own mapping and marks (paths relative to the team), inside its teams file."""

    name: str
    document: Document

    @property
    def prefix(self) -> PathKey:
        return ("teams", self.name)


@dataclass(frozen=True)
class Catalog:
    """The validated catalog: per environment, the services as that environment sees them (with their team's routes
    and tags inherited), and the teams."""

    directory: Path
    environments: tuple[str, ...]
    services: dict[str, dict[str, Service]]  # environment -> service name -> service
    documents: dict[str, Document]  # service name -> where it was written
    teams: dict[str, dict[str, Team]] = field(default_factory=dict)  # environment -> team name -> team
    team_declarations: dict[str, TeamDeclaration] = field(default_factory=dict)  # team name -> where it was written

    def locate(self, service: str, environment: str, path: PathKey) -> SpecError:
        """A problem found after loading (a vendor rule), placed where the value was written: in the service's file,
        or in the teams file when the service inherits the route the problem is about."""
        document = self.documents[service]
        overlay = _overlay(document, environment)
        data = merge(document.data, {"environments": None, **overlay})
        team = self.team_declarations.get(str(data.get("team")))
        if team is not None and path[:1] == ("routes",) and len(path) > 1 and not _has_route(data, str(path[1])):
            return _place(team.document, environment, path, team.prefix)
        return _place(document, environment, path)

    def inherits_route(self, service: str, environment: str, severity: Severity) -> bool:
        """Whether the service's route of that severity, in that environment, is its team's (it writes none itself)."""
        document = self.documents[service]
        data = merge(document.data, {"environments": None, **_overlay(document, environment)})
        team = self.teams.get(environment, {}).get(str(data.get("team")))
        return team is not None and team.routes.get(severity) is not None and not _has_route(data, severity)

    def for_environment(self, environment: str) -> list[Service]:
        if environment not in self.services:
            raise SpecErrors([SpecError(None, "environment", self._unknown_environment(environment))])
        return [self.services[environment][name] for name in sorted(self.services[environment])]

    def _unknown_environment(self, environment: str) -> str:
        close = difflib.get_close_matches(environment, self.environments, n=1)
        hint = f" did you mean '{close[0]}'?" if close else ""
        return f"unknown environment '{environment}';{hint} known: {', '.join(self.environments)}"


def _has_route(data: Any, severity: str) -> bool:
    routes = data.get("routes") if isinstance(data, dict) else None
    return isinstance(routes, dict) and routes.get(severity) is not None


def _place(document: Document, environment: str, path: PathKey, prefix: PathKey = ()) -> SpecError:
    """The location a path of the document (as one environment sees it) was written at; `prefix` names the document
    inside its file (a team's mapping inside `teams:`)."""
    overlay = _overlay(document, environment)
    where = merged_marks(document.marks, overlay, environment)
    path = _by_identity(merge(document.data, {"environments": None, **overlay}), path)
    for cut in range(len(path), -1, -1):
        if path[:cut] in where:
            written, location = where[path[:cut]]
            return SpecError(location, format_path(prefix + written + path[cut:]), "")
    return SpecError(None, format_path(prefix + path), "")


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
                if entry.is_symlink() and exc.errno in (errno.ELOOP, errno.ENOENT):
                    why = "a symlink loop" if exc.errno == errno.ELOOP else "a dangling symlink"
                    problem(path, f"{_display(path)} is {why} (to {os.readlink(path)})")
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


def _validate(
    document: Document,
    environment: Optional[str],
    models: tuple[type[BaseModel], type[BaseModel]] = (ServiceFile, Service),
    teams: Optional[dict[str, Team]] = None,
    declared: Iterable[str] = (),
) -> tuple[Optional[Any], list[SpecError]]:
    """The service (or team, with `models`) as the base or one environment sees it, or the problems that stop it.
    A service inherits the routes and tags of its team in `teams` (its own win: routes per severity, tags per key)."""
    if environment is None:
        model = models[0]
        data, where = document.data, {p: (p, loc) for p, loc in document.marks.items()}
    else:
        overlay = _overlay(document, environment)
        if not isinstance(overlay, dict):
            return None, []  # the base's validation reports the malformed overlay
        base = {k: v for k, v in document.data.items() if k != "environments"}
        model = models[1]
        data, where = merge(base, overlay), merged_marks(document.marks, overlay, environment)
        written = ("environments", environment)
        if overlay and written in document.marks:  # a problem of the whole service, only with the overlay: the overlay's
            where[()] = (written, document.marks[written])
    context: dict[str, Any] = {}
    if teams is not None:
        data, context = _inherit(data, teams, declared)
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        return None, from_validation_error(exc, data, model, where)


def _inherit(data: dict[str, Any], teams: dict[str, Team], declared: Iterable[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service's data with its team's routes (per severity) and tags (per key) under its own, and the context the
    service's validation reads: its team, to say where routes could have come from. A team that is declared but
    invalid, or unknown where teams are declared (both reported on their own), leaves the service's routes unchecked
    rather than report problems that fixing the team solves."""
    name = data.get("team")
    team = teams.get(name) if isinstance(name, str) else None
    if team is None:
        return data, {"team_invalid": bool(set(declared))}
    out = dict(data)
    routes = out.get("routes", {})
    if isinstance(routes, dict):
        inherited = team.routes.model_dump(mode="json", exclude_defaults=True)
        out["routes"] = {**inherited, **{k: v for k, v in routes.items() if v is not None}}
    tags = out.get("tags", {})
    if isinstance(tags, dict) and team.tags:
        out["tags"] = {**team.tags, **tags}
    return out, {"team": name}


def _is_team_document(document: Document) -> bool:
    return "teams" in document.data and "service" not in document.data


def _team_declarations(documents: list[Document], errors: list[SpecError]) -> list[TeamDeclaration]:
    """Every team of the catalog's team documents, validated as written (the base); each team once."""
    found: dict[str, TeamDeclaration] = {}
    for document in documents:
        _, problems = _validate(document, None, (TeamsDocument, TeamsDocument))
        errors.extend(problems)
        teams = document.data.get("teams")
        if not isinstance(teams, dict):
            continue
        for name, data in teams.items():
            if not isinstance(data, dict):
                continue
            prefix: PathKey = ("teams", name)
            marks = {path[2:]: loc for path, loc in document.marks.items() if path[:2] == prefix}
            declaration = TeamDeclaration(name, Document(document.file, data, marks))
            if name in found:
                first = found[name].document.marks.get(())
                errors.append(SpecError(document.marks.get((*prefix, KEY)), f"teams.{name}", f"team '{name}' is already declared at {first}"))
                continue
            found[name] = declaration
    return [found[name] for name in sorted(found)]


def _team_problems(declaration: TeamDeclaration, problems: list[SpecError], environment: Optional[str] = None) -> list[SpecError]:
    """A team's problems, with paths from the top of its teams file."""
    said = f"in environment '{environment}': " if environment else ""
    return [SpecError(p.location, f"teams.{declaration.name}.{p.path}" if p.path else f"teams.{declaration.name}", said + p.message) for p in problems]


def _not_a_teams_file(document: Document) -> Optional[SpecError]:
    """`teams.yaml` holds the catalog's teams and nothing else: a service (or anything else) there is an error."""
    if Path(document.file).name not in TEAM_FILE_NAMES or _is_team_document(document):
        return None
    found = "a service" if "service" in document.data else f"keys {', '.join(sorted(map(str, document.data)))}"
    return SpecError(
        document.marks.get(()),
        "<teams file>",
        f"{Path(document.file).name} declares the catalog's teams: expected a mapping 'teams: {{<team>: {{routes, escalation, tags}}}}', "
        f"got {found}; services go in files of their own",
    )


def _unknown_team(document: Document, data: Any, declared: dict[str, TeamDeclaration]) -> Optional[SpecError]:
    name = data.get("team") if isinstance(data, dict) else None
    if not declared or not isinstance(name, str) or name in declared:
        return None
    close = difflib.get_close_matches(name, list(declared), n=1)
    hint = f" did you mean '{close[0]}'?" if close else ""
    files = sorted({d.document.file for d in declared.values()})
    return SpecError(
        document.marks.get(("team",)),
        "team",
        f"unknown team '{name}';{hint} teams declared in {', '.join(files)}: {', '.join(declared)}",
    )


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

    errors.extend(e for d in documents if (e := _not_a_teams_file(d)) is not None)
    team_documents = [d for d in documents if _is_team_document(d)]
    documents = [d for d in documents if not _is_team_document(d) and _not_a_teams_file(d) is None]
    if not documents and team_documents and not errors:
        errors.append(SpecError(None, "catalog", f"no services found under {str(directory)!r}, only teams"))
    declarations = _team_declarations(team_documents, errors)

    known = tuple(sorted(set(environments)))
    overlays = {
        env
        for doc in [*documents, *(d.document for d in declarations)]
        if isinstance(doc.data.get("environments"), dict)
        for env in doc.data["environments"]
    }
    all_envs = tuple(sorted(set(known) | overlays))

    def unknown_environments(document: Document, prefix: PathKey = ()) -> None:
        overlays_here = document.data.get("environments")
        if strict and isinstance(overlays_here, dict):
            for env in sorted(set(overlays_here) - set(known)):
                close = difflib.get_close_matches(env, known, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                loc = document.marks.get(("environments", env, KEY))
                path = format_path((*prefix, "environments", env))
                errors.append(SpecError(loc, path, f"unknown environment; {hint}known: {', '.join(known)}"))

    teams: dict[str, dict[str, Team]] = {env: {} for env in all_envs}
    base_teams: dict[str, Team] = {}
    for declaration in declarations:
        base_team, base_problems = _validate(declaration.document, None, (TeamFile, Team))
        if isinstance(base_team, Team):
            base_teams[declaration.name] = base_team
        seen_problems = {(p.location, p.path) for p in base_problems}  # the teams document reported these
        unknown_environments(declaration.document, declaration.prefix)
        for env in all_envs:
            resolved_team, problems = _validate(declaration.document, env, (TeamFile, Team))
            errors.extend(_team_problems(declaration, [p for p in problems if (p.location, p.path) not in seen_problems], env))
            if isinstance(resolved_team, Team) and base_team is not None:
                teams[env][declaration.name] = resolved_team
    declared = {d.name: d for d in declarations}

    bases: list[tuple[Document, ServiceFile]] = []
    services: dict[str, dict[str, Service]] = {env: {} for env in all_envs}
    for document in documents:
        base, base_problems = _validate(document, None, teams=base_teams, declared=declared)
        unknown = _unknown_team(document, document.data, declared)
        base_problems += [unknown] if unknown is not None else []
        errors.extend(base_problems)
        if isinstance(base, ServiceFile):
            bases.append((document, base))
        unknown_environments(document)
        overlays_here = document.data.get("environments")
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
            resolved, problems = _validate(document, env, teams=teams[env], declared=declared)
            overlay = _overlay(document, env)
            if isinstance(overlay, dict):
                where = merged_marks(document.marks, overlay, env)
                env_team = _unknown_team(Document(document.file, document.data, {p: loc for p, (_, loc) in where.items()}), merge(document.data, overlay), declared)
                problems += [env_team] if env_team is not None else []
            errors.extend(
                SpecError(p.location, p.path, f"in environment '{env}': {p.message}")
                for p in problems
                if (p.location, p.path) not in seen_problems and not (p.path == f"environments.{env}" and p.message in whole_service)
            )
            if isinstance(resolved, Service) and base is not None:
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

    catalog = Catalog(directory, all_envs, services, {b.service: d for d, b in bases}, teams, declared)
    if not errors:
        errors += _accounts_assumed_once(catalog)
    if errors:
        raise SpecErrors(errors)
    return catalog


def _accounts_assumed_once(catalog: Catalog) -> list[SpecError]:
    """Each AWS account is reached one way in an environment (one role, external id and session name), so it has one
    provider per region, named for the account: `aws-<account id>-<region>`."""
    out: list[SpecError] = []
    for env, services in catalog.services.items():
        first: dict[str, tuple[str, Any]] = {}  # account id -> (service, how it is assumed)
        for name in sorted(services):
            source = services[name].sources.aws
            if source is None or source.account is None:
                continue
            account = source.account
            seen = first.setdefault(account.id, (name, account))
            if seen[1] != account:
                at = catalog.locate(name, env, ("sources", "aws", "account"))
                out.append(
                    SpecError(
                        at.location,
                        at.path,
                        f"in environment '{env}': account {account.id} is already reached as {seen[1].role_arn} by service '{seen[0]}'"
                        f"{' with other settings' if seen[1].role_arn == account.role_arn else ''}: one role per account (one provider per account and region)",
                    )
                )
    return out


__all__ = ["Catalog", "SpecError", "SpecErrors", "format_path", "load_catalog"]
