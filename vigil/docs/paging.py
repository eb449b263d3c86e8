"""'How fast it pages' on each service page: per SLO tier and constant burn, when the deployed alerts fire on each
backend (the standard replay, vigil/replay/standard.py), and a chart of a total outage and a 6× burn showing when
every alert of the service fires (docs/services/<service>-paging.svg).

The chart is an SVG drawn with matplotlib and kept byte-stable: no dates, a fixed hash salt for its ids, text as
text (no glyph outlines): the same catalog and code give the same file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from spec import Duration

from ..replay.alerts import BACKENDS
from ..replay.expect import clock
from ..replay.stack import ServiceReplay
from ..replay.standard import BURNS, Incident, TierReport, burn_label, incident, slo_checks
from ..replay.timeline import ALARM, DD_ALERT, DD_NO_DATA, DD_WARN, Timeline
from .model import DocsInput, StackDocs
from .words import DASH, code, table

CHART_STACK = "prod"  # the stack the chart shows, when there is one (else the last stack)
ALERTING = (ALARM, DD_ALERT, DD_WARN, DD_NO_DATA)
BACKEND_WORDS = {"datadog": "Datadog", "aws": "CloudWatch"}
OUTAGE_MINUTES, OUTAGE_AFTER = 60, 60
BURN, BURN_HOURS, BURN_AFTER_HOURS = 6.0, 13, 3


@dataclass(frozen=True)
class Row:
    """One alert on one backend in a chart: when it was in an alerting state, and when it told someone."""

    label: str
    spans: tuple[tuple[int, int], ...]  # seconds from the problem's start
    told: tuple[tuple[int, str], ...]  # (seconds from the problem's start, route)


@dataclass(frozen=True)
class Panel:
    title: str
    rows: tuple[Row, ...]
    length: int  # seconds of problem
    shown: int  # seconds shown after the problem starts
    unit: int  # seconds per tick unit (60: minutes, 3600: hours)


@dataclass(frozen=True)
class Paging:
    """What a service page shows: tier tables per stack group, and the chart (None when the service has no alert)."""

    tables: tuple[tuple[tuple[str, ...], str, tuple[TierReport, ...], tuple[str, ...]], ...]  # (stacks, slo, tiers, known issues)
    chart: Optional[str]
    chart_stack: Optional[str]


def _replay(inp: DocsInput, stack: StackDocs, name: str) -> Optional[ServiceReplay]:
    service = inp.service(name, stack.environment)
    if service is None or stack.deployment is None or not any(stack.plan.service_of(r) == name for r in stack.plan.resources):
        return None
    return ServiceReplay(service, stack.deployment, stack.plan)


def how_fast(inp: DocsInput, name: str) -> Paging:
    Key = tuple[str, tuple[tuple[str, str, str], ...], tuple[str, ...]]
    groups: dict[Key, list[str]] = {}
    tiers: dict[Key, tuple[TierReport, ...]] = {}
    replays: dict[str, ServiceReplay] = {}
    for stack in inp.stacks:
        replay = _replay(inp, stack, name)
        if replay is None:
            continue
        replays[stack.stack] = replay
        checks, reports, _, _ = slo_checks(replay)
        for slo in sorted({t.slo for t in reports}):
            found = tuple(t for t in reports if t.slo == slo)
            known = tuple(sorted({str(c.xfail) for c in checks if c.xfail and c.alert.startswith(f"slo.{slo}")}))
            key = (slo, tuple((t.label, t.backend, _cells(t)) for t in found), known)
            groups.setdefault(key, []).append(stack.stack)
            tiers[key] = found
    tables = tuple((tuple(stacks), key[0], tiers[key], key[2]) for key, stacks in groups.items())
    chart_stack = CHART_STACK if CHART_STACK in replays else (list(replays)[-1] if replays else None)
    if chart_stack is None or not replays[chart_stack].index.parts:
        return Paging(tables, None, None)
    return Paging(tables, _chart(name, replays[chart_stack], chart_stack), chart_stack)


def _cells(tier: TierReport) -> str:
    return "|".join(_cell(tier, burn_label(b)) for b in BURNS)


def _cell(tier: TierReport, label: str) -> str:
    timing = tier.timings.get(label)
    if timing is not None and timing.expectation == "either":
        return "at its rate"
    if timing is None or timing.fired is None:
        return DASH
    return clock(timing.fired) + ("*" if timing.notified is None else "")


def section(paging: Paging, name: str) -> list[str]:
    lines = [
        "## How fast it pages",
        "",
        "The SLOs' burn-rate tiers under a constant burn of the error budget, replayed through the deployed alerts with "
        "each vendor's evaluation rules (`vigil replay --standard`, [docs/replay.md](../replay.md)): the time from the "
        "start of the burn to the tier's alert state, on each backend. `—`: it stays quiet, as it must below its burn "
        "rate; *at its rate*: a burn at exactly the tier's rate may go either way. `*`: in its alert state but telling "
        "nobody — another tier has already told: the composite over the severity's tiers (a composite alarm on CloudWatch, "
        "a composite monitor on Datadog) was already in alert.",
        "",
    ]
    if not paging.tables:
        lines += ["This service has no SLO whose burns the replay can drive.", ""]
    for stacks, slo, tiers, known in paging.tables:
        heads = [f"{burn_label(b)}" if b != "total" else "total outage" for b in BURNS]
        rows = [[t.label, BACKEND_WORDS[t.backend], *[_cell(t, burn_label(b)) for b in BURNS]] for t in tiers]
        lines += [f"SLO **{slo}**, stack{'s' if len(stacks) > 1 else ''} {', '.join(code(s) for s in stacks)}:", ""]
        lines += [*table(["tier (long/short, burn rate, severity)", "backend", *heads], rows), ""]
        lines += [*(f"- Known: {issue}." for issue in known), ""] if known else []
    if paging.chart is not None:
        lines += [
            f"When every alert of the service fires in a total outage and in a 6× burn of every SLO (stack {code(str(paging.chart_stack))}; "
            "bars: in alert; dots: someone told, red a page, orange a ticket):",
            "",
            f"![How fast {name} pages: a total outage and a 6× burn]({name}-paging.svg)",
            "",
        ]
    return lines


# ---- the chart ----------------------------------------------------------------------------------------------------


def _rows(replay: ServiceReplay, happened: Incident, timelines: dict[str, Timeline]) -> tuple[Row, ...]:
    index = replay.index
    out: list[Row] = []
    ids = sorted({p.alert for p in index.parts}, key=lambda a: (a.startswith("slo."), a.startswith("health."), a))
    end = len(next(iter(happened.series.values()))) * 60
    for alert in ids:
        for backend in BACKENDS:
            parts = index.select(alert, backend)
            tiers: list[Optional[str]] = [*sorted({p.tier for p in parts if p.tier is not None}, key=lambda t: Duration.parse(t).ms)]
            for tier in tiers or [None]:  # an SLO's tiers each on a row
                spans: list[tuple[int, int]] = []
                told: list[tuple[int, str]] = []
                for part in (p for p in parts if p.tier == tier):
                    timeline = timelines[part.resource]
                    spans += _spans(timeline, happened.begin, end)
                    told += [(n.at - happened.begin, part.routes.get(n.level, part.severity)) for n in timeline.notifications
                             if n.level in ("alert", "warning", "no_data") and not n.renotify and n.at >= happened.begin]  # fmt: skip
                if spans or told:
                    label = f"{alert}{f' {tier} tier' if tier else ''} · {BACKEND_WORDS[backend]}"
                    out.append(Row(label, tuple(sorted(spans)), tuple(sorted(told, key=lambda t: (t[1] == "page", t[0])))))
    return tuple(out)


def _spans(timeline: Timeline, begin: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    since: Optional[int] = begin if timeline.state_at(begin) in ALERTING else None
    for at, state in timeline.changes:
        if at < begin:
            continue
        if state in ALERTING and since is None:
            since = at
        elif state not in ALERTING and since is not None:
            out.append((since - begin, at - begin))
            since = None
    if since is not None:
        out.append((since - begin, end - begin))
    return out


def _panel(replay: ServiceReplay, burn: float | str, minutes: int, after: int, unit: int) -> Panel:
    happened = incident(replay, burn, minutes, after)
    timelines = replay.run(happened.series, 60, start=happened.begin - 10 * 60)
    rows = _rows(replay, happened, timelines)
    return Panel(happened.words, rows, minutes * 60, (minutes + after) * 60, unit)


def _chart(name: str, replay: ServiceReplay, stack: Optional[str]) -> str:
    panels = [
        _panel(replay, "total", OUTAGE_MINUTES, OUTAGE_AFTER, 60),
        _panel(replay, BURN, BURN_HOURS * 60, BURN_AFTER_HOURS * 60, 3600),
    ]
    return draw(f"{name} (stack {stack}): when each alert fires", panels)


def draw(title: str, panels: Sequence[Panel]) -> str:
    """The panels as one SVG, the same bytes for the same input."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    colours = {"page": "#c0392b", "ticket": "#e67e22"}
    heights = [max(len(p.rows), 1) for p in panels]
    with matplotlib.rc_context({"svg.hashsalt": "vigil-paging", "svg.fonttype": "none", "font.size": 8, "font.family": "DejaVu Sans"}):
        figure = Figure(figsize=(9, 0.28 * sum(heights) + 1.6 * len(panels)), layout="constrained")
        axes = figure.subplots(len(panels), 1, height_ratios=heights)
        for ax, panel in zip(axes, panels, strict=True):
            scale = panel.unit
            for y, row in enumerate(reversed(panel.rows)):
                for lo, hi in row.spans:
                    ax.broken_barh([(lo / scale, max(hi - lo, 60) / scale)], (y - 0.3, 0.6), facecolors="#7f8c8d", alpha=0.35)
                for at, route in row.told:
                    ax.plot([at / scale], [y], "o", color=colours.get(route, "#34495e"), markersize=4)
            ax.axvspan(0, panel.length / scale, color="#f5b7b1", alpha=0.25, linewidth=0)
            ax.set_yticks(range(len(panel.rows)), [r.label for r in reversed(panel.rows)])
            ax.set_ylim(-0.7, max(len(panel.rows), 1) - 0.3)
            ax.set_xlim(-0.05 * panel.shown / scale, panel.shown / scale)
            ax.set_xlabel("minutes from the start" if scale == 60 else "hours from the start")
            ax.set_title(panel.title, loc="left", fontsize=8)
            ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        figure.suptitle(title, fontsize=9)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()
