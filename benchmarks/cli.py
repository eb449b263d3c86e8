"""The command line's cold start (issue 21): each command in a fresh process, N times, as a user runs it.

    python benchmarks/cli.py [--runs N] [--code DIR] [--project DIR] [--no-bytecode-cache] [COMMAND ...]

COMMAND is a name below (default: all of them). Each run is a new `python -m vigil ...` (or `python -c "import
program"`) in the project folder (default: the code's own project, so the default catalog), with a cold interpreter.
`--code` runs another checkout's code (e.g. an export of an older commit, to measure "before"). The project's
bytecode caches are used as a user's machine writes them (one unmeasured run first writes them);
`--no-bytecode-cache` deletes the checkout's `__pycache__` folders and sets PYTHONDONTWRITEBYTECODE, so every run
compiles the project's own modules (a fresh clone where Python writes no caches; installed packages keep theirs).

Prints, per command, the median and the range over the runs of its CPU time (user + sys of the child, from
`RUSAGE_CHILDREN`) and its median wall time. CPU is the figure to compare: wall time also counts waiting for a busy
machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS: dict[str, list[str]] = {
    "validate": ["-m", "vigil", "validate"],
    "plan prod": ["-m", "vigil", "plan", "--stack", "prod"],
    "plan dev": ["-m", "vigil", "plan", "--stack", "dev"],
    "replay --standard": ["-m", "vigil", "replay", "--standard"],
    "docs --check": ["-m", "vigil", "docs", "--check"],
    "import program": ["-c", "import program"],
}


def run_once(argv: list[str], project: Path, env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *argv], cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # docs --check says 1 when stale: still a full run
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code runs (default: this one)")
    parser.add_argument("--project", type=Path, help="the project folder the commands run in (default: --code)")
    parser.add_argument("--no-bytecode-cache", action="store_true", help="compile every module on every run")
    parser.add_argument("commands", nargs="*", metavar="COMMAND", help=", ".join(COMMANDS))
    args = parser.parse_args()
    names = args.commands or list(COMMANDS)
    unknown = [n for n in names if n not in COMMANDS]
    if unknown:
        parser.error(f"unknown command(s) {', '.join(unknown)}: choose from {', '.join(COMMANDS)}")
    code, project = args.code.resolve(), (args.project or args.code).resolve()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["PYTHONPATH"] = str(code)
    if args.no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        for cache in [p for p in code.rglob("__pycache__") if ".venv" not in p.parts]:
            shutil.rmtree(cache)
    mode = "no bytecode cache" if args.no_bytecode_cache else "bytecode cached"
    print(f"{'command':20s} {'CPU median':>11s} {'CPU range':>15s} {'wall median':>12s}   ({args.runs} runs each, {mode}, code {code})")
    for name in names:
        run_once(COMMANDS[name], project, env)  # caches written, files in the page cache
        runs = [run_once(COMMANDS[name], project, env) for _ in range(args.runs)]
        cpus, walls = [r[0] for r in runs], [r[1] for r in runs]
        print(f"{name:20s} {statistics.median(cpus):10.2f}s {min(cpus):6.2f}–{max(cpus):5.2f}s {statistics.median(walls):11.2f}s", flush=True)


if __name__ == "__main__":
    main()
