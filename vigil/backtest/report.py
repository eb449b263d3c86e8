"""`vigil backtest` output: text and Markdown for people, JSON for tools (the contract in docs/backtest.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Optional

from .run import AlertResult, Backtest


def when(seconds: Optional[int]) -> Optional[str]:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if seconds is not None else None


def _number(value: float) -> float | int:
    rounded = round(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded


def rows(result: Backtest) -> list[dict[str, Any]]:
    """One row per back-tested alert and level (the JSON's `alerts`)."""
    out: list[dict[str, Any]] = []
    for alert in result.alerts:
        if not alert.tested:
            continue
        for level in alert.levels:
            out.append(
                {
                    "service": alert.service,
                    "alert": alert.alert,
                    "backend": alert.backend,
                    "level": level.level,
                    "route": "nobody" if level.silent else level.route,
                    "notifications": len(level.notifications),
                    "reminders": level.reminders,
                    "minutes_in_alert": _number(level.minutes_in_alert),
                    "longest_minutes": _number(level.longest_minutes),
                    "changes_per_day": level.changes_per_day(result.window),
                    "first_notification": when(level.first),
                    "last_notification": when(level.last),
                    "resolution_s": alert.resolution,
                    "approximate": alert.approximate,
                    "period_s": alert.reads.period,
                    "gap_minutes": _number(alert.gap_minutes),
                    "longest_gap_minutes": _number(alert.longest_gap_minutes),
                    "missing_series": list(alert.missing),
                    "series": alert.reads.series,
                    **({"entered_alert": len(level.entered)} if level.silent else {}),
                }
            )
    return out


def not_tested(result: Backtest) -> list[AlertResult]:
    return [a for a in result.alerts if not a.tested]


def backtest_json(result: Backtest) -> dict[str, Any]:
    return {
        "stack": result.stack,
        "from": result.window.start,
        "to": result.window.end,
        "days": _number(result.window.days),
        "alerts": rows(result),
        "not_backtested": [{"service": a.service, "alert": a.alert, "backend": a.backend, "reason": a.reads.refused} for a in not_tested(result)],
        "notes": list(result.notes),
    }


def _data_words(row: dict[str, Any]) -> str:
    words = f"data every {row['resolution_s']} s" if row["resolution_s"] else "no data"
    if row["approximate"]:
        words += f", approximate (coarser than the alert's {row['period_s']} s)"
    if row["gap_minutes"]:
        words += f", gaps {row['gap_minutes']} min (longest {row['longest_gap_minutes']} min)"
    if row["missing_series"]:
        words += f"; NOT counted as quiet: no data for {', '.join(row['missing_series'])}"
    return words


def line(row: dict[str, Any], days: float) -> str:
    """`api · error_rate · aws · page: 3 notifications over 14 days, ...`"""
    told = f"{row['notifications']} notification{'s' if row['notifications'] != 1 else ''}"
    if "entered_alert" in row:  # a roll-up with no actions: what a rollback or a status page watching it would see
        told = f"in ALARM {row['entered_alert']} time{'s' if row['entered_alert'] != 1 else ''}, notifying nobody itself,"
    if row["reminders"]:
        told += f" (+{row['reminders']} reminders)"
    parts = [f"{told} over {days:g} days", f"{row['minutes_in_alert']} min in alert (longest {row['longest_minutes']})", f"{row['changes_per_day']} changes/day"]
    if row["first_notification"]:
        parts.append(f"first {row['first_notification']}, last {row['last_notification']}")
    return f"{row['service']} · {row['alert']} · {row['backend']} · {row['route']}: {', '.join(parts)}; {_data_words(row)}"


def backtest_text(result: Backtest) -> str:
    window = result.window
    lines = [f"back-test of stack {result.stack}: {when(window.start)} to {when(window.end)} ({window.days:g} days)"]
    lines += [f"  {line(row, window.days)}" for row in rows(result)]
    skipped = not_tested(result)
    if skipped:
        lines.append("not back-tested:")
        lines += [f"  {a.service} · {a.alert} · {a.backend}: {a.reads.refused}" for a in skipped]
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines) + "\n"


def backtest_markdown(result: Backtest) -> str:
    window = result.window
    lines = [
        f"### Back-test of stack `{result.stack}`: {window.days:g} days to {when(window.end)}",
        "",
        "| service | alert | backend | route | notifications | reminders | minutes in alert | longest | changes/day | data |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows(result):
        lines.append(
            f"| {row['service']} | `{row['alert']}` | {row['backend']} | {row['route']} | {row['notifications']} | {row['reminders']} | "
            f"{row['minutes_in_alert']} | {row['longest_minutes']} | {row['changes_per_day']} | {_data_words(row)} |"
        )
    skipped = not_tested(result)
    if skipped:
        lines += ["", "Not back-tested:", ""]
        lines += [f"- {a.service} · `{a.alert}` · {a.backend}: {a.reads.refused}" for a in skipped]
    lines += [f"\nNote: {n}" for n in result.notes]
    return "\n".join(lines) + "\n"
