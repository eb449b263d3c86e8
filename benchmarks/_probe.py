"""One measurement, in its own process (so peak memory is this N's alone): `python _probe.py PROJECT STACK`.

Prints JSON: import time, plan time, the bare cost of registering the same resources directly under Pulumi's
mocks (raw `CustomResource` registrations with the plan's inputs, no catalog, no builders), compare and
summary time on a one-threshold change, and memory (peak RSS, and its growth while planning).
"""

from __future__ import annotations

import copy
import json
import resource
import sys
import time
from pathlib import Path


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    project, stack = Path(sys.argv[1]).resolve(), sys.argv[2]
    sys.path.insert(0, str(project))
    started = time.perf_counter()
    import pulumi

    import program  # noqa: F401  (imports the provider SDKs: the fixed cost of any plan)
    from vigil.diff.compare import compare
    from vigil.diff.summary import summarise
    from vigil.engine import run_offline
    from vigil.planning import plan_stack
    from vigil.project import stack_target

    imported = time.perf_counter()
    rss_before = rss_mb()
    plan = plan_stack(project, stack)
    planned = time.perf_counter()
    rss_after = rss_mb()

    def bare() -> None:
        """The same resources, registered raw: what the Pulumi runtime alone costs."""
        for r in plan.resources:
            if r.type.startswith("pulumi:providers:"):
                pulumi.ProviderResource(r.type.rsplit(":", 1)[-1], r.name, dict(r.inputs))
            elif r.custom:
                pulumi.CustomResource(r.type, r.name, dict(r.inputs))
            else:
                pulumi.ComponentResource(r.type, r.name)

    config = stack_target(project, stack).config
    bare_start = time.perf_counter()
    bare_plan = run_offline(bare, config, project)
    bare_time = time.perf_counter() - bare_start
    assert len(bare_plan.resources) == len(plan.resources), (len(bare_plan.resources), len(plan.resources))

    base = plan.to_dict()
    head = copy.deepcopy(base)
    for r in head["resources"]:  # one threshold moves
        if r["type"] == "datadog:index/monitor:Monitor":
            r["inputs"]["monitorThresholds"]["critical"] = "99"
            break
    compare_start = time.perf_counter()
    diff = compare(base, head)
    summarise(diff)
    compare_time = time.perf_counter() - compare_start
    assert len(diff.changes) == 1, diff.changes
    print(
        json.dumps(
            {
                "resources": sum(r.custom for r in plan.resources),
                "import_s": imported - started,
                "plan_s": planned - imported,
                "bare_s": bare_time,
                "compare_s": compare_time,
                "rss_mb": rss_mb(),
                "plan_rss_growth_mb": rss_after - rss_before,
            }
        )
    )


if __name__ == "__main__":
    main()
