"""Resolving a catalog's documents for every environment: its teams first (each validated as written, then as each
environment sees it), then its services, which inherit their team's routes and tags. Each step returns what
validates and the problems it found, each once: a problem of the base is not repeated for every environment."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from .errors import SpecError, format_path, from_validation_error
from .overlay import merge, merged_marks, overlay_of
from .service import Service, ServiceFile
from .teams import TEAM_FILE_NAMES, Team, TeamFile, TeamsDocument
from .yaml_source import KEY, Document, PathKey

Problems = list[SpecError]


@dataclass(frozen=True)
class TeamDeclaration:
    """Where a team was declared: its own mapping and marks (paths relative to the team), inside its teams file."""

    name: str
    document: Document

    @property
    def prefix(self) -> PathKey:
        return ("teams", self.name)


@dataclass(frozen=True)
class Teams:
    """The catalog's teams: every one declared (valid or not), and per environment those that validate."""

    declared: dict[str, TeamDeclaration] = field(default_factory=dict)
    base: dict[str, Team] = field(default_factory=dict)  # as written, without overlays
    by_environment: dict[str, dict[str, Team]] = field(default_factory=dict)


@dataclass(frozen=True)
class Services:
    """The catalog's services that validate: where each was written (its base validates), and per environment."""

    documents: dict[str, Document] = field(default_factory=dict)
    by_environment: dict[str, dict[str, Service]] = field(default_factory=dict)


# ---- one document, as the base or one environment sees it ----------------------------------------------------


def validate(
    document: Document,
    environment: Optional[str],
    models: tuple[type[BaseModel], type[BaseModel]] = (ServiceFile, Service),
    teams: Optional[dict[str, Team]] = None,
    declared: Iterable[str] = (),
) -> tuple[Optional[Any], Problems]:
    """The service (or team, with `models`) as the base or one environment sees it, or the problems that stop it.
    A service inherits the routes and tags of its team in `teams` (its own win: routes per severity, tags per key)."""
    if environment is None:
        model = models[0]
        data, where = document.data, {p: (p, loc) for p, loc in document.marks.items()}
    else:
        overlay = overlay_of(document.data, environment)
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


def environments_written(documents: Iterable[Document]) -> set[str]:
    """The environments the documents' overlays name."""
    return {env for doc in documents if isinstance(doc.data.get("environments"), dict) for env in doc.data["environments"]}


