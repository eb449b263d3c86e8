"""AWS stack settings with a bad value: one clear config message and exit 2, never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from aws_helpers import PROJECT

from program.settings import SettingsError, parse_settings
from vigil.cli import main


def _settings(**values: str) -> object:
    return parse_settings(lambda key: values.get(key), "prod")


@pytest.mark.parametrize(
    "key",
    [
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "alias/monitoring-sns",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:eu-west-1:123456789012:alias/monitoring-sns",
    ],
)
def test_sns_kms_key_takes_each_way_kms_names_a_key(key: str) -> None:
    assert _settings(snsKmsKey=key).sns_kms_key == key  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "key, message",
    [
        ("not a key", "monitoring:snsKmsKey must be a KMS key id, alias/<name> or a key or alias ARN, got 'not a key'"),
        ("arn:aws:sns:eu-west-1:123456789012:topic", "must be a KMS key id"),
        ("alias/aws/sns", "alias/aws/sns is AWS managed: CloudWatch cannot publish to topics it encrypts"),
        ("arn:aws:kms:eu-west-1:123456789012:alias/aws/sns", "alias/aws/sns is AWS managed"),
    ],
)
def test_sns_kms_key_rejects_what_cloudwatch_cannot_publish_through(key: str, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        _settings(snsKmsKey=key)
    assert message in str(raised.value)


def _validate_with(setting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """`vigil validate` of the reference catalog, its prod stack given one more config line; returns stderr."""
    for stack_file in PROJECT.glob("Pulumi*.yaml"):
        shutil.copy(stack_file, tmp_path / stack_file.name)
    (tmp_path / "Pulumi.prod.yaml").write_text((PROJECT / "Pulumi.prod.yaml").read_text() + f"  {setting}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--catalog", str(PROJECT / "catalog")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_bad_sns_kms_key_stops_validate_with_the_stack_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _validate_with("monitoring:snsKmsKey: alias/aws/sns", tmp_path, monkeypatch, capsys)
    assert re.search(r"error: Pulumi\.prod\.yaml:\d+:3: monitoring:snsKmsKey alias/aws/sns is AWS managed", err), err  # file:line:col of the key


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("monitoring:logForwarderArn: nonsense", "monitoring:logForwarderArn 'nonsense' is not a Lambda function ARN"),
        ("monitoring:logForwarderArn: arn:aws:lambda:eu-wset-1:123456789012:function:forwarder", "monitoring:logForwarderArn: its region 'eu-wset-1' is not an AWS region; did you mean 'eu-west-1'?"),
        ("monitoring:logForwarderArn: arn:aws-cn:lambda:eu-west-1:123456789012:function:forwarder", "monitoring:logForwarderArn is in partition aws-cn, but its region eu-west-1 is in aws"),
        ("monitoring:snsKmsKey: arn:aws:kms:eu-wset-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "monitoring:snsKmsKey: its region 'eu-wset-1' is not an AWS region"),
    ],
)
def test_an_arn_in_the_stack_config_is_checked_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    """A forwarder ARN that is no ARN was blamed on the catalog's logs; a key's region was not checked at all."""
    err = _validate_with(setting, tmp_path, monkeypatch, capsys)
    assert re.search(r"error: Pulumi\.prod\.yaml:\d+:3: ", err) and message in err, err


def test_a_docs_base_url_that_would_notify_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """It starts the links of every Datadog message: a handle in it would be told of every alert."""
    err = _validate_with("monitoring:docsBaseUrl: https://docs.example.com/@slack-evil/", tmp_path, monkeypatch, capsys)
    assert re.search(r"error: Pulumi\.prod\.yaml:\d+:3: monitoring:docsBaseUrl: '@slack-evil' would notify that handle", err), err
