"""The vendors, live and read-only: Datadog's metrics query API through `datadog-api-client`, CloudWatch's
GetMetricData through `boto3`. Both are imported here only, when a live back-test runs (they cost `vigil validate`
and `vigil plan` nothing).

- Credentials from the usual places: `DD_API_KEY` and `DD_APP_KEY` (an application key scoped to reading metrics,
  `timeseries_query`, is enough), the site as `vigil/datadog_site.py` says (`DD_SITE`, else the stack's
  `monitoring:datadogApiUrl`); AWS's default chain (environment, profile, SSO, instance role), with the role of
  `sources.aws.account` assumed for another account, one client per account and region as the program's providers.
- Rate limits: Datadog's `X-RateLimit-Remaining` / `X-RateLimit-Reset` headers are honoured before the next request,
  and a 429 waits `X-RateLimit-Reset` seconds, up to three times (https://docs.datadoghq.com/api/latest/rate-limits/);
  CloudWatch throttling is retried with botocore's adaptive backoff (`retries: {mode: adaptive}`).
- Only reading calls are made: `GET /api/v1/query`, `cloudwatch:GetMetricData`, and `sts:AssumeRole` where a service
  names another account.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Optional

from ..datadog_site import datadog_host, transport_reason
from .reads import Place
from .requests import AwsRequest, DatadogRequest, Request
from .run import NoCredentials, Refused

RETRIES_429 = 3
USER_AGENT = "vigil-backtest"


class Datadog:
    """Datadog's metrics query API (`GET /api/v1/query`), one query at a time, within its rate limits."""

    def __init__(self, host: str, api_key: str, app_key: str, sleep: Callable[[float], None] = time.sleep) -> None:
        from datadog_api_client import ApiClient, Configuration
        from datadog_api_client.v1.api.metrics_api import MetricsApi

        config = Configuration(host=host)
        config.api_key["apiKeyAuth"] = api_key
        config.api_key["appKeyAuth"] = app_key
        config.preload_content = False  # the raw body, as the vendor sent it, and its headers
        config.return_http_data_only = True
        config.enable_retry = False  # 429s are waited for here, by the rate-limit headers
        self.client = ApiClient(config)
        self.client.user_agent = USER_AGENT
        self.api = MetricsApi(self.client)
        self.sleep = sleep
        self.wait_until = 0.0

    def _respect(self, headers: Mapping[str, str]) -> Optional[float]:
        reset = _seconds(headers.get("X-RateLimit-Reset") or headers.get("x-ratelimit-reset"))
        remaining = headers.get("X-RateLimit-Remaining") or headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.strip() == "0" and reset is not None:
            self.wait_until = time.monotonic() + reset
        return reset

    def datadog(self, request: DatadogRequest) -> Any:
        from datadog_api_client.exceptions import ApiException
        from urllib3.exceptions import HTTPError  # the client's transport: a name that does not resolve, a refused connection

        for attempt in range(RETRIES_429 + 1):
            pause = self.wait_until - time.monotonic()
            if pause > 0:
                self.sleep(pause)
            try:
                response = self.api.query_metrics(_from=request.start, to=request.end, query=request.query)
            except ApiException as exc:
                headers = dict(exc.headers or {})
                reset = self._respect(headers)
                if exc.status == 429 and attempt < RETRIES_429:
                    self.sleep(reset if reset is not None else 2**attempt)
                    continue
                raise Refused(f"Datadog refused {request.query}: HTTP {exc.status} {_reason(exc.body) or exc.reason}") from None
            except (OSError, HTTPError) as exc:
                raise Refused(f"Datadog could not be reached at {self.client.configuration.host}: {transport_reason(exc)}") from None
            self._respect(dict(response.headers))
            status = response.status
            body = response.data
            if status == 429 and attempt < RETRIES_429:
                self.sleep(_seconds(response.headers.get("X-RateLimit-Reset")) or 2**attempt)
                continue
            if status >= 400:
                raise Refused(f"Datadog refused {request.query}: HTTP {status} {_reason(body)}")
            try:
                return json.loads(body)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise Refused(f"Datadog answered {request.query} with something that is not JSON ({exc})") from None
        raise Refused(f"Datadog refused {request.query}: HTTP 429 after {RETRIES_429} retries (rate limited)")


def _seconds(text: Optional[str]) -> Optional[float]:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _reason(body: Any) -> str:
    try:
        parsed = json.loads(body) if isinstance(body, (bytes, str)) else body
    except (UnicodeDecodeError, json.JSONDecodeError):
        return str(body)[:200]
    if isinstance(parsed, dict) and parsed.get("errors"):
        return "; ".join(str(e) for e in parsed["errors"])
    return str(parsed)[:200]


