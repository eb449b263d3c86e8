"""`vigil replay` output: text for people (one line per expectation and backend; a failure is one line: scenario,
alert, backend, expected, got) and JSON for tools."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from .expect import Outcome, clock
from .stack import ScenarioResult
from .standard import BURNS, Check, StandardReport, TierReport, TierTiming, burn_label

DASH = "—"


def scenarios_text(results: Sequence[ScenarioResult]) -> str:
    lines: list[str] = []
    for result in results:
        scenario = result.scenario
        lines.append(f"{scenario.name}: {scenario.service} on stack {result.stack}")
        for window in result.windows:
            spans = ", ".join(f"{clock(max(begin, 0))} to {clock(end)}" for begin, end in window.intervals)
            lines.append(f"  maintenance: {window.resource} ({window.backend}) mutes {len(window.targets)} alert resource(s) from {spans}")
        if result.unplaced:
            lines.append(f"  note: maintenance windows not applied ({', '.join(result.unplaced)}): the scenario gives no start (wall-clock time)")
        lines += [f"  assumed: {words}" for words in result.assumed]
        lines += [f"  {o.line()}" for o in result.outcomes]
    outcomes = [o for r in results for o in r.outcomes]
    failed = [o for o in outcomes if not o.passed]
    lines.append(f"{len(results)} scenario(s), {len(outcomes)} expectation(s) on their backends, {len(failed)} failed")
    return "\n".join(lines) + "\n"


def _outcome(o: Outcome) -> dict[str, Any]:
    return {
        "alert": o.alert,
        "backend": o.backend,
        "expected": o.expected,
        "got": o.got,
        "passed": o.passed,
        "first": o.first,
        "fired": [asdict(f) for f in o.firings],
    }


def scenarios_json(results: Sequence[ScenarioResult]) -> dict[str, Any]:
    return {
        "passed": all(r.passed for r in results),
        "scenarios": [
            {
                "scenario": r.scenario.name,
                "service": r.scenario.service,
                "stack": r.stack,
                "passed": r.passed,
                "outcomes": [_outcome(o) for o in r.outcomes],
                "maintenance": [
                    {"resource": w.resource, "backend": w.backend, "mutes": sorted(w.targets), "intervals": [list(i) for i in w.intervals]}
                    for w in r.windows
                ],
                "maintenance_not_applied": list(r.unplaced),
                "assumed": list(r.assumed),
            }
            for r in results
        ],
    }


BORDERLINE = "borderline"  # a burn at exactly the tier's threshold: it may fire or not (its times are noise)


def timing_words(timing: TierTiming) -> str:
    """`12h / 61m`: time to its alert state / to reset; `—` quiet; a trailing `*` when it told nobody (suppressed);
    `borderline` for a burn at exactly the tier's threshold, which may go either way."""
    if timing.expectation == "either":
        return BORDERLINE
    if timing.fired is None:
        return DASH
    told = "" if timing.notified is not None else "*"
    if timing.reset is None:
        reset = "still firing"
    else:
        reset = clock(timing.reset) if timing.reset >= 0 else "reset during the burn"
    return f"{clock(timing.fired)}{told} / {reset}"


def tier_table(tiers: Sequence[TierReport], total: float) -> list[str]:
    labels = [burn_label(b) for b in BURNS]
    heads = [f"{label} ({total:g}×)" if label == "total" else label for label in labels]
    rows = [["tier", "backend", *heads]]
    for tier in tiers:
        rows.append([tier.label, tier.backend, *[timing_words(tier.timings[label]) if label in tier.timings else DASH for label in labels]])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def standard_text(reports: Sequence[StandardReport]) -> str:
    lines: list[str] = []
    for report in reports:
        counts = report.counts()
        said = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        lines.append(f"{report.service} on stack {report.stack}: {len(report.checks)} standard checks: {said}")
        for group, title in (("threshold", "threshold alerts: a breach fires in time, a healthy run never"),
                             ("health", "health checks: an outage fires in time"),
                             ("slo", "SLO burns")):
            checks = [c for c in report.checks if c.group == group]
            if not checks:
                continue
            lines.append(f"  {title}")
            shown: list[Check] = [c for c in checks if group != "slo" or c.status != "ok"]
            lines += [f"    {c.line()}" for c in shown]
            if group == "slo" and not shown:
                lines.append("    every tier fired in time, reset in time, or stayed quiet as it must (below)")
        for slo in sorted({t.slo for t in report.tiers}):
            _, total = report.burns[slo]
            lines.append(f"  SLO {slo}: time to its alert state from the start of a constant burn / time to reset after it ends (* told nobody: suppressed)")
            lines += ["  " + line for line in tier_table([t for t in report.tiers if t.slo == slo], total)]
        lines += [f"  note: {note}" for note in report.notes]
    failed = sum(1 for r in reports for c in r.checks if not c.ok)
    lines.append(f"{len(reports)} service(s), {sum(len(r.checks) for r in reports)} checks, {failed} failed")
    return "\n".join(lines) + "\n"


def standard_json(reports: Sequence[StandardReport]) -> dict[str, Any]:
    return {
        "passed": all(r.ok for r in reports),
        "services": [
            {
                "service": r.service,
                "stack": r.stack,
                "passed": r.ok,
                "checks": [{"group": c.group, "scenario": c.scenario, "status": c.status, "known": c.xfail, **_outcome(c.outcome)} for c in r.checks],
                "tiers": [
                    {
                        "slo": t.slo,
                        "tier": t.tier,
                        "short": t.short,
                        "burn_rate": t.threshold,
                        "severity": t.severity,
                        "backend": t.backend,
                        "burns": {label: asdict(timing) for label, timing in t.timings.items()},
                    }
                    for t in r.tiers
                ],
                "notes": list(r.notes),
            }
            for r in reports
        ],
    }
