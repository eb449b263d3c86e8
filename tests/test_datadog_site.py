"""One rule for which Datadog API the live commands read (back-test, import, drift)."""

from __future__ import annotations

import pytest

from vigil.datadog_site import datadog_host


@pytest.mark.parametrize(
    ("environ", "api_url", "host"),
    [
        ({}, None, "https://api.datadoghq.com"),
        ({}, "https://api.datadoghq.eu/", "https://api.datadoghq.eu"),  # the stack's monitoring:datadogApiUrl
        ({"DD_SITE": "us5.datadoghq.com"}, "https://api.datadoghq.eu/", "https://api.us5.datadoghq.com"),  # a site
        ({"DD_SITE": "http://127.0.0.1:8126/"}, "https://api.datadoghq.eu/", "http://127.0.0.1:8126"),  # a whole URL
        ({"VIGIL_DATADOG_API_URL": "http://127.0.0.1:9/"}, "https://api.datadoghq.eu/", "http://127.0.0.1:9"),
        ({"DD_SITE": "datadoghq.eu", "VIGIL_DATADOG_API_URL": "http://127.0.0.1:9"}, None, "https://api.datadoghq.eu"),
        ({"DD_SITE": "  "}, "https://api.ap1.datadoghq.com", "https://api.ap1.datadoghq.com"),  # blank: not set
    ],
)
def test_site_then_url_then_the_stacks(environ: dict[str, str], api_url: str | None, host: str) -> None:
    assert datadog_host(api_url, environ) == host
