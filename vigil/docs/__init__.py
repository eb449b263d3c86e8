"""`vigil docs`: Markdown generated from the catalog (every environment) and the offline plans (every stack).

    files = generate(collect(project_dir))     # {"docs/services/api.md": "...", ...}
    write(project_dir, files)                  # writes them, removes generated pages of removed services
    stale(project_dir, files)                  # paths whose committed content differs (empty when fresh)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Optional

from ..engine import Plan
from .model import DocsInput, StackDocs
from .oncall import render_index, render_oncall
from .paging import how_fast
from .service_page import render_service

SERVICES_DIR = "docs/services"
PlanFor = Callable[[str], Plan]


def collect(
    project_dir: Path,
    catalog: Optional[Path] = None,
    plan_for: Optional[PlanFor] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> DocsInput:
    """The catalog for every environment and the plan of every stack (`plan_for(stack)`, default: plan offline
    from the catalog loaded and checked here, once). `progress(1, stacks)` after each stack."""
    from ..planning import plan_checked
    from ..project import check_catalog

    loaded, resolved = check_catalog(project_dir, catalog)
    by_name = {s.name: s for s in resolved}
    plan = plan_for or (lambda name: plan_checked(project_dir, by_name[name]))
    stacks = []
    for s in sorted(resolved, key=lambda s: s.name):
        stacks.append(StackDocs(s.name, s.environment, s.settings.backends, plan(s.name), frozenset(s.service_names()), s.deployment))
        if progress is not None:
            progress(1, len(resolved))
    return DocsInput(loaded, tuple(stacks))


def generate(inp: DocsInput) -> dict[str, str]:
    """Every generated file, by path relative to the project. Deterministic: same input, same bytes."""
    paging = {name: how_fast(inp, name) for name in inp.service_names()}
    files = {f"{SERVICES_DIR}/{name}.md": render_service(inp, name, paging[name]) for name in inp.service_names()}
    files.update({f"{SERVICES_DIR}/{name}-paging.svg": found.chart for name, found in paging.items() if found.chart is not None})
    files[f"{SERVICES_DIR}/README.md"] = render_index(inp)
    files["docs/oncall.md"] = render_oncall(inp)
    return dict(sorted(files.items()))


def _orphans(project_dir: Path, files: dict[str, str]) -> list[str]:
    """Generated service pages whose service is gone from the catalog."""
    folder = project_dir / SERVICES_DIR
    found = sorted(f"{SERVICES_DIR}/{p.name}" for p in [*folder.glob("*.md"), *folder.glob("*-paging.svg")]) if folder.is_dir() else []
    return [path for path in found if path not in files]


def stale(project_dir: Path, files: dict[str, str]) -> list[str]:
    """Paths that differ from what would be generated, are missing, or should be removed."""
    out = []
    for path, content in files.items():
        target = project_dir / path
        if not target.is_file() or target.read_text(encoding="utf-8") != content:
            out.append(path)
    return sorted(out + _orphans(project_dir, files))


class DocsError(Exception):
    pass


def _linked(project_dir: Path, path: str) -> Optional[str]:
    """The first part of `path` (docs, docs/services, the page) that is a symlink, or None."""
    parts = Path(path).parts
    for end in range(1, len(parts) + 1):
        if (project_dir.joinpath(*parts[:end])).is_symlink():
            return "/".join(parts[:end])
    return None


def write(project_dir: Path, files: dict[str, str]) -> list[str]:
    """Write what changed and remove orphaned pages; returns the paths touched. Never through a symlink: a checked-out
    pull request may link docs/services, or a page, anywhere (a folder whose pages would be deleted as orphans)."""
    changed = stale(project_dir, files)
    linked = sorted({link for path in changed if (link := _linked(project_dir, path)) is not None})
    if linked:
        raise DocsError(f"{linked[0]} is a symlink: generated docs are written only to real files under docs/ (remove the link)")
    for path in changed:
        target = project_dir / path
        if path in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[path], encoding="utf-8", newline="\n")
        else:
            target.unlink()
    return changed


__all__ = ["DocsError", "DocsInput", "StackDocs", "collect", "generate", "stale", "write"]
