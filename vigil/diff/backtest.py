"""`vigil diff --backtest`: the alerts a change touches, back-tested on both sides over the same history.

    api · error_rate · page: 14 → 3 notifications over the last 14 days (aws; 420 → 35 min in alert)

An alert is touched when a resource it evaluates (its alarms and monitors, a composite's inputs) is among the diff's
changed resources, on either side. Each side back-tests its touched services with its own code and its own plan of
them — the job `vigil.diff.jobs:backtest`, run in the diff's planning subprocess like the plans — so the head's
thresholds meet the same history as the base's. The history is read once: from recorded files (`--from DIR`), or
live through a cache both sides' jobs share (`vigil.backtest.shared`: each Datadog query and each CloudWatch series
asked once where the two sides ask the same). Both sides' windows end at the same instant: now when live; from
files, the latest point read (when the sides' latest points differ, both are back-tested again to the later one).

Without credentials for either vendor (and without `--from`) the back-test is skipped and said so; the diff and its
exit code are unchanged. A side whose code predates `vigil diff --backtest` is said, its alerts shown as unknown.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .facets import PlanIndex
from .model import Diff
from .revisions import Job, _checkouts, _commit, _planner, git

SKIPPED_CODE = 3  # the job's answer when there are no credentials
ROUTES = ("page", "ticket")


@dataclass(frozen=True)
class Side:
    """One side's back-test of one alert and route: the report's row (`vigil backtest --format json`), or why none."""

    row: Optional[dict[str, Any]] = None
    reason: Optional[str] = None  # not back-tested (the vendor's or the back-test's words); None with no row: not deployed


@dataclass(frozen=True)
class Compared:
    service: str
    alert: str
    backend: str
    route: Optional[str]  # None: not back-tested on either side
    base: Side
    head: Side

    def counts(self) -> tuple[Optional[int], Optional[int]]:
        return tuple(s.row["notifications"] if s.row else None for s in (self.base, self.head))  # type: ignore[return-value]


@dataclass
class StackBacktest:
    """The back-test of one stack's touched alerts, or why there is none."""

    stack: str
    days: int
    start: Optional[int] = None  # the window, epoch seconds
    end: Optional[int] = None
    alerts: list[Compared] = field(default_factory=list)
    skipped: Optional[str] = None  # nothing back-tested, and why (no credentials, no alert touched)
    failed: Optional[str] = None  # the back-test could not run (a recorded file missing or malformed, a side failing)
    notes: list[str] = field(default_factory=list)


def touched(diff: Diff) -> tuple[set[str], set[str]]:
    """The services a diff changes and the names of the resources it changes (a rename's both names)."""
    old, new = PlanIndex(diff.base), PlanIndex(diff.head)
    services: set[str] = set()
    names: set[str] = set()
    for change in diff.changes:
        names |= {change.name, *([change.old_name] if change.old_name else [])}
        for index, resource in ((old, change.old), (new, change.new)):
            service = index.service_of(resource) if resource is not None else None
            if service:
                services.add(service)
    return services, names


def _deployed(plan: Mapping[str, Any], services: set[str]) -> list[str]:
    index = PlanIndex(dict(plan))
    return sorted({s for s in (index.service_of(r) for r in plan.get("resources", [])) if s in services})


def _no_credentials(environ: Optional[Mapping[str, str]]) -> Optional[str]:
    """Why a live back-test cannot read either vendor, or None when it can read at least one."""
    from ..backtest.live import missing_credentials

    missing = missing_credentials({"datadog", "aws"}, environ)
    if len(missing) < 2:
        return None
    return "no credentials to read Datadog (DD_API_KEY and DD_APP_KEY) or CloudWatch (AWS's credential chain); give them, or back-test recorded files with --from DIR"


