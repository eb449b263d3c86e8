"""A catalog: a folder of YAML files, each holding one or more services (or the teams they belong to), validated
for every environment.

Loading is a pipeline of small steps, each returning what it found and its problems: read the files
(`catalog_files`), sort teams from services, resolve the teams and then the services for every environment
(`catalog_resolve`: overlays applied, teams inherited, each validated), then the checks across services (names used
twice, AWS accounts). Problems found later (vendor rules) are placed at their spec line by `Catalog.locate` (`locate`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .catalog_files import read_files
from .catalog_resolve import (
    Problems,
    TeamDeclaration,
    declare_teams,
    environments_written,
    is_team_document,
    not_a_teams_file,
    resolve_services,
    resolve_teams,
)
from .errors import SpecError, SpecErrors, format_path
from .locate import has_route, place
from .overlay import seen_by
from .routes import Severity
from .service import Service
from .teams import Team
from .yaml_source import Document, PathKey


@dataclass(frozen=True)
class Catalog:
    """The validated catalog: per environment, the services as that environment sees them (with their team's routes
    and tags inherited), and the teams. Read with problems (`read_catalog`), it holds the services that are sound:
    that validate in that environment with their team, under a name no other service uses."""

    directory: Path
    environments: tuple[str, ...]
    services: dict[str, dict[str, Service]]  # environment -> service name -> service
    documents: dict[str, Document]  # service name -> where it was written
    teams: dict[str, dict[str, Team]] = field(default_factory=dict)  # environment -> team name -> team
    team_declarations: dict[str, TeamDeclaration] = field(default_factory=dict)  # team name -> where it was written
    # every service name and team name the catalog's files write, valid or not (a catalog read with problems holds
    # only the services that validate: a stack selecting one that does not still names something that exists)
    names_written: frozenset[str] = frozenset()
    teams_written: frozenset[str] = frozenset()

    def locate(self, service: str, environment: str, path: PathKey) -> SpecError:
        """A problem found after loading (a vendor rule), placed where the value was written: in the service's file,
        or in the teams file when the service inherits the route the problem is about."""
        document = self.documents[service]
        data = seen_by(document.data, environment)
        team = self.team_declarations.get(str(data.get("team")))
        if team is not None and path[:1] == ("routes",) and len(path) > 1 and not has_route(data, str(path[1])):
            return place(team.document, environment, path, team.prefix)
        return place(document, environment, path)

    def inherits_route(self, service: str, environment: str, severity: Severity) -> bool:
        """Whether the service's route of that severity, in that environment, is its team's (it writes none itself)."""
        data = seen_by(self.documents[service].data, environment)
        team = self.teams.get(environment, {}).get(str(data.get("team")))
        return team is not None and team.routes.get(severity) is not None and not has_route(data, severity)

    def for_environment(self, environment: str) -> list[Service]:
        if environment not in self.services:
            raise SpecErrors([SpecError(None, "environment", self._unknown_environment(environment))])
        return [self.services[environment][name] for name in sorted(self.services[environment])]

    def _unknown_environment(self, environment: str) -> str:
        close = difflib.get_close_matches(environment, self.environments, n=1)
        hint = f" did you mean '{close[0]}'?" if close else ""
        return f"unknown environment '{environment}';{hint} known: {', '.join(self.environments)}"


def _sorted_documents(directory: Path, documents: list[Document], errors: Problems) -> tuple[list[Document], list[Document], Problems]:
    """The team documents and the service documents, and the problems of what is neither where it stands (a service
    in the teams file); `errors`: those found so far (a catalog holding only teams is an error only when no other is)."""
    problems = [e for e in map(not_a_teams_file, documents) if e is not None]
    teams = [d for d in documents if is_team_document(d)]
    services = [d for d in documents if not is_team_document(d) and not_a_teams_file(d) is None]
    if not services and teams and not errors and not problems:
        problems.append(SpecError(None, "catalog", f"no services found under {str(directory)!r}, only teams"))
    return teams, services, problems


def _names_used_twice(documents: list[Document]) -> tuple[set[str], Problems]:
    """Each service name once in the catalog; by raw names, so a duplicate shows even beside other problems."""
    seen: dict[str, Document] = {}
    twice: set[str] = set()
    out: Problems = []
    for document in documents:
        name = document.data.get("service")
        if not isinstance(name, str):
            continue
        if name in seen:
            first = seen[name].marks.get(("service",))
            out.append(SpecError(document.marks.get(("service",)), "service", f"service name '{name}' is already used at {first}"))
            twice.add(name)
        seen.setdefault(name, document)
    return twice, out


def _written(documents: list[Document], key: str) -> frozenset[str]:
    """The names the documents write under `key` (`service`, `team`), in the base or an overlay, valid or not."""
    overlays = [o for d in documents if isinstance(d.data.get("environments"), dict) for o in d.data["environments"].values()]
    return frozenset(v for data in [*(d.data for d in documents), *overlays] if isinstance(data, dict) and isinstance(v := data.get(key), str))


def read_catalog(
    directory: Path, environments: Iterable[str] = (), strict: bool = False, files: Optional[Iterable[Path]] = None
) -> tuple[Catalog, Problems]:
    """The catalog's sound services and teams, and every problem found (see `load_catalog`): one broken file, service
    or team hides no problem of another, so whoever checks further (stacks, vendor rules) checks the sound ones."""
    directory = Path(directory)
    if not directory.is_dir():
        problem = "is a file, not a folder of YAML files" if directory.exists() else "does not exist"
        raise SpecErrors([SpecError(None, "catalog", f"catalog folder {str(directory)!r} {problem}")])
    documents, errors = read_files(directory, files)
    team_documents, service_documents, problems = _sorted_documents(directory, documents, errors)
    declared, declaring = declare_teams(team_documents)
    known = tuple(sorted(set(environments)))
    all_envs = tuple(sorted(set(known) | environments_written([*service_documents, *(d.document for d in declared.values())])))
    teams, resolving_teams = resolve_teams(declared, all_envs, known if strict else None)
    services, resolving = resolve_services(service_documents, teams, all_envs, known if strict else None)
    twice, duplicates = _names_used_twice(service_documents)
    errors += problems + declaring + resolving_teams + resolving + duplicates
    sound = {env: {n: s for n, s in found.items() if n not in twice} for env, found in services.by_environment.items()}
    documents_of = {n: d for n, d in services.documents.items() if n not in twice}
    written = (_written(service_documents, "service"), _written(service_documents, "team"))
    catalog = Catalog(directory, all_envs, sound, documents_of, teams.by_environment, declared, *written)
    return catalog, errors + _accounts_assumed_once(catalog)  # across the sound services: sound, whatever else is wrong


def load_catalog(
    directory: Path, environments: Iterable[str] = (), strict: bool = False, files: Optional[Iterable[Path]] = None
) -> Catalog:
    """Read and validate every service for the base and each environment; raise every problem at once.

    `environments` are resolved besides those the overlays name; with `strict`, they are all the
    environments the project deploys, and an overlay naming another one is an error (a typo never applies).
    `files` (relative to `directory`): read only those of the catalog's files, a part of the catalog
    (`vigil diff` reads the files a change touched).
    """
    catalog, errors = read_catalog(directory, environments, strict, files)
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


__all__ = ["Catalog", "SpecError", "SpecErrors", "TeamDeclaration", "format_path", "load_catalog", "read_catalog"]
