"""Bad stack config and hostile files: one clear error, naming the file (and line) and the key, exit 2, no traceback.

Each case runs `vigil validate` on a copy of the reference project with one thing broken (issue #10, item 7).
Broken catalog files are in the corpus (tests/corpus/, tests/specs/test_broken_corpus.py); here are the stack
files, Pulumi.yaml, catalog entries that cannot be read, and `vigil preview-summary` on hostile JSON.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from program.settings import SettingsError, aws_regions, parse_settings
from tests.reference import REFERENCE
from vigil.cli import main


def one_error(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 2) -> str:
    """Run the CLI; it exits with `code` and says exactly one thing on stderr (plus the count line for spec errors)."""
    assert main(list(argv or ["validate"])) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if not re.fullmatch(r"\d+ problem\(s\) found", line)]
    assert len(lines) == 1, err
    return lines[0]


def set_config(project: Path, line: str, stack: str = "dev") -> int:
    """Replace (or add) a config line of a stack file; returns its line number."""
    path = project / f"Pulumi.{stack}.yaml"
    key = line.split(":", 2)[0] + ":" + line.split(":", 2)[1]
    rows = [row for row in path.read_text().splitlines() if not row.strip().startswith(key.strip() + ":")]
    rows.append(f"  {line}")
    path.write_text("\n".join(rows) + "\n")
    return len(rows)


# --- stack settings: blamed on the stack file, its line and the key -------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("monitoring:awsRegion: eu-nowhere-1", "monitoring:awsRegion 'eu-nowhere-1' is not an AWS region"),
        ("monitoring:awsRegion: eu-wset-1", "did you mean 'eu-west-1'?"),
        ("monitoring:backends: []", "monitoring:backends must be a non-empty list of datadog, aws"),
        ("monitoring:backends: datadog", "monitoring:backends must be a non-empty list"),
        ("monitoring:backends: {datadog: true}", "monitoring:backends must be a non-empty list"),
        ("monitoring:backends: [datadog, splunk]", "monitoring:backends has unknown splunk; allowed: datadog, aws"),
        ("monitoring:datadogApiUrl: not a url", "monitoring:datadogApiUrl must be an https:// URL"),
        ("monitoring:datadogApiUrl: http://api.datadoghq.com/", "monitoring:datadogApiUrl must be an https:// URL"),
        ("monitoring:docsBaseUrl: ftp://docs.example.com/", "monitoring:docsBaseUrl must be an https:// URL"),
        ("monitoring:docsBaseUrl: https://docs.example.com:0/", "monitoring:docsBaseUrl must be an https:// URL"),
        ("monitoring:docsBaseUrl: https://docs.example.com:70000/", "monitoring:docsBaseUrl must be an https:// URL"),
        ("monitoring:environment: Dev Env", "monitoring:environment 'Dev Env' must be a lowercase name"),
        ("monitoring:environment: [dev]", "monitoring:environment '[\"dev\"]' must be a lowercase name"),
    ],
)
def test_a_bad_setting_is_blamed_on_its_line_and_key(project: Path, capsys: pytest.CaptureFixture[str], line: str, message: str) -> None:
    number = set_config(project, line)
    error = one_error(capsys)
    assert error.startswith(f"error: Pulumi.dev.yaml:{number}:3: ") and message in error, error


def test_an_environment_from_a_bad_stack_name_says_to_set_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.Staging.yaml").write_text("config:\n  monitoring:backends: [datadog]\n")
    error = one_error(capsys)
    assert error.startswith("error: Pulumi.Staging.yaml: monitoring:environment 'Staging' must be a lowercase name")
    assert "defaults to the stack name" in error


def test_a_bad_default_in_pulumi_yaml_is_blamed_on_pulumi_yaml(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (project / "Pulumi.yaml").read_text()
    (project / "Pulumi.yaml").write_text(text.replace("default: [datadog, aws]", "default: []"))
    for stack in ("dev", "prod"):
        path = project / f"Pulumi.{stack}.yaml"
        path.write_text("".join(row + "\n" for row in path.read_text().splitlines() if "monitoring:backends" not in row))
    number = next(n for n, row in enumerate((project / "Pulumi.yaml").read_text().splitlines(), 1) if "default: []" in row)
    error = one_error(capsys)
    assert error.startswith(f"error: Pulumi.yaml:{number}:14: monitoring:backends must be a non-empty list"), error


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("Pulumi.dev.yaml", b"config:\n  monitoring:environment: dev\n  1: 2\n", "Pulumi.dev.yaml:3:3: config: keys must be strings, got 1"),
        ("Pulumi.dev.yaml", b"config:\n  monitoring:environment: d\xe9v\n", "Pulumi.dev.yaml:2:28: not UTF-8: byte 0xe9"),
        ("Pulumi.dev.yaml", b"config:\n  monitoring:environment: dev\n  monitoring:environment: prod\n", "Pulumi.dev.yaml:3:3: config: duplicate key"),
        ("Pulumi.yaml", b"name: monitoring\nconfig: [\n", "Pulumi.yaml:3:1: invalid YAML"),
        ("Pulumi.yaml", b"name: monitoring\ndescription: caf\xe9\n", "Pulumi.yaml:2:17: not UTF-8"),
        ("Pulumi.yaml", b"name: monitoring\nconfig: [a, b]\n", "Pulumi.yaml:2:9: 'config:' must be a mapping"),
        ("Pulumi.yaml", b"- a list\n", "Pulumi.yaml:1:1: expected a mapping"),
        ("Pulumi.yaml", b"name: [monitoring]\n", "Pulumi.yaml:1:7: the project 'name:' must be a string"),
        ("Pulumi.yaml", b"name: mon itoring/../x\n", "Pulumi.yaml:1:7: the project 'name:' must be a Pulumi project name"),
    ],
)
def test_a_broken_project_or_stack_file_is_named(
    project: Path, capsys: pytest.CaptureFixture[str], file: str, content: bytes, message: str
) -> None:
    (project / file).write_bytes(content)
    error = one_error(capsys)
    assert error.startswith(f"error: {message}"), error


def test_regions_come_from_botocore_every_partition() -> None:
    assert {"eu-west-1", "us-east-1", "cn-north-1", "us-gov-west-1"} <= aws_regions()
    assert parse_settings(lambda key: {"awsRegion": "cn-north-1"}.get(key), "dev").aws_region == "cn-north-1"
    with pytest.raises(SettingsError) as raised:
        parse_settings(lambda key: {"awsRegion": "us-east-7"}.get(key), "dev")
    assert raised.value.key == "awsRegion"


def test_the_spec_checks_regions_as_the_stack_config_does() -> None:
    """`sources.aws.region: eu-west-9` validated (only monitoring:awsRegion was checked against botocore): one list,
    spec.regions, and the spec's pattern admits every region in it (the JSON Schema does not refuse a real one)."""
    from spec.grammar import AWS_REGION_PATTERN
    from spec.sources import AwsSource

    assert all(re.fullmatch(AWS_REGION_PATTERN, region) for region in aws_regions())
    assert AwsSource(region="us-isob-east-1").region == "us-isob-east-1"
    for region in ("eu-west-9", "us-east-7"):
        with pytest.raises(ValueError, match=re.escape(f"'{region}' is not an AWS region")):
            AwsSource(region=region)
        with pytest.raises(SettingsError, match=re.escape(f"monitoring:awsRegion '{region}' is not an AWS region")):
            parse_settings(lambda key, region=region: {"awsRegion": region}.get(key), "dev")


