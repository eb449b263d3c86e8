"""Change the catalog as a user would, in a temporary copy of the project, and run the tests there.

    python tests/user_catalog.py threshold          # move one threshold, `vigil docs`, then the invariant tests
    python tests/user_catalog.py services --full    # add a service, `vigil docs`, then the whole suite
    python tests/user_catalog.py new-user --full    # a new user's own catalog: three services and a teams file
    python tests/user_catalog.py threshold services # both changes in one copy

The suite must survive the user's catalog (issue #10, item 1; issue 21, item 3): after any change that leaves the
catalog valid and `vigil docs` (as docs/oncall.md tells users to run), `make test` stays green.
tests/test_catalog_independence.py applies each change to a copy and holds it to the invariants the tests that read
the product catalog (`-m product_catalog`) check; every other test is kept off the product catalog by
tests/conftest.py. `--full` runs the whole suite in the copy, as CI would (minutes: never part of `make test`).
The changes are generic — whatever services, teams and stacks the catalog holds, each change is one `vigil validate`
accepts — so this check pins no value of it either.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spec import SpecErrors
from vigil.project import stack_target
from vigil.stack_config import stacks

INVARIANTS = ["-m", "product_catalog", "tests/test_product.py", "tests/test_docs.py"]
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")


def copy_project(target: Path) -> None:
    """The project as committed plus uncommitted files (what a clone with local edits holds), without .venv or caches."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_symlink():  # fixtures share files through links (tests/fixtures/families/catalog/teams.yaml)
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(source), target / name)
        elif source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def as_a_fork(project: Path) -> None:
    """Make the copy what a user's fork is: a git repository with the project committed (`vigil diff` and the tests
    of it compare revisions), so the change applied next is the working tree's."""
    git = ["git", "-c", "user.name=vigil", "-c", "user.email=vigil@example.com", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "the project as forked"]):
        subprocess.run([*git, *command], cwd=project, check=True, capture_output=True)


def _catalog(project: Path) -> Path:
    return stack_target(project, stacks(project)[0]).settings.catalog


def _problems(project: Path) -> str:
    """What `vigil validate` would say of the copy (empty when it validates): the spec, the stacks' selections, the
    vendors' rules and the organisation's policies."""
    from vigil.project import check_catalog

    try:
        check_catalog(project)
    except SpecErrors as exc:
        return str(exc)
    return ""


def _valid(project: Path) -> bool:
    return not _problems(project)


