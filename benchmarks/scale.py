"""Scale benchmark: plan and diff catalogs of N services; what does a plan, a diff, a team's stack cost?

    python benchmarks/scale.py [--sizes 1,10,100,500] [--stack prod] [--budget 3600]
                               [--single-up-to 100] [--full-diff-up-to 100] [--team-size 50]

For each N, a temporary copy of the project gets a catalog of N services (copies of the reference service,
tests/fixtures/reference/catalog/api.yaml, under distinct names, in teams of --team-size services) and becomes a git repository. Then, each in a fresh process:

- plan: `_probe.py` plans the stack offline in chunks (the default), reporting time, CPU time, peak RSS and RSS
  growth while planning, and the in-process compare + summary time of a one-threshold change; up to
  --single-up-to services, the same in one run (no chunks), for the chunking figures;
- bare: the same resources registered without the program, raw (the issue's floor) and through the providers'
  SDK classes (the floor of these resource types), in the same chunks: plan / bare is what the program adds;
- plan one service: `vigil plan --stack S --format json` of a one-service catalog, end to end (the goal's unit);
- diff: `vigil diff --stack S --base HEAD` with one threshold changed in the working tree, end to end, wall time
  and peak RSS; it must exit 2. Up to --full-diff-up-to services, also with `--full`;
- per team (N > --team-size): stacks per team of --team-size services; `vigil plan` of one team's stack, and
  `vigil diff --all-stacks` of the same one-threshold change.

Sizes are skipped once the budget (seconds) is spent, and the table says so. Goals (issue #14): the diff at the
largest N within 2x the plan of one service; plan / bare <= 1.3x; peak RSS of the largest plan <= 1 GiB.
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


# The reference service (a frozen copy of the operations report's), not the user's catalog: figures stay comparable
# whatever the catalog holds.
TEMPLATE = ROOT / "tests" / "fixtures" / "reference" / "catalog" / "api.yaml"


def team_of(i: int, team_size: int) -> str:
    return f"team{(i - 1) // team_size:02d}"


def write_catalog(project: Path, n: int, team_size: int = 50) -> None:
    template = TEMPLATE.read_text()
    catalog = project / "catalog"
    catalog.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        name = f"svc{i:04d}"
        text = re.sub(r"^service: api$", f"service: {name}", template, count=1, flags=re.M)
        text = re.sub(r"^team: \S+$", f"team: {team_of(i, team_size)}", text, count=1, flags=re.M)
        (catalog / f"{name}.yaml").write_text(text)


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )


def run_measured(command: list[str], cwd: Path) -> tuple[float, int, str, str, float]:
    """Wall time, exit code, stdout, stderr and peak RSS (MiB) of one child process (its own or, when larger,
    that of a process it waited for: the planning subprocess of `vigil diff`)."""
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


def probe(project: Path, stack: str, *args: str) -> dict[str, Any]:
    _, code, out, err, _ = run_measured([sys.executable, str(PROBE), str(project), stack, *args], ROOT)
    if code != 0:
        raise SystemExit(f"probe {' '.join(args)} failed for {project.name}:\n{err[-3000:]}")
    return dict(json.loads(out))


def make_repo(folder: Path, n: int, team_size: int) -> Path:
    copy_project(folder)
    write_catalog(folder, n, team_size)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", f"{n} services")
    return folder


def move_one_threshold(project: Path) -> None:
    first = project / "catalog" / "svc0001.yaml"
    first.write_text(re.sub(r"(error_rate:\s*\{critical:\s*)1%", r"\g<1>2%", first.read_text(), count=1))


def vigil(project: Path, *args: str, expect: int = 0) -> tuple[float, float, str]:
    wall, code, out, err, rss = run_measured([sys.executable, "-m", "vigil", *args], project)
    if code != expect:
        raise SystemExit(f"vigil {' '.join(args)} in {project.name} exited {code} (expected {expect}):\n{err[-3000:]}")
    return wall, rss, out


def measure(n: int, stack: str, workdir: Path, options: argparse.Namespace) -> dict[str, Any]:
    project = make_repo(workdir / f"n{n}", n, options.team_size)
    kept = workdir / f"n{n}.plan.json"
    row: dict[str, Any] = {"n": n, **probe(project, stack, "plan", str(options.chunk), str(kept))}
    row.update(probe(project, stack, "bare", str(options.chunk), str(kept)))
    kept.unlink()
    if n <= options.single_up_to:
        single = probe(project, stack, "plan", "0")
        row.update(single_plan_s=single["plan_s"], single_plan_cpu_s=single["plan_cpu_s"], single_rss_mb=single["rss_mb"])

    move_one_threshold(project)
    wall, rss, out = vigil(project, "diff", "--stack", stack, "--base", "HEAD", "--format", "json", expect=2)
    changes = json.loads(out)["changes"]
    row.update(diff_wall_s=wall, diff_rss_mb=rss, diff_changes=len(changes))
    if n <= options.full_diff_up_to:
        wall, rss, out = vigil(project, "diff", "--stack", stack, "--base", "HEAD", "--format", "json", "--full", expect=2)
        assert json.loads(out)["changes"] == changes, "the shortcut and the full diff disagree"
        row.update(full_diff_wall_s=wall, full_diff_rss_mb=rss)

    if n > options.team_size:  # stacks per team: the prod stack split, one per team
        git(project, "checkout", "--", "catalog")  # the threshold moves again below, against the new commit
        (project / f"Pulumi.{stack}.yaml").unlink()
        teams = sorted({team_of(i, options.team_size) for i in range(1, n + 1)})
        for team in teams:
            (project / f"Pulumi.{stack}-{team}.yaml").write_text(
                f"config:\n  monitoring:environment: {stack}\n  monitoring:teams: [{team}]\n  monitoring:awsRegion: eu-west-1\n"
            )
        git(project, "add", "-A")
        git(project, "commit", "-qm", "stacks per team")
        wall, rss, _ = vigil(project, "plan", "--stack", f"{stack}-{teams[0]}", "--format", "json")
        row.update(teams=len(teams), team_plan_wall_s=wall, team_plan_rss_mb=rss)
        move_one_threshold(project)
        wall, rss, out = vigil(project, "diff", "--all-stacks", "--base", "HEAD", "--format", "json", expect=2)
        row.update(team_diff_wall_s=wall, team_diff_rss_mb=rss)
    shutil.rmtree(project, ignore_errors=True)
    return row


def one_service_plan(stack: str, workdir: Path, options: argparse.Namespace) -> float:
    """`vigil plan` of a one-service catalog, end to end: the unit of the diff goal (best of three)."""
    project = make_repo(workdir / "one", 1, options.team_size)
    best = min(vigil(project, "plan", "--stack", stack, "--format", "json")[0] for _ in range(3))
    shutil.rmtree(project, ignore_errors=True)
    return best


def fmt(row: dict[str, Any], key: str, spec: str = ".1f", scale: float = 1.0) -> str:
    return format(row[key] * scale, spec) if key in row else "—"


def tables(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| N services | resources | plan (s) | plan CPU (s) | per service (ms CPU) | bare raw CPU (s) | bare typed CPU (s) "
        "| plan / bare raw | plan / bare typed | peak RSS (MiB) | RSS growth (MiB) | vigil diff (s) | diff peak RSS (MiB) "
        "| vigil diff --full (s) | compare + summary (ms) |",
        "| " + " | ".join(["---"] * 15) + " |",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['resources']} | {r['plan_s']:.2f} | {r['plan_cpu_s']:.2f} | {r['plan_cpu_s'] / r['n'] * 1000:.0f} "
            f"| {r['bare_cpu_s']:.2f} | {r['typed_bare_cpu_s']:.2f} | {r['plan_cpu_s'] / r['bare_cpu_s']:.2f}× "
            f"| {r['plan_cpu_s'] / r['typed_bare_cpu_s']:.2f}× | {r['rss_mb']:.0f} | {r['plan_rss_growth_mb']:.0f} "
            f"| {fmt(r, 'diff_wall_s')} | {fmt(r, 'diff_rss_mb', '.0f')} | {fmt(r, 'full_diff_wall_s')} | {r['compare_s'] * 1000:.1f} |"
        )
    lines += ["", "| N services | chunked: plan (s) | chunked: peak RSS (MiB) | one run: plan (s) | one run: peak RSS (MiB) |", "| --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['n']} | {r['plan_s']:.2f} | {r['rss_mb']:.0f} | {fmt(r, 'single_plan_s', '.2f')} | {fmt(r, 'single_rss_mb', '.0f')} |")
    teams = [r for r in rows if "teams" in r]
    if teams:
        lines += [
            "",
            "| N services | team stacks | `vigil plan` of one team's stack (s) | its peak RSS (MiB) | `vigil diff --all-stacks`, one threshold (s) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in teams:
            lines.append(f"| {r['n']} | {r['teams']} | {r['team_plan_wall_s']:.1f} | {r['team_plan_rss_mb']:.0f} | {r['team_diff_wall_s']:.1f} |")
    return "\n".join(lines)


def goals(rows: list[dict[str, Any]], one: float) -> list[str]:
    big = rows[-1]
    out = [f"plan of one service, end to end (`vigil plan`, best of 3): {one:.1f} s"]
    if "diff_wall_s" in big:
        ratio = big["diff_wall_s"] / one
        out.append(f"goal: vigil diff of one threshold at N = {big['n']} within 2x the plan of one service: {big['diff_wall_s']:.1f} s = {ratio:.2f}x — {'met' if ratio <= 2 else 'NOT met'}")
    worst_raw = max(r["plan_cpu_s"] / r["bare_cpu_s"] for r in rows)
    worst_typed = max(r["plan_cpu_s"] / r["typed_bare_cpu_s"] for r in rows)
    out.append(f"goal: plan / bare <= 1.3x (CPU): worst {worst_raw:.2f}x against raw registrations — {'met' if worst_raw <= 1.3 else 'NOT met'}; "
               f"{worst_typed:.2f}x against the same SDK classes — {'met' if worst_typed <= 1.3 else 'NOT met'}")
    out.append(f"goal: peak RSS of the N = {big['n']} plan <= 1 GiB: {big['rss_mb']:.0f} MiB — {'met' if big['rss_mb'] <= 1024 else 'NOT met'}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100,500")
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--budget", type=float, default=3600.0, help="seconds; larger sizes are skipped once spent")
    parser.add_argument("--chunk", type=int, default=0, help="services per chunk (0: the default, vigil.planning.CHUNK_SIZE)")
    parser.add_argument("--single-up-to", type=int, default=100, help="also plan in one run (no chunks) up to this N")
    parser.add_argument("--full-diff-up-to", type=int, default=100, help="also run `vigil diff --full` up to this N")
    parser.add_argument("--team-size", type=int, default=50, help="services per team for the per-team stacks")
    args = parser.parse_args()
    if args.chunk == 0:
        sys.path.insert(0, str(ROOT))
        from vigil.planning import CHUNK_SIZE

        args.chunk = CHUNK_SIZE
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[dict[str, Any]] = []
    skipped: list[int] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmp:
        one = one_service_plan(args.stack, Path(tmp), args)
        for n in sizes:
            if rows and time.perf_counter() - started > args.budget:
                skipped.append(n)
                continue
            print(f"N={n} ...", file=sys.stderr, flush=True)
            rows.append(measure(n, args.stack, Path(tmp), args))
    print(f"Scale benchmark · stack {args.stack} · chunks of {args.chunk} services · Python {sys.version.split()[0]} · "
          f"{os.cpu_count()} CPUs · total {time.perf_counter() - started:.0f} s")
    print()
    print(tables(rows))
    print()
    print(f"import of the program and providers (paid once per process): {sum(r['import_s'] for r in rows) / len(rows):.1f} s on average")
    for line in goals(rows, one):
        print(line)
    if skipped:
        print(f"skipped (budget of {args.budget:.0f} s spent): N = {', '.join(map(str, skipped))}")
    print()
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