def test_botocore_is_read_only_when_a_region_is_checked(tmp_path: Path) -> None:
    """Its import and endpoint data cost a tenth of a second: a catalog without regions never pays it."""
    import subprocess
    import sys

    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "web.yaml").write_text(
        "service: web\nteam: platform\nrunbook: docs/runbooks/web.md\nlogs: {retention: 30d}\nroutes: {page: {datadog: ['@pagerduty-web']}}\n"
        "sources: {aws: {load_balancer: app/web/50dc6c495c0c9188}}\nalerts: {cpu: {critical: 80%}}\n"
    )
    code = (
        "import sys; from spec import load_catalog; load_catalog(sys.argv[1], ['dev', 'prod']); loaded = 'botocore' in sys.modules; "
        "from spec.sources import AwsSource; AwsSource(region='eu-west-1'); print(loaded, 'botocore' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "catalog")], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_a_docs_base_url_without_its_slash_gets_one() -> None:
    settings = parse_settings(lambda key: {"docsBaseUrl": "https://git.example.com/org/monitoring/blob/main"}.get(key), "dev")
    assert settings.docs_base_url == "https://git.example.com/org/monitoring/blob/main/"


# --- catalog entries that cannot be read: errors, never skipped -------------------------------------------------------


def test_a_symlink_that_cannot_be_followed_nor_read_is_an_error(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`--catalog /proc` met /proc/1/cwd: stat and readlink both refused (EACCES), and readlink's error was a traceback."""
    link = project / "catalog" / "payments.yaml"
    link.symlink_to("../../elsewhere/payments.yaml")
    real_stat, real_readlink = os.stat, os.readlink

    def denied(path: object, *args: object, **kwargs: object) -> object:
        if str(path).endswith("payments.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", denied)
    monkeypatch.setattr(os, "readlink", lambda path, *a, **k: denied(path) if str(path).endswith("payments.yaml") else real_readlink(path))
    error = one_error(capsys)
    assert error.startswith("catalog/payments.yaml:1:1: catalog: cannot read catalog/payments.yaml: Permission denied"), error


def test_a_link_that_vanishes_while_read_is_an_error_not_a_traceback(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`--catalog /` met /dev/fd/3: a dangling link whose readlink then failed (ENOENT, the descriptor gone)."""
    (project / "catalog" / "payments.yaml").symlink_to("../../elsewhere/payments.yaml")
    real_readlink = os.readlink

    def gone(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("payments.yaml"):
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real_readlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "readlink", gone)
    error = one_error(capsys)
    assert error.startswith("catalog/payments.yaml:1:1: catalog: catalog/payments.yaml is a dangling symlink; skipping it"), error


@pytest.mark.parametrize("shape", ["deep", "wide"])
def test_a_folder_too_big_to_be_a_catalog_is_one_error(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, shape: str) -> None:
    """`--catalog /` or a home folder: refused at the walk's bounds, before a whole disk is read."""
    from spec import catalog_files

    monkeypatch.setattr(catalog_files, "MAX_ENTRIES", 50)
    monkeypatch.setattr(catalog_files, "MAX_DEPTH", 3)
    if shape == "deep":
        (project / "catalog" / "a" / "b" / "c" / "d" / "e").mkdir(parents=True)
    else:
        for n in range(60):
            (project / "catalog" / f"notes-{n}.txt").write_text("")
    error = one_error(capsys)
    why = "is 4 folders deep" if shape == "deep" else "it holds more than 50 entries"
    assert error.startswith("catalog:1:1: catalog: catalog is no catalog folder: ") and why in error, error


def test_a_dangling_symlink_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "catalog" / "payments.yaml").symlink_to("../../elsewhere/payments.yaml")
    error = one_error(capsys)
    assert error.startswith("catalog/payments.yaml:1:1: catalog: catalog/payments.yaml is a dangling symlink (to ../../elsewhere/payments.yaml)")
    assert "would make `pulumi up` delete the monitoring of the services it holds" in error


def test_a_looping_symlink_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "catalog" / "loop.yaml").symlink_to("loop.yaml")
    assert "catalog/loop.yaml is a symlink loop (to loop.yaml)" in one_error(capsys)


@pytest.mark.parametrize("target", [".", "..", "../.."])
def test_a_folder_linking_back_is_an_error(project: Path, capsys: pytest.CaptureFixture[str], target: str) -> None:
    (project / "catalog" / "again").symlink_to(target)  # to the catalog, or a folder holding it
    assert "catalog: catalog/again links back to" in one_error(capsys)


def test_a_folder_linked_twice_is_an_error(project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (project / "catalog" / "a").symlink_to(tmp_path / "shared")
    (project / "catalog" / "b").symlink_to(tmp_path / "shared")
    error = one_error(capsys)
    assert "catalog: catalog/b links to" in error and "which is read already" in error


def test_a_linked_folder_is_read(project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    text = (project / "catalog" / "api.yaml").read_text().replace("service: api\n", "service: web\n", 1)
    (shared / "web.yaml").write_text(text)
    (project / "catalog" / "shared").symlink_to(shared)
    assert main(["validate"]) == 0
    assert "ok: 2 service(s)" in capsys.readouterr().out


def test_a_yaml_entry_that_is_not_a_file_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(project / "catalog" / "pipe.yaml")  # reading it would block forever
    assert "catalog/pipe.yaml is not a regular file" in one_error(capsys)


def test_an_unreadable_file_is_an_error(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    target = project / "catalog" / "api.yaml"
    real = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == target:
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)  # root reads files whatever their mode
    error = one_error(capsys)
    assert error.startswith("catalog/api.yaml:1:1: catalog: cannot read file: Permission denied; skipping it would make")


def test_an_unreadable_folder_is_an_error(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project / "catalog" / "team-b"
    folder.mkdir()
    real = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == folder:
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)  # root lists folders whatever their mode
    assert "cannot list folder catalog/team-b: Permission denied" in one_error(capsys)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files and folders whatever their mode")
def test_modes_that_forbid_reading_are_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = project / "catalog" / "team-b"
    folder.mkdir()
    (project / "catalog" / "api.yaml").chmod(0)
    folder.chmod(0)
    try:
        assert main(["validate"]) == 2
        err = capsys.readouterr().err
        assert "cannot read file" in err and "cannot list folder catalog/team-b" in err
    finally:
        folder.chmod(0o755)


# --- preview-summary: one error line, whatever the JSON ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested deeper than this reader allows"),
        ('{"steps": [{"op": "update", "urn": "urn:pulumi:prod::m::t::n", "newState": {"inputs": {"x": ' + "[" * 900 + "]" * 900 + "}}}]}",
         "nested deeper than 100 levels"),
    ],
)
def test_preview_summary_of_absurdly_nested_json_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    path = tmp_path / "preview.json"
    path.write_text(content)
    error = one_error(capsys, "preview-summary", str(path), code=1)  # 1: an error (2 means "changes")
    assert error == f"error: {path}: cannot read preview JSON: {message}"


# --- outside a project: said, never another project's catalog -------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["validate"], ["validate", "--catalog", "catalog"], ["plan", "--stack", "dev"], ["docs"], ["docs", "--check"], ["stacks"], ["replay", "--standard"]],
    ids=lambda argv: " ".join(argv),
)
def test_outside_a_project_every_command_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """It fell back to the installed project's own catalog and stacks, and said "valid" of a folder it never read."""
    shutil.copytree(REFERENCE / "catalog", tmp_path / "catalog")  # a catalog, but no Pulumi.yaml here or above
    monkeypatch.chdir(tmp_path)
    error = one_error(capsys, *argv)
    assert error.startswith(f"error: no Pulumi project: no Pulumi.yaml in {tmp_path} or any folder above it; ") and "cd to" in error, error
    assert not (tmp_path / "docs").exists()


