"""Scale benchmark: plan and diff catalogs of N services; is the cost per service constant?

    python benchmarks/scale.py [--sizes 1,10,100,500] [--stack prod] [--budget 180]

For each N, a temporary copy of the project gets a catalog of N services (copies of catalog/api.yaml under
distinct names) and becomes a git repository. Then, each in a fresh process:

- plan: `_probe.py` imports the program, plans the stack offline, and registers the same resources again raw
  under Pulumi's mocks (no catalog, no builders) — the floor the Pulumi runtime sets — reporting times, peak
  RSS and RSS growth while planning, and the in-process compare + summary time of a one-threshold change;
- diff: `vigil diff --stack S --base HEAD` with one threshold changed in the working tree, end to end
  (checkout of the base, both plans, compare, render), wall time; it must exit 2.

Sizes are skipped once the budget (seconds) is spent, and the table says so.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "_probe.py"


def copy_project(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        if name.startswith(("tests/", "benchmarks/", "docs/", "catalog/")):
            continue
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def write_catalog(project: Path, n: int) -> None:
    template = (ROOT / "catalog" / "api.yaml").read_text()
    catalog = project / "catalog"
    catalog.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        name = f"svc{i:04d}"
        (catalog / f"{name}.yaml").write_text(re.sub(r"^service: api$", f"service: {name}", template, count=1, flags=re.M))


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )


def run_measured(command: list[str], cwd: Path) -> tuple[float, int, str, str, float]:
    """Wall time, exit code, stdout, stderr and peak RSS (MiB) of one child process."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return wall, child.returncode, out.read().decode(), err.read().decode(), usage.ru_maxrss / 1024


def measure(n: int, stack: str, workdir: Path, with_diff: bool = True) -> dict[str, Any]:
    project = workdir / f"n{n}"
    copy_project(project)
    write_catalog(project, n)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", f"{n} services")

    wall, code, out, err, _ = run_measured([sys.executable, str(PROBE), str(project), stack], ROOT)
    if code != 0:
        raise SystemExit(f"probe failed for N={n}:\n{err[-3000:]}")
    row: dict[str, Any] = {"n": n, **json.loads(out), "probe_wall_s": wall}
    if not with_diff:
        shutil.rmtree(project, ignore_errors=True)
        return row

    first = project / "catalog" / "svc0001.yaml"
    first.write_text(re.sub(r"(error_rate:\s*\{critical:\s*)1%", r"\g<1>2%", first.read_text(), count=1))
    wall, code, out, err, rss = run_measured([sys.executable, "-m", "vigil", "diff", "--stack", stack, "--base", "HEAD", "--format", "json"], project)
    if code != 2:
        raise SystemExit(f"vigil diff for N={n} exited {code} (expected 2: one change):\n{err[-3000:]}")
    changes = json.loads(out)["changes"]
    row.update(diff_wall_s=wall, diff_rss_mb=rss, diff_changes=len(changes))
    shutil.rmtree(project, ignore_errors=True)
    return row


def verdict(rows: list[dict[str, Any]], key: str) -> tuple[str, str]:
    """Compare the marginal cost per service of the two largest steps: over 2x more is super-linear.

    Under 0.5x is sub-linear (fixed costs still being amortised), which is no scaling problem either.
    """
    if len(rows) < 3:
        return "n/a", "not enough sizes measured"
    (a, b, c) = rows[-3:]
    first = (b[key] - a[key]) / (b["n"] - a["n"])
    second = (c[key] - b[key]) / (c["n"] - b["n"])
    ratio = second / first if first > 0 else float("inf")
    text = f"marginal {first * 1000:.1f} ms/service (N {a['n']}→{b['n']}) vs {second * 1000:.1f} ms/service (N {b['n']}→{c['n']}), ratio {ratio:.2f}"
    if ratio > 2.0:
        return "SUPER-LINEAR", text
    return ("linear" if ratio >= 0.5 else "sub-linear (fixed costs amortised), no worse than linear"), text


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| N services | resources | plan (s) | plan per service (ms) | bare mocks (s) | plan / bare | peak RSS (MiB) "
        "| RSS growth in plan (MiB) | vigil diff wall (s) | compare + summary (ms) |"
    )
    lines = [head, "| " + " | ".join(["---"] * 10) + " |"]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['resources']} | {r['plan_s']:.2f} | {r['plan_s'] / r['n'] * 1000:.1f} | {r['bare_s']:.2f} "
            f"| {r['plan_s'] / r['bare_s']:.1f}× | {r['rss_mb']:.0f} | {r['plan_rss_growth_mb']:.0f} "
            f"| {format(r['diff_wall_s'], '.1f') if 'diff_wall_s' in r else 'not run'} "
            f"| {r['compare_s'] * 1000:.1f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100,500")
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--budget", type=float, default=180.0, help="seconds; larger sizes are skipped once spent")
    parser.add_argument("--diff-up-to", type=int, default=10**9, help="measure `vigil diff` only up to this N (it plans twice)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[dict[str, Any]] = []
    skipped: list[int] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmp:
        for n in sizes:
            spent = time.perf_counter() - started
            if rows and spent > args.budget:
                skipped.append(n)
                continue
            print(f"N={n} ...", file=sys.stderr, flush=True)
            rows.append(measure(n, args.stack, Path(tmp), with_diff=n <= args.diff_up_to))
    print(f"Scale benchmark · stack {args.stack} · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs · total {time.perf_counter() - started:.0f} s")
    print()
    print(table(rows))
    print()
    print(f"import of the program and providers (paid once per process): {sum(r['import_s'] for r in rows) / len(rows):.1f} s on average")
    for key, words in (("plan_s", "plan"), ("bare_s", "bare registration"), ("diff_wall_s", "vigil diff")):
        result, detail = verdict([r for r in rows if key in r], key)
        print(f"{words}: {result} ({detail})")
    if skipped:
        print(f"skipped (budget of {args.budget:.0f} s spent): N = {', '.join(map(str, skipped))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
