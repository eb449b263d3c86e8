"""A chart per back-tested alert (`vigil backtest --charts DIR`): the series it reads over the window, its threshold
where it compares one series with one, the minutes it spent in alert (shaded) and each notification (a mark per
route: page red, ticket orange). SVG via matplotlib, byte-stable like the paging charts of `vigil docs` (no dates in
the file, a fixed hash salt, text as text).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Optional

from ..engine import Plan
from .reads import CloudWatchSeries, DatadogKey
from .run import AlertResult, Backtest

COLOURS = {"page": "#c0392b", "ticket": "#e67e22"}
SHOWN = 3  # series per chart at most


def _thresholds(plan: Plan, result: AlertResult) -> list[tuple[str, float]]:
    """(route, threshold) of each resource that notifies, when the alert compares a single series with it."""
    if len(result.reads.cloudwatch) + len(result.reads.datadog) != 1:
        return []
    names = {p.resource: p for p in result.reads.parts}
    out: list[tuple[str, float]] = []
    for resource in plan.resources:
        part = names.get(resource.name)
        if part is None:
            continue
        levels = resource.inputs.get("monitorThresholds")
        if isinstance(levels, dict):
            for level, route in (("critical", part.routes.get("alert")), ("warning", part.routes.get("warning"))):
                if route and levels.get(level) is not None:
                    out.append((route, float(levels[level])))
        elif resource.inputs.get("threshold") is not None and not resource.inputs.get("metricQueries"):
            out.append((part.routes.get("alert") or "page", float(resource.inputs["threshold"])))
    return sorted(set(out))


def chart(result: Backtest, alert: AlertResult, plan: Plan) -> Optional[str]:
    """The SVG of one back-tested alert, or None when it was not back-tested."""
    if not alert.tested:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    window = result.window
    found: list[CloudWatchSeries | DatadogKey] = [*sorted(alert.reads.cloudwatch), *sorted(alert.reads.datadog)]
    series = found[:SHOWN]
    thresholds = _thresholds(plan, alert)
    with matplotlib.rc_context({"svg.hashsalt": "vigil-backtest", "svg.fonttype": "none", "font.size": 8, "font.family": "DejaVu Sans"}):
        figure = Figure(figsize=(9, 1.6 * max(len(series), 1) + 0.8), layout="constrained")
        axes = figure.subplots(max(len(series), 1), 1, squeeze=False)[:, 0]
        for ax, one in zip(axes, series, strict=False):
            received = result.received[one]
            for labels, points in sorted(received.points.items(), key=lambda item: item[0]):
                inside = (points.stamps >= window.start) & (points.stamps < window.end)
                days = ((points.stamps[inside] - window.start) / 86400).tolist()
                ax.plot(days, points.values[inside].tolist(), linewidth=0.6, label=" ".join(x for x in labels if x) or None)
            for route, value in thresholds:
                ax.axhline(value, color=COLOURS.get(route, "#34495e"), linestyle="--", linewidth=0.8)
            for level in alert.levels:
                for start, end in level.episodes:
                    ax.axvspan((start - window.start) / 86400, (end - window.start) / 86400, color=COLOURS.get(level.route, "#7f8c8d"), alpha=0.15, linewidth=0)
                for at in level.notifications:
                    ax.axvline((at - window.start) / 86400, color=COLOURS.get(level.route, "#34495e"), linewidth=0.8)
            ax.set_xlim(0, window.days)
            ax.set_title(one.label, loc="left", fontsize=8)
            ax.grid(color="#dddddd", linewidth=0.5)
            if any(labels[0] for labels in received.points):
                ax.legend(fontsize=6, loc="upper right")
        axes[-1].set_xlabel(f"days from the start of the back-test ({window.days:g} days)")
        told = ", ".join(f"{level.route}: {len(level.notifications)}" for level in alert.levels)
        figure.suptitle(f"{alert.service} · {alert.alert} · {alert.backend} ({told} notifications)", fontsize=9)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def file_name(alert: AlertResult) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{alert.service}-{alert.alert}-{alert.backend}") + ".svg"


def write_charts(result: Backtest, folder: Path, plan: Plan) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for alert in result.alerts:
        svg = chart(result, alert, plan)
        if svg is not None:
            path = folder / file_name(alert)
            path.write_text(svg, encoding="utf-8")
            written.append(path)
    return written
