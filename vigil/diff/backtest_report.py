"""`vigil diff --backtest` in words: text, Markdown (the pull-request comment) and JSON, after each stack's diff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Optional

from .backtest import Compared, Side, StackBacktest

LEVELS = {"page": "critical", "ticket": "warning"}


def _when(seconds: Optional[int]) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if seconds is not None else "?"


def span(days: int) -> str:
    """`the last 14 days`, `the last day`."""
    return "the last day" if days == 1 else f"the last {days} days"


def _count(side: Side) -> str:
    if side.row is not None:
        return str(side.row["notifications"])
    return "?" if side.reason else "—"


def _minutes(side: Side) -> str:
    return f"{side.row['minutes_in_alert']:g}" if side.row is not None else _count(side)


def _remarks(alert: Compared) -> list[str]:
    said: list[str] = []
    for side, name in ((alert.base, "base"), (alert.head, "head")):
        if side.row is None and side.reason:
            said.append(f"{name} not back-tested: {side.reason}")
        elif side.row is None:
            said.append("new at this level" if name == "base" else "gone at this level")
        elif side.row["approximate"] and "approximate" not in said:
            said.append("approximate")
        if side.row is not None and side.row["missing_series"]:
            said.append(f"{name}: NOT counted as quiet, no data for {', '.join(side.row['missing_series'])}")
    return said


def line(alert: Compared, days: int) -> str:
    """`api · error_rate · page: 14 → 3 notifications over the last 14 days (aws; 420 → 35 min in alert)`: base → head."""
    if alert.route is None:
        reason = alert.head.reason or alert.base.reason
        return f"{alert.service} · {alert.alert} ({alert.backend}): not back-tested: {reason}"
    told = f"{_count(alert.base)} → {_count(alert.head)} notifications over {span(days)}"
    extra = "; ".join([f"{_minutes(alert.base)} → {_minutes(alert.head)} min in alert", *_remarks(alert)])
    return f"{alert.service} · {alert.alert} · {alert.route}: {told} ({alert.backend}; {extra})"


def _title(result: StackBacktest, labels: tuple[str, str]) -> str:
    return f"Back-test of the alerts this change touches, {labels[0]} → {labels[1]}: {span(result.days)}, to {_when(result.end)}"


def backtest_text(result: StackBacktest, labels: tuple[str, str]) -> str:
    if result.failed:
        return f"\n== Back-test failed: {result.failed}\n"
    if result.skipped:
        return f"\n== Back-test skipped: {result.skipped}\n"
    lines = ["", f"== {_title(result, labels)}"]
    lines += [f"  {line(a, result.days)}" for a in result.alerts] or ["  (no alert it touches could be back-tested)"]
    lines += [f"  note: {n}" for n in result.notes]
    return "\n".join(lines) + "\n"


def backtest_markdown(result: StackBacktest, labels: tuple[str, str], max_length: Optional[int] = None) -> str:
    """The table for a pull-request comment, at most `max_length` characters (rows left out are counted)."""
    if result.failed:
        return f"\n#### Back-test failed\n\n{result.failed}\n"
    if result.skipped:
        return f"\n#### Back-test skipped\n\n{result.skipped}\n"
    head = [
        "",
        f"#### {_title(result, (f'`{labels[0]}`', f'`{labels[1]}`'))}",
        "",
        "| service | alert | backend | route | notifications | minutes in alert | |",
        "| --- | --- | --- | --- | ---: | ---: | --- |",
    ]
    rows: list[str] = []
    skipped: list[str] = []
    for alert in result.alerts:
        if alert.route is None:
            skipped.append(f"- {alert.service} · `{alert.alert}` · {alert.backend}: {alert.head.reason or alert.base.reason}")
            continue
        remarks = "; ".join(_remarks(alert)).replace("|", "\\|")
        rows.append(
            f"| {alert.service} | `{alert.alert}` | {alert.backend} | {alert.route} | {_count(alert.base)} → {_count(alert.head)} | "
            f"{_minutes(alert.base)} → {_minutes(alert.head)} | {remarks} |"
        )
    tail = (["", "Not back-tested:", "", *skipped] if skipped else []) + [f"\nNote: {n}" for n in result.notes]
    budget = (max_length or 10**12) - sum(len(x) + 1 for x in [*head, *tail]) - 80
    kept: list[str] = []
    for row in rows:
        if budget - len(row) - 1 < 0:
            kept.append(f"\n… and {len(rows) - len(kept)} more alerts (run `vigil diff --backtest` locally for all)")
            break
        kept.append(row)
        budget -= len(row) + 1
    if not rows:
        kept = ["| | | | | | | (no alert it touches could be back-tested) |"]
    return "\n".join([*head, *kept, *tail]) + "\n"


def _side(side: Side) -> Optional[dict[str, Any]]:
    return dict(side.row) if side.row is not None else None


def backtest_json(result: StackBacktest) -> dict[str, Any]:
    return {
        "days": result.days,
        "from": result.start,
        "to": result.end,
        "skipped": result.skipped,
        "failed": result.failed,
        "alerts": [
            {
                "service": a.service, "alert": a.alert, "backend": a.backend, "route": a.route,
                "level": LEVELS.get(a.route) if a.route else None,
                "base": _side(a.base), "head": _side(a.head), "base_reason": a.base.reason, "head_reason": a.head.reason,
            }
            for a in result.alerts
        ],
        "notes": list(result.notes),
    }
