"""One measurement, in its own process (so peak memory is this measurement's alone):

    python _probe.py PROJECT STACK plan [CHUNK] [PLAN.json]   plan the stack (in chunks of CHUNK services; 0: one
                                                              run), and keep the plan in PLAN.json
    python _probe.py PROJECT STACK bare [CHUNK] PLAN.json     register PLAN.json's resources bare

Prints JSON. `plan`: import time, plan time and CPU time, peak RSS and its growth while planning, resources, and
the in-process compare + summary time of a one-threshold change. `bare`: the cost of registering the same
resources under Pulumi's mocks without the program, in the same chunks of services: raw (`CustomResource` with the
plan's inputs, as the issue defines the floor), and typed (the providers' SDK classes, e.g.
`pulumi_aws.cloudwatch.MetricAlarm`, with the same inputs: what registering these resource types costs whatever
program declares them; its recorded inputs are checked equal to the plan's). Every probe first runs the runtime
once (a trivial program): its one-time cost (about 0.5 s) is paid by neither side.
"""

from __future__ import annotations

import copy
import functools
import importlib
import json
import re
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    project, stack, mode = Path(sys.argv[1]).resolve(), sys.argv[2], sys.argv[3]
    chunk = int(sys.argv[4]) if len(sys.argv) > 4 else None
    kept = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    sys.path.insert(0, str(project))
    started = time.perf_counter()
    import pulumi

    import program  # noqa: F401  (the fixed cost of any plan: before issue 21 it imported the provider SDKs)
    from vigil.diff.compare import compare
    from vigil.diff.summary import summarise
    from vigil.engine import Plan, PlannedResource, run_offline
    from vigil.planning import plan_stack
    from vigil.project import stack_target

    try:
        from vigil.planning import CHUNK_SIZE
    except ImportError:  # code from before chunked planning (to measure "before")
        CHUNK_SIZE = 0
    size = CHUNK_SIZE if chunk is None else (chunk or 10**9)
    chunked = bool(CHUNK_SIZE)
    config = stack_target(project, stack).config
    imported = time.perf_counter()
    # the runtime's first run in a process pays one-time costs (about 0.5 s): paid here, by neither plan nor bare
    def warm_up() -> None:
        pulumi.ComponentResource("bench:index:WarmUp", "warm-up")

    run_offline(warm_up, config, project)
    warmed = time.perf_counter()
    if mode == "plan":
        rss_before, cpu_before = rss_mb(), cpu_s()
        plan = plan_stack(project, stack, chunk_size=size) if chunked else plan_stack(project, stack)
        planned = time.perf_counter()
        out: dict[str, Any] = {
            "resources": sum(r.custom for r in plan.resources),
            "import_s": imported - started,
            "plan_s": planned - warmed,
            "plan_cpu_s": cpu_s() - cpu_before,
            "chunk": size,
            "rss_mb": rss_mb(),
            "plan_rss_growth_mb": rss_mb() - rss_before,
        }
        base = plan.to_dict()
        if kept is not None:
            kept.write_text(json.dumps(base))
        head = copy.deepcopy(base)
        for r in head["resources"]:  # one threshold moves
            if r["type"] == "datadog:index/monitor:Monitor":
                r["inputs"]["monitorThresholds"]["critical"] = "99"
                break
        compare_start = time.perf_counter()
        diff = compare(base, head)
        summarise(diff)
        out["compare_s"] = time.perf_counter() - compare_start
        assert len(diff.changes) == 1, diff.changes
        print(json.dumps(out))
        return

    assert kept is not None, "bare needs the plan's JSON (from a plan probe)"
    document = json.loads(kept.read_text())
    plan = Plan(
        document["project"],
        document["stack"],
        tuple(
            PlannedResource(r["type"], r["name"], r["parent"], r["inputs"], r["options"], not r["type"].startswith("vigil:"))
            for r in document["resources"]
        ),
    )
    groups: dict[str, list[Any]] = defaultdict(list)  # the plan's resources, by service (shared ones apart)
    for r in plan.resources:
        groups[plan.service_of(r) or ""].append(r)
    shared = groups.pop("", [])
    names = sorted(groups)
    chunks = [shared + [r for name in names[i : i + size] for r in groups[name]] for i in range(0, len(names), size)] or [shared]

    def sdk_class(token: str) -> Any:
        """`aws:cloudwatch/metricAlarm:MetricAlarm` → pulumi_aws.cloudwatch.MetricAlarm (the SDKs' layout)."""
        package, module, name = token.split(":")
        folder = module.split("/")[0]
        return getattr(importlib.import_module(f"pulumi_{package}" + ("" if folder == "index" else f".{folder}")), name)

    def snake(key: str) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()

    def bare(resources: list[Any], typed: bool) -> None:
        for r in resources:
            if r.type.startswith("pulumi:providers:"):
                pulumi.ProviderResource(r.type.rsplit(":", 1)[-1], r.name, dict(r.inputs))
            elif r.custom and typed:
                sdk_class(r.type)(r.name, **{snake(k): v for k, v in r.inputs.items()})
            elif r.custom:
                pulumi.CustomResource(r.type, r.name, dict(r.inputs))
            else:
                pulumi.ComponentResource(r.type, r.name)

    out = {"resources": sum(r.custom for r in plan.resources)}
    for key, typed in (("bare", False), ("typed_bare", True)):
        registered: dict[tuple[str, str], Any] = {}
        start, cpu = time.perf_counter(), cpu_s()
        for part in chunks:
            done: Plan = run_offline(functools.partial(bare, part, typed), config, project)
            registered.update({(r.type, r.name): r.inputs for r in done.resources})
        out.update({f"{key}_s": time.perf_counter() - start, f"{key}_cpu_s": cpu_s() - cpu})
        assert len(registered) == len(plan.resources), (key, len(registered), len(plan.resources))
        if typed:  # the SDK classes were given exactly the plan's inputs
            assert all(registered[(r.type, r.name)] == r.inputs for r in plan.resources if r.custom)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
