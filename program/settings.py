"""Stack settings from config — the only place config reaches the code. Pure parsing, shared with vigil."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional, TypeVar

from monitors.common.context import Deployment
from spec import Service
from spec.grammar import HTTPS_URL_PATTERN, NAME_PATTERN, message_text_problem
from spec.regions import aws_regions as aws_regions  # re-exported: where the stack settings check regions
from spec.regions import partition_of, region_problem
from spec.service import BACKENDS, DEFAULT_BACKENDS, Backend

if TYPE_CHECKING:
    import pulumi

# Secret config keys the program always needs; the offline engine stands in placeholders when a stack lacks them.
DATADOG_SECRETS = ("datadogApiKey", "datadogAppKey")
SENTRY_SECRETS = ("sentryToken",)
DEFAULT_SENTRY_API_URL = "https://sentry.io/api/"
DEFAULT_DOCS_BASE_URL = "https://github.com/example/monitoring/blob/main/"
# KMS's ways to name a key: key id (or multi-region mrk- id), alias/<name>, or the ARN of either.
_KMS_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
KMS_KEY_PATTERN = rf"{_KMS_ID}|alias/[A-Za-z0-9/_-]{{1,250}}|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{{12}}:(?:key/{_KMS_ID}|alias/[A-Za-z0-9/_-]{{1,250}})"


class SettingsError(Exception):
    def __init__(self, message: str, key: Optional[str] = None) -> None:
        super().__init__(message)
        self.key = key  # the config key at fault (without the namespace), so callers can name where it was set

    @property
    def problems(self) -> list[SettingsError]:
        """Each problem on its own (several settings can be wrong at once)."""
        return [self]


class SettingsErrors(SettingsError):
    """Several settings wrong at once: every one is said in one round."""

    def __init__(self, problems: list[SettingsError]) -> None:
        super().__init__("; ".join(str(p) for p in problems), problems[0].key)
        self._problems = problems

    @property
    def problems(self) -> list[SettingsError]:
        return list(self._problems)


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
    teams: tuple[str, ...] = ()  # monitoring:teams: deploy the services of these teams (with `services`: either)
    services: tuple[str, ...] = ()  # monitoring:services: deploy these services; neither key: every service
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
        raise SettingsError(f"monitoring:{key} must be true or false, got {value!r}", key)
    return value.lower() == "true"


def _aws_region(value: Optional[str]) -> str:
    region = value or "us-east-1"
    problem = region_problem(region)
    if problem:
        raise SettingsError(f"monitoring:awsRegion {problem}", "awsRegion")
    return region


def _environment(value: str) -> str:
    """It names resources, tags (env:<environment>) and the catalog's overlays: the catalog's name grammar."""
    if not re.fullmatch(NAME_PATTERN, value):
        raise SettingsError(
            f"monitoring:environment {value!r} must be a lowercase name of 2-40 characters (a-z, 0-9, '-'), "
            "like the catalog's environment overlays (it defaults to the stack name)",
            "environment",
        )
    return value


def _backends(value: Optional[str]) -> tuple[Backend, ...]:
    allowed = ", ".join(BACKENDS)
    try:
        backends = json.loads(value) if value else list(DEFAULT_BACKENDS)
    except json.JSONDecodeError:
        backends = value
    if not isinstance(backends, list) or not backends or not all(isinstance(b, str) for b in backends):
        raise SettingsError(f"monitoring:backends must be a non-empty list of {allowed} (such as [datadog, aws]), got {value!r}", "backends")
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        raise SettingsError(f"monitoring:backends has unknown {', '.join(unknown)}; allowed: {allowed}", "backends")
    return tuple(b for b in BACKENDS if b in backends)


def _https_url(key: str, value: Optional[str], default: str) -> str:
    """An https URL (the catalog's URL grammar, port 1-65535), ending in '/' as the code appends paths to it."""
    url = value or default
    if not re.fullmatch(HTTPS_URL_PATTERN, url):
        raise SettingsError(f"monitoring:{key} must be an https:// URL such as {default!r}, got {url!r}", key)
    problem = message_text_problem(url)  # docsBaseUrl starts every message's links
    if problem:
        raise SettingsError(f"monitoring:{key}: {problem}", key)
    return url if url.endswith("/") else url + "/"


# The Datadog Forwarder: a Lambda function's ARN (an optional version or alias).
LAMBDA_ARN_PATTERN = r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?"


def _arn_region(key: str, arn: str) -> None:
    """An ARN's region exists and its partition is that region's, as any region a stack or the spec names."""
    _, partition, _, region, _ = arn.split(":", 4)
    if not region:
        return  # alias and key ARNs always name one; nothing else reaches here without
    problem = region_problem(region)
    if problem:
        raise SettingsError(f"monitoring:{key}: its region {problem}", key)
    if partition != partition_of(region):
        raise SettingsError(f"monitoring:{key} is in partition {partition}, but its region {region} is in {partition_of(region)}", key)


def _log_forwarder_arn(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    if not re.fullmatch(LAMBDA_ARN_PATTERN, value):
        raise SettingsError(f"monitoring:logForwarderArn {value!r} is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)", "logForwarderArn")
    _arn_region("logForwarderArn", value)
    return value


def _sns_kms_key(value: Optional[str]) -> Optional[str]:
    """CloudWatch publishes only to topics under a customer managed key: AWS's own alias/aws/sns locks it out."""
    if not value:
        return None
    if not re.fullmatch(KMS_KEY_PATTERN, value):
        raise SettingsError(f"monitoring:snsKmsKey must be a KMS key id, alias/<name> or a key or alias ARN, got {value!r}", "snsKmsKey")
    if value.startswith("arn:"):
        _arn_region("snsKmsKey", value)
    if value.endswith("alias/aws/sns"):
        raise SettingsError("monitoring:snsKmsKey alias/aws/sns is AWS managed: CloudWatch cannot publish to topics it encrypts; give a customer managed key", "snsKmsKey")
    return value


def _names(get: Callable[[str], Optional[str]], key: str) -> tuple[str, ...]:
    """A stack's selection (`monitoring:teams`, `monitoring:services`): a non-empty list of names, or absent."""
    value = get(key)
    if value is None or value == "":
        return ()
    try:
        names = json.loads(value)
    except json.JSONDecodeError:
        names = None
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise SettingsError(f"monitoring:{key} must be a non-empty list of names such as [payments], got {value!r}", key)
    return tuple(sorted(set(names)))


T = TypeVar("T")


def parse_settings(get: Callable[[str], Optional[str]], stack: str) -> StackSettings:
    """Settings from config values as Pulumi hands them to programs (strings; structured values as JSON). Every
    wrong setting is said at once (`SettingsErrors`), not the first alone."""
    problems: list[SettingsError] = []

    def parsed(parse: Callable[[], T], instead: T) -> T:
        try:
            return parse()
        except SettingsError as exc:
            problems.append(exc)
            return instead

    environment = parsed(lambda: _environment(get("environment") or stack), stack)
    production = parsed(lambda: _bool(get, "production"), None)
    settings = StackSettings(
        catalog=Path(get("catalog") or "catalog"),
        environment=environment,
        backends=parsed(lambda: _backends(get("backends")), DEFAULT_BACKENDS),
        production=environment == "prod" if production is None else production,
        aws_region=parsed(lambda: _aws_region(get("awsRegion")), "us-east-1"),
        datadog_api_url=parsed(lambda: _https_url("datadogApiUrl", get("datadogApiUrl"), "https://api.datadoghq.com/"), ""),
        datadog_validate=parsed(lambda: _bool(get, "datadogValidate"), None) is not False,
        log_forwarder_arn=parsed(lambda: _log_forwarder_arn(get("logForwarderArn")), None),
        docs_base_url=parsed(lambda: _https_url("docsBaseUrl", get("docsBaseUrl"), DEFAULT_DOCS_BASE_URL), ""),
        sns_kms_key=parsed(lambda: _sns_kms_key(get("snsKmsKey")), None),
        teams=parsed(lambda: _names(get, "teams"), ()),
        services=parsed(lambda: _names(get, "services"), ()),
        sentry_api_url=parsed(lambda: _sentry_api_url(get("sentryApiUrl")), ""),
    )
    if len(problems) > 1:
        raise SettingsErrors(problems)
    if problems:
        raise problems[0]
    return settings


def _sentry_api_url(value: Optional[str]) -> str:
    if not value:
        return DEFAULT_SENTRY_API_URL
    if not re.fullmatch(r"https://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~\-/]*)?/api/", value):
        raise SettingsError(f"monitoring:sentryApiUrl must be Sentry's API URL, https://<host>/api/, got {value!r}", "sentryApiUrl")
    return value


def _config() -> pulumi.Config:
    """The stack's `monitoring:` config, under the engine (real or offline) only: `vigil validate` reads the stack
    files itself (vigil/stack_config.py) and imports none of Pulumi."""
    import pulumi

    return pulumi.Config("monitoring")


def read_settings() -> StackSettings:
    import pulumi

    return parse_settings(_config().get, pulumi.get_stack())


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
    config = _config()
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
    value = _config().get_secret(name)
    if value is None:
        raise SettingsError(f"missing secret config 'monitoring:{name}': run `pulumi config set --secret monitoring:{name} ...`")
    return value
