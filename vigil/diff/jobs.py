"""What `vigil diff` asks of each revision, run with that revision's own code (see revisions.py).

- `fingerprints`: for the catalog files a change touched, a digest of each service's effective spec per stack
  (the service as the stack's environment sees it, when the stack deploys it). Unchanged files make unchanged
  services, so this reads only the touched files.
- `plan`: `vigil plan --format json` of some of a stack's services (and its shared resources), with the vendor
  rules applied to those named in `check` (default: every service of the stack).
- `backtest`: `vigil backtest --format json` of some of a stack's services through this revision's plan of them,
  from recorded files or live through a cache the two sides share (`vigil diff --backtest`), with the resources each
  alert evaluates; exit code 3 when there are no credentials (the back-test is then skipped, never failed).

Each returns what the command line would: an exit code, stdout and stderr.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Optional

from spec import SpecErrors

from ..stack_config import StackConfigError


def _failed(code: int, message: str) -> dict[str, Any]:
    return {"code": code, "stdout": "", "stderr": message}


def _spec_errors(exc: SpecErrors) -> dict[str, Any]:
    lines = [str(e) for e in exc.errors] + [f"{len(exc.errors)} problem(s) found"]
    return _failed(2, "\n".join(lines))


def digest(service: Any) -> str:
    """The effective spec of a service, as a digest: equal digests, equal resources (same code and stack)."""
    text = service.model_dump_json() + "\n" + repr(service)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprints(project: str, stacks: list[str], catalog: Optional[str], files: list[str]) -> dict[str, Any]:
    """{stack: {service: digest}} for the services the files define that each stack deploys."""
    from spec import load_catalog

    from ..stack import Stack, stack_target

    project_dir = Path(project)
    try:
        targets = [stack_target(project_dir, stack, Path(catalog) if catalog else None) for stack in stacks]
        directory = targets[0].settings.catalog
        environments = sorted({t.settings.environment for t in targets})
        loaded = load_catalog(directory, environments, files=[Path(f) for f in files])  # a part of the catalog
        out = {t.stack: {s.service: digest(s) for s in Stack.of(t, loaded).services} for t in targets}
    except SpecErrors as exc:
        return _spec_errors(exc)
    except StackConfigError as exc:
        return _failed(2, f"error: {exc}")
    return {"code": 0, "stdout": json.dumps(out), "stderr": ""}


def plan(project: str, stack: str, catalog: Optional[str], services: list[str], check: Optional[list[str]]) -> dict[str, Any]:
    """The plan document of `services` of the stack (and its shared resources)."""
    from ..planning import plan_stack
    from ..render.plan_json import render_json

    try:
        result = plan_stack(Path(project), stack, Path(catalog) if catalog else None, services=services, check=check)
    except SpecErrors as exc:
        return _spec_errors(exc)
    except StackConfigError as exc:
        return _failed(2, f"error: {exc}")
    return {"code": 0, "stdout": render_json(result), "stderr": ""}


def backtest(
    project: str, stack: str, catalog: Optional[str], services: list[str], days: int, source: Optional[str], now: Optional[int], cache: Optional[str]
) -> dict[str, Any]:
    """The back-test of `services` of the stack, their alerts as this revision plans them: from the recorded files in
    `source`, or live (read-only) through `cache`, which the other side's back-test reads too. `now`: the window's
    end (epoch seconds); from files, None ends it with the latest point read."""
    from ..backtest import BacktestError, Files, NoCredentials, Shared, latest, plan_alerts
    from ..backtest import backtest as run
    from ..backtest.report import backtest_json
    from ..backtest.run import Fetcher
    from ..planning import plan_stack
    from ..project import stack_target
    from ..replay import ReplayError
    from ..replay.stack import load_stack

    project_dir, folder = Path(project), Path(catalog) if catalog else None
    try:
        replay = load_stack(project_dir, stack, folder, plan=plan_stack(project_dir, stack, folder, services=services, check=[]))
        fetcher: Fetcher
        if source is not None:
            fetcher = Files(Path(source))
        else:
            from ..backtest.live import Live

            backends: set[str] = {a.backend for a in plan_alerts(replay, services) if a.refused is None}
            fetcher = Shared(Live(backends, stack_target(project_dir, stack, folder).settings.datadog_api_url), Path(str(cache)))
        result = run(replay, days, fetcher, services, now=now, end=latest if source is not None and now is None else None)
    except NoCredentials as exc:
        return _failed(3, str(exc))
    except (BacktestError, ReplayError) as exc:
        return _failed(2, f"error: {exc}")
    except SpecErrors as exc:
        return _spec_errors(exc)
    except StackConfigError as exc:
        return _failed(2, f"error: {exc}")
    document = backtest_json(result)
    document["resources"] = {f"{a.service}|{a.alert}|{a.backend}": sorted(a.reads.resources) for a in result.alerts}
    return {"code": 0, "stdout": json.dumps(document), "stderr": ""}
