"""How an alert notifies besides firing: reminders while it lasts, what silence means, and its recovery.

The three settings are fields of every threshold alert (`spec.alerts.Threshold`, and so of custom alerts too); left
out, an alert behaves as it always did: a page is repeated every hour on Datadog (a ticket never), each signal keeps its
own no-data handling (docs/datadog.md, docs/cloudwatch.md), and recoveries are told.
"""

from typing import Any, Literal, Optional, Union

from pydantic import Field

from .units import Duration

NoData = Literal["alert", "ok", "keep"]
NO_DATA_WORDS: dict[str, str] = {
    "alert": "silence is a failure: Datadog notifies No Data, CloudWatch treats missing data as breaching",
    "ok": "silence is healthy: CloudWatch treats missing data as not breaching; Datadog sends no No Data notification",
    "keep": "silence changes nothing: CloudWatch ignores missing data (the state holds); Datadog sends no No Data notification",
}
NEVER = "never"
Renotify = Union[Literal["never"], Duration]


def renotify_minutes(value: Any) -> Any:
    """`never`, or a duration of whole minutes (Datadog's `renotify_interval` counts minutes)."""
    if value == NEVER or value is None:
        return value
    try:
        duration = Duration._validate(value)
    except ValueError as exc:
        raise ValueError(f"{exc}, or 'never'") from None
    if duration.ms % 60_000:
        raise ValueError(f"renotify {duration}: Datadog repeats notifications after whole minutes (e.g. 30m), or 'never'")
    return duration


RENOTIFY: Any = Field(
    default=None,
    description="Repeat the notification while the alert lasts: whole minutes (e.g. 30m) or 'never'; default: a page every "
    "1h, a ticket never (Datadog; a CloudWatch alarm notifies once per change of state)",
)
NO_DATA: Any = Field(
    default=None,
    description="What silence means: 'alert' (a failure: Datadog No Data, CloudWatch breaching), 'ok' (healthy: CloudWatch "
    "notBreaching) or 'keep' (the state holds: CloudWatch ignore); default: the signal's own",
)
RECOVERY: Any = Field(default=True, description="Tell the route when the alert recovers (Datadog's recovery block, CloudWatch OK actions)")


def renotify_words(value: Optional[Renotify], paging: bool) -> str:
    """`every 30m`, `never`; the default spelled out."""
    if value is None:
        return "every 1h (default for a page)" if paging else "never (default for a ticket)"
    return NEVER if value == NEVER else f"every {value}"
