"""Progress shows on stderr on a terminal only: CI logs, pipes and JSON output stay clean."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from vigil import progress
from vigil.cli import main

from .helpers import WHOLE_STACKS, make_project


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_written_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with progress.Bar("plan prod") as bar:
        assert not bar.enabled
        bar.step(3, 10)
    assert capsys.readouterr().err == ""


def test_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(progress.sys, "stderr", terminal)
    with progress.Bar("plan prod") as bar:
        bar.step(1, 4)
        bar.at(3, 5)  # a position; the total may grow
        assert bar._bar is not None and (bar._bar.n, bar._bar.total) == (3, 5)
    assert "plan prod" in terminal.getvalue()


def test_plan_and_docs_write_only_their_output_off_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(make_project(tmp_path, WHOLE_STACKS))
    assert main(["plan", "--stack", "prod", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.startswith("{")
    assert main(["docs"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.startswith("wrote ")


def test_plan_shows_progress_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    terminal = Terminal()
    monkeypatch.chdir(make_project(tmp_path, WHOLE_STACKS))
    monkeypatch.setattr(progress.sys, "stderr", terminal)
    assert main(["plan", "--stack", "dev", "--format", "json"]) == 0
    assert "plan dev" in terminal.getvalue() and "service" in terminal.getvalue()
    assert capsys.readouterr().out.startswith("{")
