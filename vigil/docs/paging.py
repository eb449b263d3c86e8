"""'How fast it pages' on each service page: per SLO tier and constant burn, when the deployed alerts fire on each
backend and when someone is told (the standard replay, vigil/replay/standard.py), and a chart of when every alert of
the service fires and tells someone (docs/services/<service>-paging.svg): in a total outage and a 6× burn of its
SLOs; for a service those leave quiet (no SLO, no health check: a queue worker), with every alert past its threshold;
no chart when nothing would show.

The chart is an SVG drawn with matplotlib and kept byte-stable: no dates, a fixed hash salt for its ids, text as
text (no glyph outlines): the same catalog and code give the same file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from spec import Duration

from ..replay.alerts import BACKENDS, AlertPart
from ..replay.expect import clock
from ..replay.report import BORDERLINE
from ..replay.stack import ServiceReplay
from ..replay.standard import BURNS, Incident, TierReport, breached, burn_label, incident, slo_checks
from ..replay.timeline import ALARM, DD_ALERT, DD_NO_DATA, DD_WARN, Timeline
from .model import DocsInput, StackDocs
from .words import code, table

CHART_STACK = "prod"  # the stack the chart shows, when there is one (else the last stack)
ALERTING = (ALARM, DD_ALERT, DD_WARN, DD_NO_DATA)
BACKEND_WORDS = {"datadog": "Datadog", "aws": "CloudWatch"}
OUTAGE_MINUTES, OUTAGE_AFTER = 60, 60
BURN, BURN_HOURS, BURN_AFTER_HOURS = 6.0, 13, 3
BREACH_AFTER = 30


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
    chart_shows: tuple[str, ...] = ()  # what each panel of the chart replays, in words


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
    drawn = _chart(name, replays[chart_stack], chart_stack)
    if drawn is None:
        return Paging(tables, None, None)
    chart, shows = drawn
    return Paging(tables, chart, chart_stack, shows)


def _cells(tier: TierReport) -> str:
    return "|".join(_cell(tier, burn_label(b)) for b in BURNS)


def _cell(tier: TierReport, label: str) -> str:
    """When the tier reached its alert state under the burn, and when someone was told through it, in plain words."""
    timing = tier.timings.get(label)
    if timing is not None and timing.expectation == "either":
        return BORDERLINE
    if timing is None or timing.fired is None:
        return "quiet"
    fired = clock(timing.fired)
    if timing.notified is None:
        return f"{fired} (already told)"
    return fired if timing.notified <= timing.fired else f"{fired}, told {clock(timing.notified)}"


TIER_BY_BUDGET = re.compile(r"^(?P<tier>\S+): error budget > (?P<spent>[0-9.]+)% of (?P<window>\S+) (?P<severity>\w+)$")


def tier_words(tier: TierReport) -> str:
    """A tier as it alerts, in words: "pages when the last 1h and the last 20m both burn 14.4× too fast"."""
    by_budget = TIER_BY_BUDGET.match(tier.label)
    verb = "pages" if tier.severity == "page" else "opens a ticket"
    if by_budget:
        return f"{verb} once {by_budget['spent']}% of the {by_budget['window']} error budget is spent ({by_budget['tier']} tier)"
    return f"{verb} when the last {tier.tier} and the last {tier.short} both burn {tier.threshold:g}× too fast"


BURN_WORDS = {"total": "total outage", "lb": "load balancer failing"}


def section(paging: Paging, name: str) -> list[str]:
    lines = ["## How fast it pages", ""]
    intro = [
        "Each SLO alert replayed through the deployed alerts with each vendor's evaluation rules (`vigil replay --standard`, "
        "[docs/replay.md](../replay.md)) while errors come at a steady pace: the time from the start of the problem to the "
        "alert firing, on each backend, and when someone is told if that is later. A column's *N×* is how many times "
        "faster than the SLO allows the error budget is spent (1×: the whole budget over the SLO's window, exactly; 14.4×: "
        "2% of a 30-day budget in an hour); *total outage*: every request fails; *load balancer failing*: the load "
        "balancer answers the errors itself. *quiet*: it does not fire, as it must not when errors come slower than it "
        "watches for; *borderline*: errors come exactly as fast as it watches for, so it may fire or not; *already told*: "
        "it fires but tells nobody itself, as someone was already told of the same problem — by the SLO's other alert of "
        "that severity, or, for a ticket, by its page.",
        "",
    ]
    lines += intro if paging.tables else ["This service has no SLO whose burns the replay can drive.", ""]
    for stacks, slo, tiers, known in paging.tables:
        heads = [BURN_WORDS.get(str(b), burn_label(b)) for b in BURNS]
        rows = [[tier_words(t), BACKEND_WORDS[t.backend], *[_cell(t, burn_label(b)) for b in BURNS]] for t in tiers]
        lines += [f"SLO **{slo}**, stack{'s' if len(stacks) > 1 else ''} {', '.join(code(s) for s in stacks)}:", ""]
        lines += [*table(["alert", "backend", *heads], rows), ""]
        lines += [*(f"- Known: {issue}." for issue in known), ""] if known else []
    if paging.chart is not None:
        lines += [
            f"When each alert of the service fires and tells someone (stack {code(str(paging.chart_stack))}): "
            f"{'; and '.join(paging.chart_shows)}. Bars: in alert; dots: someone told, red a page, orange a ticket.",
            "",
            f"![How fast {name} pages]({name}-paging.svg)",
            "",
        ]
    elif not paging.tables:
        lines += ["No chart: nothing of this service fires in a replay (it has no alert the replay can drive).", ""]
    return lines


# ---- the chart ----------------------------------------------------------------------------------------------------


def _rows(replay: ServiceReplay, happened: Incident, timelines: dict[str, Timeline]) -> tuple[Row, ...]:
    """One row per alert and backend (an SLO: per tier), when it was in alert and when someone was told. An SLO's tiers
    tell through the composite over their severity: its notifications show on each tier of that severity then in alert."""
    index = replay.index
    out: list[Row] = []
    ids = sorted({p.alert for p in index.parts}, key=lambda a: (a.startswith("slo."), a.startswith("health."), a))
    end = len(next(iter(happened.series.values()))) * 60

    def told_by(parts: list[AlertPart]) -> list[tuple[int, str]]:
        return [(n.at - happened.begin, part.routes.get(n.level, part.severity)) for part in parts for n in timelines[part.resource].notifications
                if n.level in ("alert", "warning", "no_data") and not n.renotify and n.at >= happened.begin]  # fmt: skip

    for alert in ids:
        for backend in BACKENDS:
            parts = index.select(alert, backend)
            tiers: list[Optional[str]] = [*sorted({p.tier for p in parts if p.tier is not None}, key=lambda t: Duration.parse(t).ms)]
            composites = [p for p in parts if p.tier is None] if tiers else []
            for tier in tiers or [None]:  # an SLO's tiers each on a row
                own = [p for p in parts if p.tier == tier]
                spans = [span for part in own for span in _spans(timelines[part.resource], happened.begin, end)]
                told = told_by(own)
                severity = own[0].severity if own else None
                told += [(at, route) for at, route in told_by([c for c in composites if c.severity == severity]) if any(lo <= at <= hi for lo, hi in spans)]
                if spans or told:
                    label = f"{alert}{f' {tier} tier' if tier else ''} · {BACKEND_WORDS[backend]}"
                    out.append(Row(label, tuple(sorted(spans)), tuple(sorted(set(told), key=lambda t: (t[1] == "page", t[0])))))
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


def _panel(replay: ServiceReplay, happened: Incident, after: int, unit: int) -> Panel:
    """The service through one incident, shown until `after` minutes past its end."""
    timelines = replay.run(happened.series, 60, start=happened.begin - 10 * 60)
    rows = _rows(replay, happened, timelines)
    length = happened.end - happened.begin
    return Panel(happened.words, rows, length, length + after * 60, unit)


def _chart(name: str, replay: ServiceReplay, stack: Optional[str]) -> Optional[tuple[str, tuple[str, ...]]]:
    """The chart and what its panels replay: a total outage and (with SLOs) a 6× burn, each when it shows anything;
    else every alert past its threshold; None when nothing would show (never an empty chart)."""
    panels = [_panel(replay, incident(replay, "total", OUTAGE_MINUTES, OUTAGE_AFTER), OUTAGE_AFTER, 60)]
    if replay.service.slos:
        panels.append(_panel(replay, incident(replay, BURN, BURN_HOURS * 60, BURN_AFTER_HOURS * 60), BURN_AFTER_HOURS * 60, 3600))
    panels = [p for p in panels if p.rows]
    if not panels:
        panels = [p for p in [_panel(replay, breached(replay, BREACH_AFTER), BREACH_AFTER, 60)] if p.rows]
    if not panels:
        return None
    return draw(f"{name} (stack {stack}): when each alert fires", panels), tuple(p.title for p in panels)


def draw(title: str, panels: Sequence[Panel]) -> str:
    """The panels as one SVG, the same bytes for the same input."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    colours = {"page": "#c0392b", "ticket": "#e67e22"}
    heights = [max(len(p.rows), 1) for p in panels]
    with matplotlib.rc_context({"svg.hashsalt": "vigil-paging", "svg.fonttype": "none", "font.size": 8, "font.family": "DejaVu Sans"}):
        figure = Figure(figsize=(9, 0.28 * sum(heights) + 1.6 * len(panels)), layout="constrained")
        axes = figure.subplots(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0]
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
