"""Stack settings, read from `pulumi.Config` — the only place config reaches the code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pulumi

from spec import Service

BACKENDS = ("datadog", "aws")
# Secret config keys the program always needs; the offline engine stands in placeholders when a stack lacks them.
DATADOG_SECRETS = ("datadogApiKey", "datadogAppKey")


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class StackSettings:
    catalog: Path
    environment: str
    backends: tuple[str, ...]
    production: bool
    aws_region: str
    datadog_api_url: str
    datadog_validate: bool
    log_forwarder_arn: Optional[str]

    def uses(self, backend: str) -> bool:
        return backend in self.backends


def read_settings(config: Optional[pulumi.Config] = None) -> StackSettings:
    config = config or pulumi.Config("monitoring")
    environment = config.get("environment") or pulumi.get_stack()
    backends = tuple(config.get_object("backends") or BACKENDS)
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        raise SettingsError(f"monitoring:backends has unknown {', '.join(unknown)}; allowed: {', '.join(BACKENDS)}")
    production = config.get_bool("production")
    return StackSettings(
        catalog=Path(config.get("catalog") or "catalog"),
        environment=environment,
        backends=tuple(b for b in BACKENDS if b in backends),
        production=environment == "prod" if production is None else production,
        aws_region=config.get("awsRegion") or "us-east-1",
        datadog_api_url=config.get("datadogApiUrl") or "https://api.datadoghq.com/",
        datadog_validate=config.get_bool("datadogValidate") is not False,
        log_forwarder_arn=config.get("logForwarderArn"),
    )


def endpoint_secrets(services: list[Service]) -> list[str]:
    """Secret config keys named by the spec's SNS subscriptions."""
    return sorted(
        {
            sub.endpoint_secret
            for svc in services
            for route in (svc.routes.page, svc.routes.ticket)
            if route is not None
            for sub in route.sns
            if sub.endpoint_secret is not None
        }
    )


def secret(name: str, config: Optional[pulumi.Config] = None) -> pulumi.Output[str]:
    config = config or pulumi.Config("monitoring")
    value = config.get_secret(name)
    if value is None:
        raise SettingsError(f"missing secret config 'monitoring:{name}': run `pulumi config set --secret monitoring:{name} ...`")
    return value
