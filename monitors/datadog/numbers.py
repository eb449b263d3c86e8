"""Numbers and windows as Datadog writes them, so plans are canonical and stable."""

from spec.units import Duration


def number(value: float) -> str:
    """Shortest exact decimal with its leading zero: 1.0 -> '1', 0.5 -> '0.5', 14.4 -> '14.4'."""
    text = f"{round(float(value), 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def window(duration: Duration) -> str:
    """A window in Datadog's spelling: minutes under an hour, hours up to two days, else days ('5m', '24h', '30d')."""
    if duration.ms % 60_000 == 0 and duration.ms < 3_600_000:
        return f"{duration.ms // 60_000}m"
    if duration.ms % 3_600_000 == 0 and duration.ms <= 48 * 3_600_000:
        return f"{duration.ms // 3_600_000}h"
    if duration.ms % 86_400_000 == 0:
        return f"{duration.ms // 86_400_000}d"
    return str(duration)


# The evaluation windows of a query alert (rules.py checks monitors against them).
MONITOR_WINDOWS = ("1m", "5m", "10m", "15m", "30m", "1h", "2h", "4h", "1d")


def monitor_window(duration: Duration) -> str:
    """The shortest query-alert window at least as long as `duration` (a 20-minute window is read over 30 minutes;
    135 minutes over 4 hours); the longest, a day, for anything longer."""
    for candidate in MONITOR_WINDOWS:
        if Duration.parse(candidate).ms >= duration.ms:
            return candidate
    return MONITOR_WINDOWS[-1]
