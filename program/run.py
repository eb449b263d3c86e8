"""The program's entry: read settings, load the catalog, declare providers and one component per service."""

from __future__ import annotations

import pulumi

from spec import SpecErrors, load_catalog
from spec.errors import format_path

from .checks import check_service
from .component import ServiceMonitoring, ServiceMonitoringArgs
from .providers import make_providers
from .settings import SettingsError, check_secrets, read_settings, required_secrets


def run() -> None:
    """Everything is checked — spec, vendor rules, secrets — before the first resource is declared."""
    try:
        settings = read_settings()
        catalog = load_catalog(settings.catalog, [settings.environment])
        services = catalog.for_environment(settings.environment)
        check_secrets(required_secrets(settings, services))
    except (SpecErrors, SettingsError) as exc:
        raise pulumi.RunError(f"monitoring config or spec is invalid:\n{exc}") from None
    deployment = settings.deployment(pulumi.get_project(), pulumi.get_stack())
    violations = [
        f"{service.service}: {format_path(v.path)}: {v.message}"
        for service in services
        for v in check_service(service, deployment)
    ]
    if violations:  # nothing is declared when any rule fails: no half-applied monitoring
        raise pulumi.RunError("monitoring spec breaks vendor rules (run `vigil validate`):\n" + "\n".join(violations))
    providers = make_providers(settings, deployment, services)
    try:
        for service in services:
            ServiceMonitoring(service.service, ServiceMonitoringArgs(service, deployment, providers))
    except SettingsError as exc:
        raise pulumi.RunError(str(exc)) from None
    pulumi.export("services", [s.service for s in services])
    pulumi.export("environment", settings.environment)
