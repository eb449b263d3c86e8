"""`vigil preview-summary` on documents in Pulumi's preview JSON format (`pulumi preview --json`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigil.cli import main
from vigil.diff.preview import from_preview, load_preview
from vigil.diff.summary import summarise

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "preview"


def test_preview_changes_are_summarised_like_a_diff() -> None:
    diff = from_preview(load_preview(FIXTURES / "prod-changes.json"))
    assert diff.stack == "prod"
    assert sorted((c.kind, c.name) for c in diff.changes) == [
        ("added", "api-latency-p99"),
        ("changed", "api-latency-p95"),
        ("changed", "api-logs"),
        ("removed", "api-cpu-page"),
    ]
    summary = summarise(diff)
    assert summary.sections["Thresholds"] == ["api · p95 latency · page at 500 ms → 400 ms  (Datadog monitor `api-latency-p95`)"]
    assert summary.sections["Routes"] == ["api · page: @pagerduty-platform → @pagerduty-oncall  (`api-latency-p95`)"]
    assert summary.sections["Alerts removed"] == ["api · cpu · was page at 80%  (CloudWatch metric alarm `api-cpu-page`) removed"]
    kinds = [(d.kind, d.name) for d in summary.danger]
    assert kinds == [("data-loss", "api-logs"), ("delete", "api-cpu-page"), ("replace", "api-logs")]


def test_lowering_prod_log_retention_is_named_from_a_real_preview() -> None:
    urn = "urn:pulumi:prod::monitoring::vigil:index:ServiceMonitoring$aws:cloudwatch/logGroup:LogGroup::api-logs"
    state = {"type": "aws:cloudwatch/logGroup:LogGroup", "urn": urn, "protect": True, "retainOnDelete": True,
             "inputs": {"name": "/platform/api/prod", "retentionInDays": 90}}
    after = {**state, "inputs": {**state["inputs"], "retentionInDays": 14}}
    document = {"steps": [{"op": "update", "urn": urn, "oldState": state, "newState": after, "diffReasons": ["retentionInDays"]}]}
    (danger,) = summarise(from_preview(document)).danger
    assert (danger.kind, danger.name) == ("data-loss", "api-logs")
    assert "retention 90 days → 14 days" in danger.message and "older than 14 days" in danger.message


def test_pulumi_replace_reasons_are_kept() -> None:
    diff = from_preview(load_preview(FIXTURES / "prod-changes.json"))
    (logs,) = [c for c in diff.changes if c.name == "api-logs"]
    assert logs.replaces == ("inputs.logGroupClass",)


def test_pulumi_same_wins_over_our_comparison(tmp_path: Path) -> None:
    document = load_preview(FIXTURES / "prod-no-changes.json")
    step = next(s for s in document["steps"] if s["urn"].endswith("::api-error-rate"))
    step["newState"] = json.loads(json.dumps(step["newState"]))
    step["newState"]["inputs"]["priority"] = 2  # Pulumi says `same` (e.g. a provider default): not a change
    assert not from_preview(document).has_changes
    step["op"] = "update"
    step["diffReasons"] = ["priority"]
    (change,) = from_preview(document).changes
    assert change.field("inputs.priority") is not None


def test_secrets_and_renames_from_state(tmp_path: Path) -> None:
    document = load_preview(FIXTURES / "prod-no-changes.json")
    step = next(s for s in document["steps"] if s["urn"].endswith("::api-error-rate"))
    step["op"] = "update"
    step["urn"] = step["urn"].replace("::api-error-rate", "::api-errors")
    step["newState"] = {**step["newState"], "urn": step["urn"]}
    diff = from_preview(document)
    assert [(c.kind, c.name, c.old_name) for c in diff.changes] == [("renamed", "api-errors", "api-error-rate")]
    provider = next(r for r in diff.head["resources"] if r["name"] == "datadog")
    assert provider["inputs"]["apiKey"] == "[secret]"


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-summary", str(FIXTURES / "prod-changes.json"), "--format", "markdown"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("### Monitoring changes · stack `prod`") and "⚠️ Danger" in out
    assert "`@pagerduty-oncall`" in out  # no GitHub @-mention of a Datadog handle
    assert main(["preview-summary", str(FIXTURES / "prod-no-changes.json")]) == 0
    assert "No monitoring changes." in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a preview"}')
    assert main(["preview-summary", str(bad)]) == 1
    assert "no `steps` list" in capsys.readouterr().err
    assert main(["preview-summary", str(tmp_path / "missing.json")]) == 1
    assert "missing.json: cannot read preview JSON" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, problem",
    [
        ('{"steps": [', "cannot read preview JSON"),
        ('{"steps": [1]}', "step 1 is not a preview step: not an object"),
        ('{"steps": [{"op": "create", "urn": "x", "newState": {"inputs": {}}}]}', "step 1 is not a preview step: `urn` is not a Pulumi URN"),
        ('{"steps": [{"op": "same", "urn": "urn:pulumi:p::m::t::n", "newState": "x"}]}', "`newState` is not an object"),
        ('{"steps": [{"op": "same", "urn": "urn:pulumi:p::m::t::n", "oldState": {"inputs": 5}}]}', "`oldState.inputs` is not an object"),
        ('{"steps": [{"op": "same", "urn": "urn:pulumi:p::m::t::n", "oldState": {"parent": 5}}]}', "`oldState.parent` is not a string"),
    ],
)
def test_a_malformed_preview_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str) -> None:
    broken = tmp_path / "preview.json"
    broken.write_text(text)
    assert main(["preview-summary", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {broken}: ") and problem in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"steps": [{"op": "update", "urn": "urn:pulumi:p::m::t::n", "diffReasons": [5]}]}', "step 1 is not a preview step: `diffReasons` is not a list of property names"),
        (b'{"steps": [{"op": "replace", "urn": "urn:pulumi:p::m::t::n", "replaceReasons": "endpoint"}]}', "`replaceReasons` is not a list of property names"),
        (b'{"steps": [{"op": "same", "urn": "urn:pulumi:p::m::t::n", "newState": {"inputs": {"x": NaN}}}]}', "NaN is not a JSON number"),
        (b'{"steps": [{"op": "same", "urn": "urn:pulumi:p::m::t::n", "newState": {"inputs": {"x": -Infinity}}}]}', "-Infinity is not a JSON number"),
        (b'{"steps": [{"op": "same", "urn": "urn:pulumi:p::m::t::n", "newState": {"inputs": {"x": 1e400}}}]}', "number 1e400 is too large"),
        (b'{"steps": [{"op": "same", "urn": "urn:pulumi:p::m::t::n", "newState": {"inputs": {"x": 1' + b"0" * 5000 + b'}}}]}', "number 10000000000000000000\u2026(5001 characters) is too large"),
        (b'{"steps": [{"op": "delete", "op": "same", "urn": "urn:pulumi:p::m::t::n"}]}', "duplicate key 'op'"),
        (b'{"steps": [{"op": "same", "urn": "urn:pulumi:p::m::t::\\ud800"}]}', "a lone surrogate"),
        ('{"steps": []}'.encode("utf-16"), "not UTF-8: saved as UTF-16"),
    ],
    ids=["reason-number", "reasons-string", "nan", "infinity", "1e400", "5000-digits", "duplicate-key", "surrogate", "utf-16"],
)
def test_hostile_json_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, problem: str) -> None:
    """A reason that is a number was a TypeError; a lone surrogate a UnicodeEncodeError on output; NaN, infinities and
    a duplicated `op` were read without a word (Pulumi writes none of them)."""
    broken = tmp_path / "preview.json"
    broken.write_bytes(content)
    assert main(["preview-summary", str(broken), "--format", "json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {broken}: ") and problem in err.encode().decode("unicode_escape" if "\\u" in problem else "utf-8") and len(err.strip().splitlines()) == 1, err


def test_an_endless_preview_is_read_no_further_than_a_preview_may_be(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`vigil preview-summary /dev/zero` read until memory ran out."""
    from vigil.diff import preview

    monkeypatch.setattr(preview, "MAX_BYTES", 2**20)
    assert main(["preview-summary", "/dev/zero"]) == 1
    assert capsys.readouterr().err == "error: /dev/zero: cannot read preview JSON: more than 1 MiB, far more than a preview of thousands of resources\n"