class CloudWatch:
    """GetMetricData, paginated, with one client per account and region (a role assumed where the spec says)."""

    def __init__(self) -> None:
        import boto3
        from botocore.config import Config

        self.boto3 = boto3
        self.config = Config(retries={"mode": "adaptive", "max_attempts": 10}, user_agent_extra=USER_AGENT)
        self.clients: dict[Place, Any] = {}

    def client(self, place: Place) -> Any:
        found = self.clients.get(place)
        if found is None:
            session = self.boto3.Session()
            if place.role_arn:
                sts = session.client("sts", region_name=place.region, config=self.config)
                assume: dict[str, Any] = {"RoleArn": place.role_arn, "RoleSessionName": place.session_name or "vigil"}
                if place.external_id:
                    assume["ExternalId"] = place.external_id
                credentials = sts.assume_role(**assume)["Credentials"]
                session = self.boto3.Session(
                    aws_access_key_id=credentials["AccessKeyId"],
                    aws_secret_access_key=credentials["SecretAccessKey"],
                    aws_session_token=credentials["SessionToken"],
                )
            found = self.clients[place] = session.client("cloudwatch", region_name=place.region, config=self.config)
        return found

    def aws(self, request: AwsRequest) -> list[Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        pages: list[Any] = []
        token: Optional[str] = None
        body = request.body()
        body["StartTime"] = datetime.fromisoformat(body["StartTime"].replace("Z", "+00:00"))
        body["EndTime"] = datetime.fromisoformat(body["EndTime"].replace("Z", "+00:00"))
        try:
            client = self.client(request.place)
            while True:
                response = client.get_metric_data(**body, **({"NextToken": token} if token else {}))
                pages.append(_as_cli(response))
                token = response.get("NextToken")
                if not token:
                    return pages
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise Refused(f"CloudWatch refused GetMetricData in {request.place.region}: {error.get('Code')}: {error.get('Message')}") from None
        except BotoCoreError as exc:
            if type(exc).__name__ in ("NoCredentialsError", "PartialCredentialsError"):
                raise NoCredentials(_AWS_CREDENTIALS) from None
            raise Refused(f"CloudWatch could not be read in {request.place.region}: {exc}") from None


def _as_cli(response: Mapping[str, Any]) -> dict[str, Any]:
    """A boto3 response as the AWS CLI prints it: times in ISO 8601, no ResponseMetadata."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return {k: plain(v) for k, v in response.items() if k != "ResponseMetadata"}


_AWS_CREDENTIALS = (
    "no AWS credentials: the stack reads CloudWatch; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
    "(or any source of AWS's default credential chain), or back-test from recorded files with --from DIR"
)


def missing_credentials(backends: set[str], environ: Optional[Mapping[str, str]] = None) -> list[str]:
    """What to set, per backend the back-test would read and has no credentials for (none: all there)."""
    env = os.environ if environ is None else environ
    out: list[str] = []
    if "datadog" in backends:
        missing = [k for k in ("DD_API_KEY", "DD_APP_KEY") if not env.get(k)]
        if missing:
            out.append(
                f"no Datadog credentials: the stack reads Datadog; set {' and '.join(missing)} (an application key "
                "allowed to read metrics, timeseries_query, is enough), or back-test from recorded files with --from DIR"
            )
    if "aws" in backends:
        import boto3

        if boto3.Session().get_credentials() is None:
            out.append(_AWS_CREDENTIALS)
    return out


class Live:
    """Both vendors, created only for the backends a back-test reads; missing credentials are one error each."""

    def __init__(self, backends: set[str], api_url: Optional[str], environ: Optional[Mapping[str, str]] = None, sleep: Callable[[float], None] = time.sleep) -> None:
        env = os.environ if environ is None else environ
        self._datadog: Optional[Datadog] = None
        self._aws: Optional[CloudWatch] = None
        missing = missing_credentials(backends, env)
        if missing:
            raise NoCredentials(missing[0])
        if "datadog" in backends:
            self._datadog = Datadog(datadog_host(api_url, env), env["DD_API_KEY"], env["DD_APP_KEY"], sleep)
        if "aws" in backends:
            self._aws = CloudWatch()  # AWS_ENDPOINT_URL_CLOUDWATCH and the like are boto3's own

    def where(self, request: Request, page: int) -> str:
        return request.id

    def datadog(self, request: DatadogRequest) -> Any:
        assert self._datadog is not None
        return self._datadog.datadog(request)

    def aws(self, request: AwsRequest) -> list[Any]:
        assert self._aws is not None
        return self._aws.aws(request)
