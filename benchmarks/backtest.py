"""Back-test benchmark (issue 18 item 9): 30 days of one-minute data for every alert of the default catalog's prod
stack, from recorded files, in CPU seconds and peak memory.

    python benchmarks/backtest.py [--stack prod] [--days 30]

It writes, into a temporary folder, a response in each vendor's format for every request `vigil backtest --queries`
lists (one-minute points of steady traffic with a daily CPU peak, so alerts change state), then times
`vigil.backtest.backtest(..., Files(folder))` — reading, turning responses into vendor data, replaying — after the
stack is planned (the plan's own cost, mostly the providers' SDKs, is printed apart). Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.backtest.vendor_files import write_responses
from vigil.backtest import Files, backtest, latest, needed, plan_alerts
from vigil.backtest.requests import window_ending
from vigil.project import find_project
from vigil.replay.stack import load_stack


def values(kind: str, what: str, stamps: Sequence[int]) -> list[Optional[float]]:
    """Steady traffic and latency, no errors, a CPU peak every day at 03:00 UTC."""
    if "hits" in what or "RequestCount" in what or "SampleCount" in what:
        return [1200.0] * len(stamps)
    if "error" in what.lower() or "5XX" in what or "5xx" in what or "4xx" in what or "4XX" in what:
        return [0.0] * len(stamps)
    if "CPU" in what or "cpu.usage" in what:
        return [95.0 if (t // 3600) % 24 == 3 else 35.0 for t in stamps]
    if "limit" in what:
        return [100.0] * len(stamps)
    if "TC(" in what:
        return [3.0] * len(stamps)
    if what.startswith("p") or " p" in what:
        return [0.12] * len(stamps)
    return [20.0] * len(stamps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    started = time.process_time()
    stack = load_stack(find_project(), args.stack)
    for name in stack.services:
        stack.service(name)
    planned = time.process_time() - started
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    now = int(time.time())
    found = [r.document() for r in needed(plan_alerts(stack), window_ending(now, args.days))]
    with tempfile.TemporaryDirectory() as folder:
        write_responses(found, Path(folder), values)
        size = sum(p.stat().st_size for p in Path(folder).iterdir()) / 2**20
        cpu, wall = time.process_time(), time.perf_counter()
        result = backtest(stack, args.days, Files(Path(folder)), end=latest)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tested = [a for a in result.alerts if a.tested]
    print(f"stack {args.stack}: {len(result.alerts)} alerts ({len(tested)} back-tested), {len(found)} recorded responses, {size:.1f} MiB")
    print(f"plan and replay setup: {planned:.2f} s CPU, peak RSS after it {base:.0f} MiB")
    print(f"back-test of {args.days} days from files: {cpu:.2f} s CPU ({wall:.2f} s wall), peak RSS {peak:.0f} MiB (+{peak - base:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
