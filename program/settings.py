"""Stack settings from config — the only place config reaches the code. Pure parsing, shared with vigil."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pulumi

from monitors.common.context import Deployment
from spec import Service
from spec.service import BACKENDS, DEFAULT_BACKENDS, Backend

# Secret config keys the program always needs; the offline engine stands in placeholders when a stack lacks them.
DATADOG_SECRETS = ("datadogApiKey", "datadogAppKey")
SENTRY_SECRETS = ("sentryToken",)
DEFAULT_SENTRY_API_URL = "https://sentry.io/api/"
DEFAULT_DOCS_BASE_URL = "https://github.com/example/monitoring/blob/main/"
# KMS's ways to name a key: key id (or multi-region mrk- id), alias/<name>, or the ARN of either.
_KMS_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
KMS_KEY_PATTERN = rf"{_KMS_ID}|alias/[A-Za-z0-9/_-]{{1,250}}|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{{12}}:(?:key/{_KMS_ID}|alias/[A-Za-z0-9/_-]{{1,250}})"


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class StackSettings:
    catalog: Path
    environment: str
    backends: tuple[Backend, ...]
    production: bool
    aws_region: str
    datadog_api_url: str
    datadog_validate: bool
    log_forwarder_arn: Optional[str]
    docs_base_url: str
    sns_kms_key: Optional[str] = None  # monitoring:snsKmsKey: KMS key (id, ARN or alias) encrypting the SNS topics
    sentry_api_url: str = DEFAULT_SENTRY_API_URL  # monitoring:sentryApiUrl: Sentry's API (self-hosted: https://<host>/api/)

    def uses(self, backend: str) -> bool:
        return backend in self.backends

    def deployment(self, project: str, stack: str) -> Deployment:
        return Deployment(
            project=project,
            stack=stack,
            environment=self.environment,
            production=self.production,
            docs_base_url=self.docs_base_url,
            log_forwarder_arn=self.log_forwarder_arn,
            default_region=self.aws_region,
            backends=self.backends,
        )


def _bool(get: Callable[[str], Optional[str]], key: str) -> Optional[bool]:
    value = get(key)
    if value is None or value == "":
        return None
    if value.lower() not in ("true", "false"):
        raise SettingsError(f"monitoring:{key} must be true or false, got {value!r}")
    return value.lower() == "true"


def _sns_kms_key(value: Optional[str]) -> Optional[str]:
    """CloudWatch publishes only to topics under a customer managed key: AWS's own alias/aws/sns locks it out."""
    if not value:
        return None
    if not re.fullmatch(KMS_KEY_PATTERN, value):
        raise SettingsError(f"monitoring:snsKmsKey must be a KMS key id, alias/<name> or a key or alias ARN, got {value!r}")
    if value.endswith("alias/aws/sns"):
        raise SettingsError("monitoring:snsKmsKey alias/aws/sns is AWS managed: CloudWatch cannot publish to topics it encrypts; give a customer managed key")
    return value


def parse_settings(get: Callable[[str], Optional[str]], stack: str) -> StackSettings:
    """Settings from config values as Pulumi hands them to programs (strings; structured values as JSON)."""
    environment = get("environment") or stack
    try:
        backends = tuple(json.loads(get("backends") or json.dumps(DEFAULT_BACKENDS)))
    except (json.JSONDecodeError, TypeError):
        raise SettingsError(f"monitoring:backends must be a list such as [datadog, aws], got {get('backends')!r}") from None
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        raise SettingsError(f"monitoring:backends has unknown {', '.join(unknown)}; allowed: {', '.join(BACKENDS)}")
    production = _bool(get, "production")
    return StackSettings(
        catalog=Path(get("catalog") or "catalog"),
        environment=environment,
        backends=tuple(b for b in BACKENDS if b in backends),
        production=environment == "prod" if production is None else production,
        aws_region=get("awsRegion") or "us-east-1",
        datadog_api_url=get("datadogApiUrl") or "https://api.datadoghq.com/",
        datadog_validate=_bool(get, "datadogValidate") is not False,
        log_forwarder_arn=get("logForwarderArn") or None,
        docs_base_url=get("docsBaseUrl") or DEFAULT_DOCS_BASE_URL,
        sns_kms_key=_sns_kms_key(get("snsKmsKey")),
        sentry_api_url=_sentry_api_url(get("sentryApiUrl")),
    )


def _sentry_api_url(value: Optional[str]) -> str:
    if not value:
        return DEFAULT_SENTRY_API_URL
    if not re.fullmatch(r"https://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~\-/]*)?/api/", value):
        raise SettingsError(f"monitoring:sentryApiUrl must be Sentry's API URL, https://<host>/api/, got {value!r}")
    return value


def read_settings() -> StackSettings:
    return parse_settings(pulumi.Config("monitoring").get, pulumi.get_stack())


def required_secrets(settings: StackSettings, services: list[Service]) -> list[str]:
    """Secret config keys the program will read: the Datadog keys when a service uses Datadog, the Sentry token when
    Sentry alerts on a service, and every `endpoint_secret` of the routes of services CloudWatch monitors (their SNS
    subscriptions)."""
    using = {backend: [s for s in services if backend in s.monitored_by(settings.backends)] for backend in BACKENDS}
    sentry = [s for s in using["sentry"] if s.sources.sentry is not None]
    endpoints = {
        sub.endpoint_secret
        for svc in using["aws"]
        for route in svc.all_routes()
        for sub in route.sns
        if sub.endpoint_secret is not None
    }
    return (list(DATADOG_SECRETS) if using["datadog"] else []) + (list(SENTRY_SECRETS) if sentry else []) + sorted(endpoints)


def check_secrets(names: list[str]) -> None:
    """Every secret present before any resource is declared: a missing one must not leave a half-applied stack."""
    config = pulumi.Config("monitoring")
    missing = [name for name in names if config.get_secret(name) is None]
    if missing:
        commands = "; ".join(f"pulumi config set --secret monitoring:{name} ..." for name in missing)
        raise SettingsError(f"missing secret config {', '.join('monitoring:' + m for m in missing)}: run {commands}")


def stack_outputs(services: list[Service]) -> dict[str, list[str]]:
    """Per stack named by `sources.aws.from_stack`, the outputs the spec reads from it."""
    out: dict[str, set[str]] = {}
    for svc in services:
        source = svc.sources.aws
        if source is not None and source.from_stack is not None:
            out.setdefault(source.from_stack, set()).update(source.stack_outputs())
    return {stack: sorted(names) for stack, names in sorted(out.items()) if names}


def secret(name: str) -> pulumi.Output[str]:
    value = pulumi.Config("monitoring").get_secret(name)
    if value is None:
        raise SettingsError(f"missing secret config 'monitoring:{name}': run `pulumi config set --secret monitoring:{name} ...`")
    return value