def backtest_diffs(
    project_dir: Path,
    diffs: Sequence[Diff],
    base: str,
    head: Optional[str] = None,
    *,
    catalog: Optional[Path] = None,
    days: int = 14,
    source: Optional[Path] = None,
    environ: Optional[Mapping[str, str]] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> dict[str, StackBacktest]:
    """Per stack with changes: its touched alerts back-tested on both sides (see the module's docstring)."""
    out: dict[str, StackBacktest] = {}
    wanted: dict[str, tuple[set[str], set[str], Diff]] = {}
    for diff in diffs:
        if not diff.has_changes:
            continue
        services, names = touched(diff)
        out[diff.stack] = StackBacktest(diff.stack, days)
        if not services:
            out[diff.stack].skipped = "no alert of a service changed"
        else:
            wanted[diff.stack] = (services, names, diff)
    if not wanted:
        return out
    if source is None:
        reason = _no_credentials(environ)
        if reason is not None:
            for stack in wanted:
                out[stack].skipped = reason
            return out
    project_dir = project_dir.resolve()
    repo = Path(git(project_dir, "rev-parse", "--show-toplevel")).resolve()
    project = project_dir.relative_to(repo)
    shas = {ref: _commit(repo, ref) for ref in [base, *([head] if head else [])]}
    cache = Path(tempfile.mkdtemp(prefix="vigil-backtest-"))
    try:
        with _checkouts(repo, sorted({sha for sha in shas.values() if sha})) as folders:
            sides = (folders[str(shas[base])] / project, folders[str(shas[head])] / project if head else project_dir)
            common = {"catalog": str(catalog) if catalog else None, "days": days, "source": str(source.resolve()) if source else None, "cache": str(cache)}
            now = None if source is not None else int(time.time())
            with _planner(sides[0], progress) as planner:

                def run(stacks: Sequence[str], at: Optional[int]) -> dict[str, tuple[Optional[dict[str, Any]], Optional[dict[str, Any]]]]:
                    jobs: list[Job] = []
                    owners: list[tuple[str, int]] = []
                    for stack in stacks:
                        services, _, diff = wanted[stack]
                        for number, (folder, plan) in enumerate(zip(sides, (diff.base, diff.head), strict=True)):
                            present = _deployed(plan, services)
                            if present:
                                kwargs = {"project": str(folder), "stack": stack, "services": present, "now": at, **common}
                                jobs.append({"dir": str(folder), "call": "vigil.diff.jobs:backtest", "kwargs": kwargs})
                                owners.append((stack, number))
                    found: dict[str, list[Optional[dict[str, Any]]]] = {stack: [None, None] for stack in stacks}
                    for (stack, number), answer in zip(owners, planner.run(jobs), strict=True):
                        found[stack][number] = answer
                    return {stack: (pair[0], pair[1]) for stack, pair in found.items()}

                answers = run(list(wanted), now)
                if source is not None:  # from files: both sides' windows end at the later of their latest points
                    again = {stack: end for stack, pair in answers.items() if (end := _later_end(pair)) is not None}
                    for end in sorted(set(again.values())):
                        answers.update(run([s for s, e in again.items() if e == end], end))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    for stack, (base_answer, head_answer) in answers.items():
        _, names, _ = wanted[stack]
        _compare(out[stack], names, base_answer, head_answer, (base, head or "working tree"))
    return out


def _document(answer: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    if answer is None or answer.get("code") != 0:
        return None
    found: dict[str, Any] = json.loads(answer["stdout"])
    return found


def _later_end(pair: tuple[Optional[dict[str, Any]], Optional[dict[str, Any]]]) -> Optional[int]:
    """The later window end when the two sides' windows end apart, else None."""
    ends = {d["to"] for d in (_document(a) for a in pair) if d is not None}
    return max(ends) if len(ends) > 1 else None


def _compare(into: StackBacktest, names: set[str], base: Optional[dict[str, Any]], head: Optional[dict[str, Any]], labels: tuple[str, str]) -> None:
    unable: list[Optional[str]] = [None, None]  # a side whose code cannot back-test: said on each of its alerts
    for number, (answer, label) in enumerate(zip((base, head), labels, strict=True)):
        if answer is None or answer.get("code") == 0:
            continue
        said = (answer.get("stderr") or "").strip().removeprefix("error: ")
        if answer.get("code") == SKIPPED_CODE:
            into.skipped = said
        elif answer.get("code") == 127:
            unable[number] = f"the code of {label} predates `vigil diff --backtest`"
            into.notes.append(f"{label}: its code predates `vigil diff --backtest`; its alerts are not back-tested")
        else:
            into.failed = f"{label}: {said}"
    if into.skipped or into.failed:
        return
    documents = (_document(base), _document(head))
    windows = {(d["from"], d["to"]) for d in documents if d is not None}
    if windows:
        into.start, into.end = min(windows)
    rows: dict[tuple[str, str, str], list[dict[str, dict[str, Any]]]] = {}
    reasons: dict[tuple[str, str, str], list[Optional[str]]] = {}
    keys: set[tuple[str, str, str]] = set()
    for number, document in enumerate(documents):
        if document is None:
            continue
        for key, resources in document.get("resources", {}).items():
            service, alert, backend = key.split("|")
            if names & set(resources):
                keys.add((service, alert, backend))
        for row in document["alerts"]:
            rows.setdefault((row["service"], row["alert"], row["backend"]), [{}, {}])[number][row["route"]] = row
        for row in document["not_backtested"]:
            reasons.setdefault((row["service"], row["alert"], row["backend"]), [None, None])[number] = row["reason"]
        into.notes += [n for n in document.get("notes", []) if n not in into.notes]
    for key in sorted(keys):
        by_route = rows.get(key, [{}, {}])
        why = reasons.get(key, [None, None])
        routes: list[Optional[str]] = [r for r in ROUTES if r in by_route[0] or r in by_route[1]]
        for route in routes or [None]:
            sides = tuple(Side(by_route[n].get(route) if route else None, why[n] or unable[n]) for n in (0, 1))
            into.alerts.append(Compared(*key, route, sides[0], sides[1]))
