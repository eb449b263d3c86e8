"""Hostile files too large to keep in tests/corpus/: refused before anything is built, at a line, in bounded time."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from spec import SpecErrors, load_catalog
from spec.yaml_source import MAX_BYTES, MAX_VALUES

HEAD = "service: web\nteam: platform\nrunbook: docs/runbooks/web.md\nlogs: {retention: 30d}\n"


def errors(folder: Path) -> list[str]:
    with pytest.raises(SpecErrors) as caught:
        load_catalog(folder, ["dev", "prod"], strict=True)
    return [str(e) for e in caught.value.errors]


def test_a_file_of_a_million_values_is_refused_before_it_is_built(tmp_path: Path) -> None:
    """3 MB of `[x, x, ...]` took 40 s and 670 MB to compose, then failed validation; 30 MB would take minutes and GBs."""
    (tmp_path / "web.yaml").write_text(HEAD + "description: [" + ", ".join(["x"] * 1_000_000) + "]\n")
    started = time.process_time()
    (error,) = errors(tmp_path)
    assert time.process_time() - started < 10
    assert re.search(rf"web\.yaml:5:\d+: <service>: the file holds more than {MAX_VALUES} values: split it into smaller files \(a catalog: one service per file\)$", error), error


def test_a_file_larger_than_any_catalog_is_not_read(tmp_path: Path) -> None:
    with (tmp_path / "web.yaml").open("w") as out:
        out.write(HEAD + "description: |\n")
        out.write(("  " + "x" * 1022 + "\n") * (MAX_BYTES // 1024 + 1))
    (error,) = errors(tmp_path)
    assert error.endswith("web.yaml:1:1: <service>: the file holds more than 16 MiB: split it into smaller files (a catalog: one service per file)")


def test_an_endless_scenario_is_read_no_further_than_a_file_may_be(capsys: pytest.CaptureFixture[str]) -> None:
    """`vigil replay /dev/zero` read until memory ran out."""
    from vigil.cli import main

    assert main(["replay", "/dev/zero"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == "/dev/zero:1:1: scenario: the file holds more than 16 MiB: split it into smaller files (a catalog: one service per file)"
