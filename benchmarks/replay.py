"""Replay benchmark: the standard replay of one service against the plan's own time, and the evaluators over days
of 1-minute data.

    python benchmarks/replay.py [--stack prod] [--catalog DIR] [--service NAME] [--days 3] [--runs 3]

Plans the stack offline twice (the default catalog unless --catalog): the first plan imports the providers' SDKs,
the second is the plan's own time. Then times the standard replay of one service (vigil replay --standard
--service: every breach, healthy run, outage and SLO burn; best of --runs), which should take well under the plan's
own time. Last, builds healthy vendor data for every metric, query, log search and URL the plan's alerts read
(CompiledPlan.reads()), one point a minute for --days, and times compile_plan and CompiledPlan.run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vigil.planning import plan_stack  # noqa: E402
from vigil.replay import DatadogKind, Probe, Sample, VendorData, compile_plan  # noqa: E402
from vigil.replay.evaluate import Reads  # noqa: E402
from vigil.replay.stack import load_stack  # noqa: E402
from vigil.replay.standard import standard  # noqa: E402


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
    parser.add_argument("--service", help="the service whose standard replay is timed (default: the first)")
    parser.add_argument("--days", type=float, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    plan_stack(ROOT, args.stack, args.catalog)
    first = time.perf_counter() - started
    started = time.perf_counter()
    plan = plan_stack(ROOT, args.stack, args.catalog)
    planned = time.perf_counter() - started

    stack = load_stack(ROOT, args.stack, args.catalog, plan=plan)
    name = args.service or sorted(stack.services)[0]
    started = time.perf_counter()
    replay = stack.service(name)
    prepared = time.perf_counter() - started
    best, checks = float("inf"), 0
    for _ in range(args.runs):
        started = time.perf_counter()
        checks = len(standard(replay).checks)
        best = min(best, time.perf_counter() - started)

    started = time.perf_counter()
    compiled = compile_plan(plan)
    compiled_in = time.perf_counter() - started
    minutes = int(args.days * 24 * 60)
    data = healthy(compiled.reads(), minutes)
    run = float("inf")
    for _ in range(args.runs):
        started = time.perf_counter()
        compiled.run(data)
        run = min(run, time.perf_counter() - started)
    print(f"stack {args.stack}: plan {first:.2f} s the first time in this process (SDK imports), {planned:.2f} s again: the plan's own time")
    print(f"standard replay of {name}: {checks} checks in {best:.2f} s (best of {args.runs}), after {prepared * 1000:.0f} ms preparing "
          f"(alert ids from the program's walks, compile): {best / planned:.0%} of the plan's own time")
    print(f"every alert resource of the stack ({len(compiled.alerts)}) over {minutes} minutes of steady data: compile_plan "
          f"{compiled_in * 1000:.1f} ms, run {run:.3f} s (best of {args.runs})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
