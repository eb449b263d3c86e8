"""The back-test fixture project (tests/fixtures/backtest/), its real series (NAB, nab/), and running `vigil backtest`
in it."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Optional

import pytest

from vigil.cli import main

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "backtest"
NAB = PROJECT / "nab"


def nab(name: str) -> list[tuple[int, float]]:
    """A NAB series: (epoch seconds, value), in time order."""
    with (NAB / f"{name}.csv").open(encoding="utf-8") as f:
        return [(int(datetime.fromisoformat(row["timestamp"]).replace(tzinfo=UTC).timestamp()), float(row["value"])) for row in csv.DictReader(f)]


def shifted(series: Sequence[tuple[int, float]], end: int, step: int = 300) -> dict[int, float]:
    """The series moved in time so that its last point ends at `end` (a 5-minute point covers 5 minutes)."""
    offset = end - (series[-1][0] + step)
    return {t + offset: v for t, v in series}


def vigil(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, cwd: Path = PROJECT) -> tuple[int, str, str]:
    """`vigil <args>` run in `cwd`: (exit code, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def queries(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, Any]]:
    code, out, err = vigil(monkeypatch, capsys, "backtest", "--stack", "prod", "--queries", "--format", "json", *extra)
    assert code == 0, err
    found: list[dict[str, Any]] = json.loads(out)["queries"]
    return found


def window_end(found: Sequence[Mapping[str, Any]]) -> int:
    ends = [q["to"] if q["backend"] == "datadog" else int(datetime.fromisoformat(q["request"]["EndTime"].replace("Z", "+00:00")).timestamp()) for q in found]
    return max(ends)


def rows(report: Mapping[str, Any], alert: str, backend: str) -> dict[str, dict[str, Any]]:
    """The report's rows of one alert on one backend, by level."""
    return {r["level"]: r for r in report["alerts"] if r["alert"] == alert and r["backend"] == backend}


def lookup(series: Mapping[int, float]) -> Any:
    def values(stamps: Sequence[int]) -> list[Optional[float]]:
        return [series.get(t) for t in stamps]

    return values
