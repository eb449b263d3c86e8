"""Which of the catalog's services a stack deploys: `monitoring:teams` and `monitoring:services`.

One mechanism plans every subset of the catalog: a stack selects part of it (one small stack per team), and
the offline engine plans part of a stack (chunks of a big catalog, the changed services of a diff) by handing
`run(only=...)` a subset of the stack's services. Shared resources (providers) always follow the whole stack's
services, so a part planned alone declares exactly the resources the whole stack declares for that part.
"""

from __future__ import annotations

from collections.abc import Collection

from spec import Service

from .settings import SettingsError, StackSettings


def selects(settings: StackSettings, service: Service) -> bool:
    """Neither key set: every service. Otherwise the services of the listed teams and the listed services."""
    if not settings.teams and not settings.services:
        return True
    return service.team in settings.teams or service.service in settings.services


def unknown_names(
    settings: StackSettings, services: list[Service], names: Collection[str] = (), teams: Collection[str] = ()
) -> list[tuple[str, str]]:
    """(config key, problem) for names the selection lists that no service of the environment has (a typo
    would select nothing). `names`, `teams`: known besides (those a catalog with problems writes, valid or not)."""
    problems = []
    teams = sorted({s.team for s in services} | set(teams))
    names = sorted({s.service for s in services} | set(names))
    for key, listed, known in (("teams", settings.teams, teams), ("services", settings.services, names)):
        missing = [name for name in listed if name not in known]
        if missing:
            problems.append((
                f"monitoring:{key}",
                f"names {', '.join(missing)}: no service of environment '{settings.environment}' "
                f"has {'that team' if key == 'teams' else 'that name'} (known: {', '.join(known) or 'none'})",
            ))
    return problems


def stack_services(settings: StackSettings, services: list[Service]) -> list[Service]:
    """The services this stack deploys, in catalog order; an unknown name in the selection is an error."""
    problems = unknown_names(settings, services)
    if problems:
        raise SettingsError("; ".join(f"{key} {problem}" for key, problem in problems))
    return [s for s in services if selects(settings, s)]