def test_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """PowerShell's `Out-File -Encoding utf8` writes one."""
    text = (FIXTURES / "prod-no-changes.json").read_text()
    (tmp_path / "bom.json").write_text("\ufeff" + text, encoding="utf-8")
    assert load_preview(tmp_path / "bom.json") == json.loads(text)


def test_usage_errors_are_exit_1_not_2(capsys: pytest.CaptureFixture[str]) -> None:
    """For diff and preview-summary, 2 means "changes": a usage error must not look like one."""
    assert main(["preview-summary"]) == 1
    assert main(["diff", "--stack"]) == 1
    assert "usage: vigil diff" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["plan"])  # the other verbs keep argparse's 2
    assert exit_.value.code == 2


def test_diff_outside_a_git_repository_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: monitoring\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["diff", "--stack", "dev", "--base", "main"]) == 1
    err = capsys.readouterr().err
    assert "not a git repository" in err and len(err.strip().splitlines()) == 1, err


def test_diff_without_git_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: monitoring\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["diff", "--stack", "dev", "--base", "main"]) == 1
    assert capsys.readouterr().err == "error: git is not on PATH, and `vigil diff` compares git revisions\n"


def test_the_secret_marker_is_pulumis() -> None:
    from pulumi.runtime import rpc

    from vigil.diff import preview

    assert (rpc._special_sig_key, rpc._special_secret_sig) == (preview.SIG_KEY, preview.SECRET_SIG)


