"""Which Datadog API the live commands read (`vigil backtest`, `vigil import`, `vigil drift`), and what to say when it
cannot be reached: one rule for all.

`DD_SITE`, the variable Datadog's own clients read (a site such as `datadoghq.eu`, or a whole API URL such as a proxy
or a local stand-in), else `VIGIL_DATADOG_API_URL` (the name `vigil import` and `vigil drift` first read, kept), else
the stack's `monitoring:datadogApiUrl`. https://docs.datadoghq.com/getting_started/site/
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Optional

SITE_ENV = "DD_SITE"
URL_ENV = "VIGIL_DATADOG_API_URL"
DEFAULT = "https://api.datadoghq.com/"


def datadog_host(api_url: Optional[str], environ: Optional[Mapping[str, str]] = None) -> str:
    """The API's base URL, without a trailing slash (what datadog-api-client's `Configuration(host=...)` takes)."""
    env = os.environ if environ is None else environ
    site = (env.get(SITE_ENV) or "").strip()
    if site:
        return site.rstrip("/") if "://" in site else f"https://api.{site.rstrip('/')}"
    return (env.get(URL_ENV) or api_url or DEFAULT).strip().rstrip("/")


def transport_reason(exc: BaseException) -> str:
    """A transport error's innermost reason (urllib3, datadog-api-client's transport, wraps the resolver's or the
    socket's words in its retry error): what to tell a user whose Datadog could not be reached."""
    reason = getattr(exc, "reason", None)
    return str(reason if isinstance(reason, Exception) else exc)