def _services(catalog: Path) -> list[tuple[Path, list[Any]]]:
    files = sorted(p for p in catalog.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return [(p, list(yaml.safe_load_all(p.read_text(encoding="utf-8")))) for p in files]


def _halve(value: Any) -> Any:
    match = _PERCENT.match(str(value))
    return f"{float(match.group(1)) / 2:g}%" if match else value


def move_a_threshold(project: Path) -> str:
    """Halve the critical and warning levels of the first percentage alert whose change the catalog accepts."""
    for path, documents in _services(_catalog(project)):
        original = path.read_text(encoding="utf-8")
        for document in documents:
            for service in document if isinstance(document, list) else [document]:
                for signal, levels in (service.get("alerts") or {}).items():
                    if not isinstance(levels, dict) or not _PERCENT.match(str(levels.get("critical", ""))):
                        continue
                    before = dict(levels)
                    levels.update({k: _halve(v) for k, v in levels.items() if k in ("critical", "warning")})
                    path.write_text(yaml.safe_dump_all(documents, sort_keys=False), encoding="utf-8")
                    if _valid(project):
                        return f"{service['service']}: alerts.{signal} {before} → {levels}"
                    levels.clear()
                    levels.update(before)
                    path.write_text(original, encoding="utf-8")
    raise SystemExit("no percentage threshold of the catalog can be moved: nothing to check")


def _deployed_like(project: Path, template: str, name: str) -> None:
    """A stack that selects services by name (`monitoring:services`) and deploys the template deploys the new one too."""
    for stack in stacks(project):
        path = project / f"Pulumi.{stack}.yaml"
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        config = document.get("config") or {}
        for key, value in config.items():
            if key.endswith(":services") and isinstance(value, list) and template in value:
                config[key] = [*value, name]
                path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def add_a_service(project: Path) -> str:
    """A new service: a copy of the first one under another name and APM service, in the same team (so a catalog with a
    teams file accepts it), writing no log group name of its own (two services cannot share one), deployed by the
    stacks that deploy the first one."""
    catalog = _catalog(project)
    template = next(doc for _, documents in _services(catalog) for doc in documents if isinstance(doc, dict) and "service" in doc)
    taken = {doc.get("service") for _, documents in _services(catalog) for doc in documents if isinstance(doc, dict)}
    name = next(f"added-{number}" for number in range(1, 100) if f"added-{number}" not in taken)
    service = {**template, "service": name}
    datadog = (service.get("sources") or {}).get("datadog")
    if isinstance(datadog, dict) and "apm_service" in datadog:
        service["sources"] = {**service["sources"], "datadog": {**datadog, "apm_service": name}}
    for logs in [service.get("logs"), *((env or {}).get("logs") for env in (service.get("environments") or {}).values())]:
        if isinstance(logs, dict):
            logs.pop("group", None)
    (catalog / f"{name}.yaml").write_text(yaml.safe_dump(service, sort_keys=False), encoding="utf-8")
    _deployed_like(project, str(template["service"]), name)
    problems = _problems(project)
    if problems:
        raise SystemExit(f"the added service does not validate: nothing to check\n{problems}")
    return f"added {name} (a copy of {template['service']}, team {service.get('team')})"


NEW_USER = ROOT / "tests" / "fixtures" / "new-user" / "catalog"


def replace_the_catalog(project: Path) -> str:
    """A new user's own catalog instead of the project's: a teams file and three services of their own — an HTTP API,
    a queue worker without SLOs or health checks, a Lambda function writing to a DynamoDB table (tests/fixtures/new-user)."""
    catalog = _catalog(project)
    for path in sorted(catalog.rglob("*"), reverse=True):
        if path.is_file() or path.is_symlink():
            path.unlink()
    for path in sorted(NEW_USER.iterdir()):
        shutil.copy2(path, catalog / path.name)
    problems = _problems(project)
    if problems:
        raise SystemExit(f"the new user's catalog does not validate here:\n{problems}")
    return f"replaced the catalog with {', '.join(sorted(p.name for p in NEW_USER.iterdir()))}"


CHANGES: dict[str, Callable[[Path], str]] = {"threshold": move_a_threshold, "services": add_a_service, "new-user": replace_the_catalog}


# `vigil docs`, then pytest, in one process of the copy (the providers' SDKs are imported once)
_DOCS_THEN_PYTEST = """
import sys
from vigil.cli import main
if main(["docs"]) != 0:
    sys.exit("vigil docs failed after the change")
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]]))
"""


def run(changes: list[str], pytest_args: list[str], keep: bool = False) -> subprocess.CompletedProcess[str]:
    """Copy the project, apply the changes, regenerate docs and run pytest there; returns that process."""
    folder = Path(tempfile.mkdtemp(prefix="vigil-user-catalog-"))
    try:
        copy_project(folder)
        as_a_fork(folder)
        for change in changes:
            print(f"{change}: {CHANGES[change](folder)}", file=sys.stderr)
        return subprocess.run([sys.executable, "-c", _DOCS_THEN_PYTEST, *pytest_args], cwd=folder, capture_output=True, text=True)
    finally:
        if keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("changes", nargs="+", choices=sorted(CHANGES))
    parser.add_argument("--full", action="store_true", help="run the whole suite, not only the invariant tests")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args()
    result = run(args.changes, [] if args.full else INVARIANTS, args.keep)
    sys.stdout.write(result.stdout + result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
