"""Back-test benchmark (issue 18 item 9): 30 days of one-minute data for every alert of the default catalog's prod
stack, from recorded files, in CPU seconds and peak memory.

    python benchmarks/backtest.py [--stack prod] [--days 30] [--constant]

It writes, into a temporary folder, a response in each vendor's format for every request `vigil backtest --queries`
lists, with series shaped like production's (seeded, so every run reads the same files): request counts following
a daily curve with noise, errors now and then (the load balancer's 5XX counts absent when zero, as it publishes
them), latencies spread around 120 ms, a CPU peak every day at 03:00 UTC so alerts change state. `--constant`
writes the flat series of the first version of this benchmark instead (steady values: flattering, since equal
minutes share their work). Then it measures:

- in this process, `vigil.backtest.backtest(..., Files(folder))` — reading, turning responses into vendor data,
  replaying — after the stack is planned (the plan's own cost, mostly imports, is printed apart): CPU seconds,
  and the peak RSS of the process with its growth during the back-test;
- end to end, `vigil backtest --stack S --days N --from folder --format json` in a fresh process, as a user runs
  it: its CPU seconds (user + system) and its peak RSS.

Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import subprocess
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

DAY = 86400


def _kind(what: str) -> str:
    if "hits" in what or "RequestCount" in what or "SampleCount" in what:
        return "traffic"
    if "error" in what.lower() or "5XX" in what or "5xx" in what or "4xx" in what or "4XX" in what:
        return "errors"
    if "CPU" in what or "cpu.usage" in what:
        return "cpu"
    if "limit" in what:
        return "limit"
    if "TC(" in what:
        return "slow"
    if what.startswith("p") or " p" in what:
        return "latency"
    return "gauge"


def values(kind: str, what: str, stamps: Sequence[int]) -> list[Optional[float]]:
    """Series shaped like production's, the same for the same series in every file (seeded by its name)."""
    rnd = random.Random(what)
    daily = [1 + 0.5 * math.sin(2 * math.pi * (t % DAY) / DAY) for t in stamps]
    shape = _kind(what)
    if shape == "traffic":
        return [float(round(rnd.gauss(1200, 40) * d)) for d in daily]
    if shape == "errors":  # CloudWatch's load balancer publishes its 5XX counts only when not zero
        found = [float(max(0, round(rnd.gauss(0, 1.2)))) for _ in stamps]
        return [None if v == 0 and kind == "aws" and "5XX" in what else v for v in found]
    if shape == "cpu":
        return [(95.0 if (t // 3600) % 24 == 3 else 35.0) + rnd.gauss(0, 3) for t in stamps]
    if shape == "limit":
        return [100.0] * len(stamps)
    if shape == "slow":
        return [float(max(0, round(rnd.gauss(3, 1.5)))) for _ in stamps]
    if shape == "latency":
        return [0.12 * math.exp(rnd.gauss(0, 0.15)) for _ in stamps]
    return [20.0 + rnd.gauss(0, 2) for _ in stamps]


def constant(kind: str, what: str, stamps: Sequence[int]) -> list[Optional[float]]:
    """The first version's flat series: steady traffic and latency, no errors, a CPU peak every day at 03:00 UTC."""
    shape = _kind(what)
    flat = {"traffic": 1200.0, "errors": 0.0, "limit": 100.0, "slow": 3.0, "latency": 0.12, "gauge": 20.0}
    if shape == "cpu":
        return [95.0 if (t // 3600) % 24 == 3 else 35.0 for t in stamps]
    return [flat[shape]] * len(stamps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--constant", action="store_true", help="the first version's flat series")
    args = parser.parse_args()
    started = time.process_time()
    stack = load_stack(find_project(), args.stack)
    for name in stack.services:
        stack.service(name)
    planned = time.process_time() - started
    now = int(time.time())
    found = [r.document() for r in needed(plan_alerts(stack), window_ending(now, args.days))]
    with tempfile.TemporaryDirectory() as folder:
        child = os.fork()  # the files are written by a child: their making is no part of this process's peak
        if child == 0:
            write_responses(found, Path(folder), constant if args.constant else values)
            os._exit(0)
        os.waitpid(child, 0)
        files = list(Path(folder).iterdir())
        size = sum(p.stat().st_size for p in files) / 2**20
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cpu, wall = time.process_time(), time.perf_counter()
        result = backtest(stack, args.days, Files(Path(folder)), end=latest)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        command = [sys.executable, "-m", "vigil", "backtest", "--stack", args.stack, "--days", str(args.days), "--from", folder, "--format", "json"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tested = [a for a in result.alerts if a.tested]
    told = sum(len(level.notifications) for a in tested for level in a.levels)
    print(f"stack {args.stack}: {len(result.alerts)} alerts ({len(tested)} back-tested, {told} notifications), {len(files)} recorded responses, {size:.1f} MiB")
    print(f"plan and replay setup: {planned:.2f} s CPU, peak RSS after it {base:.0f} MiB")
    print(f"back-test of {args.days} days from files: {cpu:.2f} s CPU ({wall:.2f} s wall), peak RSS {peak:.0f} MiB (+{peak - base:.0f} MiB)")
    child_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"end to end, `vigil backtest --from` in a fresh process: {child_cpu:.2f} s CPU, peak RSS {after.ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