def test_diff_outside_a_project_is_an_error_not_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "--stack", "dev", "--base", "main"]) == 1  # 2 would read as "changes"
    assert "no Pulumi.yaml in" in capsys.readouterr().err


def test_terminal_escapes_in_names_reach_stderr_escaped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A stack argument or a catalog file named with an ANSI escape (clear screen) is shown, never sent to the terminal."""
    error = one_error(capsys, "plan", "--stack", "dev\x1b[2J")
    assert "\x1b" not in error and "dev\\x1b[2J" in error
    (project / "catalog" / "web\x1b[2J.yaml").write_text("service: [\n")
    error = one_error(capsys)
    assert "\x1b" not in error and error.startswith("catalog/web\\x1b[2J.yaml:"), error


@pytest.mark.parametrize("stack", ["../../etc/passwd", "dev/../prod", "", "..", "a b", "x" * 101])
def test_a_stack_name_is_a_name_not_a_path(project: Path, capsys: pytest.CaptureFixture[str], stack: str) -> None:
    """It becomes a file name (Pulumi.<stack>.yaml): `--stack ../../x` read a file outside the project."""
    error = one_error(capsys, "plan", "--stack", stack)
    assert error == f"error: {stack!r} is not a stack name: letters, digits, '-', '_' and '.' (its file is Pulumi.<stack>.yaml)", error
