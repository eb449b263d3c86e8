"""Building catalogs in temporary folders for spec tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MINIMAL: dict[str, Any] = {
    "service": "web",
    "team": "platform",
    "runbook": "docs/runbooks/web.md",
    "logs": {"retention": "30d"},
}


def write_catalog(folder: Path, *services: dict[str, Any], name: str = "services.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump_all(list(services), sort_keys=False))
    return folder


def service(**fields: Any) -> dict[str, Any]:
    return {**MINIMAL, **fields}
