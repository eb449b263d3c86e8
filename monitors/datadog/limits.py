"""Datadog's documented limits of what vigil creates: the rules (rules.py) read these values, docs/limits.md lists them.

Datadog documents no maximum length for a monitor's name, message or query, nor for an SLO's or a synthetic test's
name (API reference, monitors and SLOs; its OpenAPI schema sets none either): the table says so, and vigil checks none.
"""

from __future__ import annotations

from typing import Union

from monitors.common.limits import Limit

_DD = "https://docs.datadoghq.com/"
_API = _DD + "api/latest/"
_RULES = "monitors/datadog/rules.py"
_MONITOR, _SLO, _SYNTHETIC = "Datadog monitor", "Datadog SLO", "Datadog synthetic API test"


def _dd(resource: str, what: str, value: Union[int, str], url: str, enforced: str, hard: bool = True) -> Limit:
    return Limit("Datadog", resource, what, value, url, enforced, hard)


TAG_LENGTH = _dd("Datadog tags (monitors, SLOs, tests, dashboards)", "characters of one tag; lowercase, starting with a letter", 200,
                 _DD + "getting_started/tagging/", f"{_RULES}: `tag_problems`")
DASHBOARD_TAGS = _dd("Datadog dashboard", "tags (team tags)", 5, _API + "dashboards/", f"{_RULES}: `dashboard_problems`")
# "Choose up to 10 individual monitors to use in a composite monitor ... No individual monitor may itself be a composite
# monitor." (monitors/types/composite)
COMPOSITE_MONITORS = _dd("Datadog composite monitor", "monitors one composite combines", 10, _DD + "monitors/types/composite/",
                         f"{_RULES}: `composite_problems`")
COMPOSITE_OF_COMPOSITE = _dd("Datadog composite monitor", "members that are composites themselves", 0, _DD + "monitors/types/composite/",
                             f"{_RULES}: `check` (composites over composites)")
PRIORITY = _dd(_MONITOR, "priority", "1 to 5", _API + "monitors/", f"{_RULES}: `priority_problems`")
TIMEOUT_HOURS = _dd(_MONITOR, "`timeout_h`, hours", "0 to 24", _API + "monitors/", f"{_RULES}: `monitor_problems`")
EVALUATION_DELAY = _dd(_MONITOR, "`evaluation_delay`, seconds", 86_400, _DD + "monitors/configuration/", f"{_RULES}: `monitor_problems`")
MONITOR_TEXT = _dd(_MONITOR, "name, message, query length", "none documented", _API + "monitors/", "not checked: nothing to check against")
SLO_TIMEFRAMES = _dd(_SLO, "timeframes", "7d, 30d, 90d", _DD + "service_management/service_level_objectives/", f"{_RULES}: `slo_problems`")
BURN_LONG_WINDOW = _dd("Datadog SLO alert", "burn-rate long window", "1h to 48h", _DD + "service_management/service_level_objectives/burn_rate/",
                       f"{_RULES}: `burn_rate_problems`")
TICK_EVERY = _dd(_SYNTHETIC, "`tick_every`, seconds", "30 to 604800", _API + "synthetics/", f"{_RULES}: `synthetic_problems`")
RETRIES = _dd(_SYNTHETIC, "retries", 3, "https://registry.terraform.io/providers/DataDog/datadog/latest/docs/resources/synthetics_test",
              f"{_RULES}: `synthetic_problems`")
MIN_FAILURE_DURATION = _dd(_SYNTHETIC, "`min_failure_duration`, seconds", 7_200, _API + "synthetics/", "monitors/datadog/synthetics.py (not set)")
DOWNTIME_SCHEDULE = _dd("Datadog downtime", "schedule: one-time (UTC) or recurring (RFC 5545 rule without DTSTART)", "one of the two",
                        _API + "downtimes/", "monitors/datadog/downtimes.py: `downtime_problems`")


def limits() -> tuple[Limit, ...]:
    """Every documented Datadog limit of what vigil creates, in the order docs/limits.md lists them."""
    return tuple(sorted((
        TAG_LENGTH, DASHBOARD_TAGS, COMPOSITE_MONITORS, COMPOSITE_OF_COMPOSITE, PRIORITY, TIMEOUT_HOURS, EVALUATION_DELAY, MONITOR_TEXT,
        SLO_TIMEFRAMES, BURN_LONG_WINDOW, TICK_EVERY, RETRIES, MIN_FAILURE_DURATION, DOWNTIME_SCHEDULE,
    ), key=lambda found: found.resource))  # fmt: skip