def unknown_environments(document: Document, known: Optional[Collection[str]], prefix: PathKey = ()) -> Problems:
    """With `known` (the environments the project deploys), an overlay naming another one is an error: a typo never applies."""
    overlays = document.data.get("environments")
    if known is None or not isinstance(overlays, dict):
        return []
    out: Problems = []
    for env in sorted(set(overlays) - set(known)):
        close = difflib.get_close_matches(env, list(known), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        path = format_path((*prefix, "environments", env))
        out.append(SpecError(document.marks.get(("environments", env, KEY)), path, f"unknown environment; {hint}known: {', '.join(known)}"))
    return out


# ---- teams ---------------------------------------------------------------------------------------------------


def is_team_document(document: Document) -> bool:
    return "teams" in document.data and "service" not in document.data


def not_a_teams_file(document: Document) -> Optional[SpecError]:
    """`teams.yaml` holds the catalog's teams and nothing else: a service (or anything else) there is an error."""
    if Path(document.file).name not in TEAM_FILE_NAMES or is_team_document(document):
        return None
    found = "a service" if "service" in document.data else f"keys {', '.join(sorted(map(str, document.data)))}"
    return SpecError(
        document.marks.get(()),
        "<teams file>",
        f"{Path(document.file).name} declares the catalog's teams: expected a mapping 'teams: {{<team>: {{routes, escalation, tags}}}}', "
        f"got {found}; services go in files of their own",
    )


def declare_teams(documents: list[Document]) -> tuple[dict[str, TeamDeclaration], Problems]:
    """Every team of the catalog's team documents, validated as written (the base); each team once, by name."""
    found: dict[str, TeamDeclaration] = {}
    errors: Problems = []
    for document in documents:
        errors += validate(document, None, (TeamsDocument, TeamsDocument))[1]
        teams = document.data.get("teams")
        if not isinstance(teams, dict):
            continue
        for name, data in teams.items():
            if not isinstance(data, dict):
                continue
            prefix: PathKey = ("teams", name)
            marks = {path[2:]: loc for path, loc in document.marks.items() if path[:2] == prefix}
            if name in found:
                first = found[name].document.marks.get(())
                errors.append(SpecError(document.marks.get((*prefix, KEY)), f"teams.{name}", f"team '{name}' is already declared at {first}"))
                continue
            found[name] = TeamDeclaration(name, Document(document.file, data, marks))
    return {name: found[name] for name in sorted(found)}, errors


def _team_problems(declaration: TeamDeclaration, problems: Problems, environment: Optional[str] = None) -> Problems:
    """A team's problems, with paths from the top of its teams file."""
    said = f"in environment '{environment}': " if environment else ""
    return [SpecError(p.location, f"teams.{declaration.name}.{p.path}" if p.path else f"teams.{declaration.name}", said + p.message) for p in problems]


def resolve_teams(declared: dict[str, TeamDeclaration], environments: tuple[str, ...], known: Optional[Collection[str]]) -> tuple[Teams, Problems]:
    """Each team as written and as each environment sees it. The base's problems are the teams document's (reported
    by `declare_teams`); an environment reports only what its overlay adds."""
    teams = Teams(declared, {}, {env: {} for env in environments})
    errors: Problems = []
    for declaration in declared.values():
        base, base_problems = validate(declaration.document, None, (TeamFile, Team))
        if isinstance(base, Team):
            teams.base[declaration.name] = base
        seen = {(p.location, p.path) for p in base_problems}
        errors += unknown_environments(declaration.document, known, declaration.prefix)
        for env in environments:
            resolved, problems = validate(declaration.document, env, (TeamFile, Team))
            errors += _team_problems(declaration, [p for p in problems if (p.location, p.path) not in seen], env)
            if isinstance(resolved, Team) and base is not None:
                teams.by_environment[env][declaration.name] = resolved
    return teams, errors


def unknown_team(document: Document, data: Any, declared: dict[str, TeamDeclaration]) -> Optional[SpecError]:
    """Once the catalog declares teams, a service names one of them."""
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


# ---- services ------------------------------------------------------------------------------------------------


def _renames(document: Document) -> Problems:
    """An overlay never renames the service."""
    overlays = document.data.get("environments")
    if not isinstance(overlays, dict):
        return []
    message = (
        "an environment overlay cannot rename the service: the same name in every environment "
        "(a rename would collide with, or silently drop, another service's monitoring)"
    )
    return [
        SpecError(document.marks.get(("environments", env, "service", KEY)), f"environments.{env}.service", message)
        for env, overlay in overlays.items()
        if isinstance(overlay, dict) and "service" in overlay
    ]


def _in_environment(document: Document, env: str, teams: Teams) -> tuple[Optional[Any], Problems]:
    """The service as one environment sees it, and its problems there (an unknown team its overlay names included)."""
    resolved, problems = validate(document, env, teams=teams.by_environment[env], declared=teams.declared)
    overlay = overlay_of(document.data, env)
    if isinstance(overlay, dict):
        where = merged_marks(document.marks, overlay, env)
        seen = Document(document.file, document.data, {p: loc for p, (_, loc) in where.items()})
        problems += [e for e in [unknown_team(seen, merge(document.data, overlay), teams.declared)] if e is not None]
    return resolved, problems


def resolve_service(
    document: Document, teams: Teams, environments: tuple[str, ...], known: Optional[Collection[str]]
) -> tuple[Optional[ServiceFile], dict[str, Service], Problems]:
    """One service as written (None when its base does not validate) and as each environment sees it (where it
    validates), and its problems: the base's once, an environment's only what its overlay adds (said so)."""
    base, base_problems = validate(document, None, teams=teams.base, declared=teams.declared)
    base_problems += [e for e in [unknown_team(document, document.data, teams.declared)] if e is not None]
    errors = base_problems + unknown_environments(document, known) + _renames(document)
    seen = {(p.location, p.path) for p in base_problems}  # the base already reported these
    whole_service = {p.message for p in base_problems if p.path == ""}
    resolved: dict[str, Service] = {}
    for env in environments:
        found, problems = _in_environment(document, env, teams)
        errors += [
            SpecError(p.location, p.path, f"in environment '{env}': {p.message}")
            for p in problems
            if (p.location, p.path) not in seen and not (p.path == f"environments.{env}" and p.message in whole_service)
        ]
        if isinstance(found, Service) and isinstance(base, ServiceFile) and (not teams.declared or found.team in teams.by_environment[env]):
            resolved[env] = found  # sound: it validates, and so does its team (else its routes were left unchecked)
    return base if isinstance(base, ServiceFile) else None, resolved, errors


def resolve_services(documents: list[Document], teams: Teams, environments: tuple[str, ...], known: Optional[Collection[str]]) -> tuple[Services, Problems]:
    """Every service as each environment sees it, where it validates, and every service's problems."""
    services = Services({}, {env: {} for env in environments})
    errors: Problems = []
    for document in documents:
        base, resolved, problems = resolve_service(document, teams, environments, known)
        errors += problems
        if base is not None:
            services.documents[base.service] = document
        for env, service in resolved.items():
            services.by_environment[env][service.service] = service
    return services, errors
