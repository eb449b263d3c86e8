"""Replay benchmark: how long the evaluators take over a plan's alerts, for days of 1-minute data.

    python benchmarks/replay.py [--stack prod] [--catalog DIR] [--days 3] [--runs 3]

Plans the stack offline (the default catalog unless --catalog), then builds healthy vendor data for every
metric, query, log search and URL the plan's alerts read (CompiledPlan.reads()), one point a minute, and times
compile_plan and CompiledPlan.run (best of --runs). The goal: a standard replay of one service (about 50 alert
resources, 3 days at 1-minute steps for the slow burn tiers) well under a second or two.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vigil.replay import DatadogKind, Probe, Sample, VendorData, compile_plan  # noqa: E402
from vigil.replay.evaluate import Reads  # noqa: E402
from vigil.testkit import stack_plan  # noqa: E402


def healthy(reads: Reads, minutes: int) -> VendorData:
    """Every series the alerts read, steady: counts of 1200, gauges of 10, latencies of 0.1 s, probes up."""
    data = VendorData(step=60, length=minutes)
    latency = Sample.values([(0.1, 1150), (0.3, 50)])
    for metric in reads.cloudwatch:
        data.add_cloudwatch(metric.namespace, metric.name, dict(metric.dimensions), [latency] * minutes)
    seen: set[tuple[str, frozenset[str]]] = set()
    for query in sorted(reads.datadog, key=lambda q: q.text):
        if (query.metric, query.scope) in seen:
            continue
        seen.add((query.metric, query.scope))
        kind: DatadogKind = "count" if query.modifier else "distribution" if query.percentile is not None else "gauge"
        point = Sample.events(1200) if kind == "count" else latency if kind == "distribution" else Sample.value(10.0)
        data.add_datadog(query.metric, query.scope, kind, [point] * minutes)
    for tags in reads.logs:
        data.add_logs(tags, [0] * minutes)
    for url in reads.urls:
        data.add_probes(url, [Probe.up()] * minutes)
    return data


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--catalog", type=Path)
    parser.add_argument("--days", type=float, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    plan = stack_plan(args.stack, catalog=args.catalog, project=ROOT)
    planned = time.perf_counter() - started
    started = time.perf_counter()
    compiled = compile_plan(plan)
    compiled_in = time.perf_counter() - started
    minutes = int(args.days * 24 * 60)
    data = healthy(compiled.reads(), minutes)
    best = float("inf")
    for _ in range(args.runs):
        started = time.perf_counter()
        compiled.run(data)
        best = min(best, time.perf_counter() - started)
    print(f"stack {args.stack}: {len(compiled.alerts)} alert resources, {minutes} minutes of data")
    print(f"plan (offline engine, first in this process): {planned:.2f} s")
    print(f"compile_plan: {compiled_in * 1000:.1f} ms")
    print(f"run (best of {args.runs}): {best:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
