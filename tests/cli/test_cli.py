"""The command line's verbs, formats and exit codes (in-process: the providers are imported once)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spec.schema import service_schema
from tests.reference import REFERENCE
from vigil.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"


@pytest.fixture(autouse=True)
def in_the_reference_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI finds its project from the working directory: here, the reference fixture, never the user's catalog."""
    monkeypatch.chdir(REFERENCE)


def test_validate_default_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "ok: 1 service(s) valid in environment(s) dev, prod" in capsys.readouterr().out


def test_validate_broken_catalog_exits_2_with_one_line_per_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("percent-without-unit.yaml", "retention-not-allowed.yaml"):
        shutil.copy(CORPUS / name, tmp_path / name.replace(".yaml", "-x.yaml"))
    # two files defining service 'web': one more problem, the duplicate name
    assert main(["validate", "--catalog", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "3 problem(s) found"
    assert any("percent-without-unit-x.yaml:7:19: alerts.cpu.critical: expected a percentage" in line for line in err)
    assert any("retention-not-allowed-x.yaml:5:19: logs.retention: retention 10d" in line for line in err)
    assert any("service name 'web' is already used" in line for line in err)
    assert not any("Traceback" in line for line in err)


def test_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "prod", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["stack"] == "prod" and document["resources"]


def test_plan_table_groups_by_service_and_shows_what_matters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "== shared" in out and "== api" in out
    assert "/platform/api/dev · retention 7 d" in out
    assert "[retainOnDelete, deleteBeforeReplace]" in out


def test_plan_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "prod", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Monitoring plan · stack `prod`") and "| aws:LogGroup | `api-logs` |" in out


def test_plan_unknown_stack_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "staging"]) == 2
    err = capsys.readouterr().err
    assert "no stack 'staging'" in err and "stacks: dev, prod" in err


def test_plan_of_a_broken_catalog_declares_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(CORPUS / "warning-above-critical.yaml", tmp_path / "web.yaml")
    assert main(["plan", "--stack", "prod", "--catalog", str(tmp_path), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "warning (600ms) must be below critical (500ms)" in captured.err


def test_plan_format_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["plan", "--stack", "dev", "--format", "yaml"])
    assert caught.value.code == 2 and "invalid choice: 'yaml'" in capsys.readouterr().err


def test_schema_is_committed_and_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == service_schema()
    committed = json.loads((ROOT / "schema" / "service.schema.json").read_text())
    assert committed == printed, "run `python -m vigil schema > schema/service.schema.json`"
    service = printed["$defs"]["Service"]
    assert service["additionalProperties"] is False and {"service", "team", "runbook"} <= set(service["required"])
    assert "logs" not in service["required"] and printed["$defs"]["Logs"]["properties"]["retention"]["default"] == "30d"  # docs/spec.md's defaults


def test_catalog_files_reference_the_schema() -> None:
    header = "# yaml-language-server: $schema="
    for path in (REFERENCE / "catalog").glob("*.yaml"):
        first = path.read_text().splitlines()[0]
        assert first.startswith(header), path
        assert (path.parent / first[len(header):]).resolve() == ROOT / "schema" / "service.schema.json", path


def _project(tmp_path: Path, stack_file: str) -> Path:
    shutil.copy(REFERENCE / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.dev.yaml").write_text(stack_file)
    return tmp_path


def test_project_config_defaults_apply_offline_as_pulumi_applies_them(tmp_path: Path) -> None:
    from vigil.stack_config import read_stack_config

    config = read_stack_config(_project(tmp_path, "config:\n  monitoring:awsRegion: eu-central-1\n"), "dev")
    assert config.get("awsRegion") == "eu-central-1"  # the stack's value wins
    assert config.get("catalog") == "catalog" and config.get("datadogValidate") == "true"
    assert json.loads(config.get("backends")) == ["datadog", "aws"]


@pytest.mark.parametrize("content", ["- just a list\n", "config: [a, b]\n", "config: {monitoring:backends: [splunk]}\n"])
def test_malformed_stack_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    monkeypatch.chdir(_project(tmp_path, content))
    assert main(["plan", "--stack", "dev", "--catalog", str(REFERENCE / "catalog")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Pulumi.dev.yaml" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "-5", "many", "1", "999"])
def test_diff_max_length_must_be_positive(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Below 1000 characters the headings alone overflowed it: `--max-length 1` printed 357."""
    assert main(["diff", "--stack", "prod", "--base", "HEAD", "--format", "markdown", "--max-length", value]) == 1
    assert "expected a positive number of characters" in capsys.readouterr().err


def test_catalog_that_is_a_file_is_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--catalog", str(REFERENCE / "catalog" / "api.yaml")]) == 2
    assert "is a file, not a folder of YAML files" in capsys.readouterr().err
