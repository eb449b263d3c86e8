"""The program's entry: read settings, load the catalog, declare providers and one component per service."""

from __future__ import annotations

from collections.abc import Set
from typing import Optional

from spec import Catalog, SpecErrors, load_catalog
from spec.errors import format_path

from .checks import check_service
from .selection import stack_services
from .settings import SettingsError, check_secrets, read_settings, required_secrets


def run(checked: Optional[Catalog] = None, only: Optional[Set[str]] = None) -> None:
    """Everything is checked — spec, vendor rules, secrets — before the first resource is declared.

    The stack deploys the services its `monitoring:teams` / `monitoring:services` select (all by default).
    The offline engine may hand in `checked`, the catalog it has already loaded and checked (so a plan reads
    and checks it once), and `only`, a subset of the stack's services whose components to declare (chunks of
    a big catalog, the changed services of a diff); shared resources always follow the whole stack.
    `pulumi up` calls `run()`.
    """
    import pulumi  # here, not above: `vigil validate` imports the program's package, and needs none of Pulumi

    from .component import ServiceMonitoring, ServiceMonitoringArgs
    from .providers import make_providers

    try:
        settings = read_settings()
        catalog = checked or load_catalog(settings.catalog, [settings.environment])
        services = stack_services(settings, catalog.for_environment(settings.environment))
        check_secrets(required_secrets(settings, services))
    except (SpecErrors, SettingsError) as exc:
        raise pulumi.RunError(f"monitoring config or spec is invalid:\n{exc}") from None
    deployment = settings.deployment(pulumi.get_project(), pulumi.get_stack())
    unknown = sorted(set(only or ()) - {s.service for s in services})
    if unknown:
        raise pulumi.RunError(f"not services of this stack: {', '.join(unknown)}")
    violations = [
        f"{service.service}: {format_path(v.path)}: {v.message}"
        for service in (services if checked is None else [])
        for v in check_service(service, deployment)
    ]
    if violations:  # nothing is declared when any rule fails: no half-applied monitoring
        raise pulumi.RunError("monitoring spec breaks vendor rules (run `vigil validate`):\n" + "\n".join(violations))
    providers = make_providers(settings, deployment, services)
    try:
        for service in (s for s in services if only is None or s.service in only):
            ServiceMonitoring(service.service, ServiceMonitoringArgs(service, deployment, providers))
    except SettingsError as exc:
        raise pulumi.RunError(str(exc)) from None
    pulumi.export("services", [s.service for s in services])
    pulumi.export("environment", settings.environment)