def test_a_rotated_secret_endpoint_is_shown_with_its_reason(capsys: pytest.CaptureFixture[str]) -> None:
    """Both sides read `[secret]`, so the plans compare equal; Pulumi's reasons say the endpoint changed (a
    replacement: the old subscription is deleted). It was "No monitoring changes", exit 0; the same change in plain
    text is a danger."""
    diff = from_preview(load_preview(FIXTURES / "prod-secret-endpoint.json"))
    (change,) = diff.changes
    assert (change.kind, change.name) == ("changed", "api-page-https-secret-pagerduty-endpoint")
    assert [f.to_dict() for f in change.fields] == [{"path": "inputs.endpoint", "old": "[secret]", "new": "[secret] changed"}]
    assert change.replaces == ("inputs.endpoint",)
    (danger,) = summarise(diff).danger
    assert danger.kind == "replace" and danger.message.endswith("will be replaced (deleted, then created again): endpoint [secret] → [secret] changed")
    assert main(["preview-summary", str(FIXTURES / "prod-secret-endpoint.json")]) == 2
    out = capsys.readouterr().out
    assert "No monitoring changes" not in out and "inputs.endpoint: [secret] → [secret] changed  [forces replacement]" in out


def test_a_secret_pulumi_updates_in_place_is_shown_too() -> None:
    document = load_preview(FIXTURES / "prod-secret-endpoint.json")
    replace = document["steps"][1]
    document["steps"] = [{**replace, "op": "update", "replaceReasons": None}]
    (change,) = from_preview(document).changes
    assert change.field("inputs.endpoint") is not None and change.field("inputs.endpoint").new == "[secret] changed"  # type: ignore[union-attr]
    document["steps"] = [{**replace, "op": "update", "diffReasons": ["protocol"], "replaceReasons": None}]
    (change,) = from_preview(document).changes  # Pulumi's reason stands even where the values read the same
    assert [f.to_dict() for f in change.fields] == [{"path": "inputs.protocol", "old": "https", "new": "https changed"}]
