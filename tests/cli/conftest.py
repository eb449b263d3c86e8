"""The command line's tests run on a copy of the reference project (tests/reference.py), as the working directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reference import REFERENCE


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the reference project, as the working directory."""
    copy = tmp_path / "project"
    shutil.copytree(REFERENCE, copy)
    monkeypatch.chdir(copy)
    return copy
