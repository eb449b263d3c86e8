"""Every problem in one round: `vigil validate` says every problem it can soundly find at once — a stack file's, every
catalog file's, every team's and service's, the stacks' selections, and the vendor rules of every service that
validates — each once, at its line. A user who fixes them all is done (issue 21 item 4).

What cannot be checked soundly is not guessed at: a service that does not validate, or whose team does not, gets no
vendor rules (its routes are unknown); a stack whose own file is wrong hides the rules of its environment only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from program.settings import SettingsError, parse_settings
from spec.catalog import read_catalog
from vigil.cli import main

WORKER = """service: worker
team: platform
runbook: docs/runbooks/worker.md
routes:
  page: {datadog: ["@pagerduty-platform"]}
sources:
  datadog: {apm_service: worker}
logs: {retention: 30d}
alerts:
  queue_backlog: {critical: 100}
"""
ORDERS = "service: orders\nteam: platform\nrunbook: docs/runbooks/orders.md\nlogs: {retention: 30d}\nalertz: {}\n"
TEAMS = """teams:
  platform:
    description: Platform team
  payments:
    escalation:
      - notify: primary on-call
      - notify: secondary on-call
"""
CHECKOUT = WORKER.replace("worker", "checkout").replace("team: platform", "team: payments")


def problems(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """Run the CLI, which exits 2 and counts what it says; the problems it says."""
    assert main(list(argv or ["validate"])) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[-1] == f"{len(lines) - 1} problem(s) found", err
    return lines[:-1]


def line_of(path: Path, text: str) -> int:
    return next(n for n, row in enumerate(path.read_text().splitlines(), 1) if text in row)


def test_every_layer_says_its_problems_in_the_same_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = project / "catalog"
    shutil.copy(catalog / "api.yaml", catalog / "api-copy.yaml")  # the same service name twice
    with (catalog / "api.yaml").open("a") as api:
        api.write("  staging: {}\n")  # an overlay for an environment no stack deploys
    (catalog / "broken.yaml").write_text("service: [unclosed\n")  # YAML that does not parse
    (catalog / "orders.yaml").write_text(ORDERS)  # a shape error
    (catalog / "teams.yaml").write_text(TEAMS)  # a team whose escalation is wrong
    (catalog / "checkout.yaml").write_text(CHECKOUT)  # of that team: its routes are unknown, so it is not checked further
    (catalog / "worker.yaml").write_text(WORKER)  # valid, but CloudWatch and Datadog cannot measure its alert
    (project / "Pulumi.prod-extra.yaml").write_text("config:\n  monitoring:environment: prod\n  monitoring:services: [nosuch]\n")
    found = problems(capsys)
    expected = [
        ("Pulumi.prod-extra.yaml:3:3: monitoring:services: names nosuch: no service of environment 'prod' has that name"),
        ("catalog/api.yaml:5:10: service: service name 'api' is already used at catalog/api-copy.yaml:5:10"),
        (f"catalog/api.yaml:{line_of(catalog / 'api.yaml', 'staging')}:3: environments.staging: unknown environment"),
        ("catalog/broken.yaml:2:1: <service>: invalid YAML"),
        ("catalog/orders.yaml:5:1: <service>: unknown key 'alertz'; did you mean 'alerts'?"),
        ("catalog/teams.yaml:"),  # its line is the escalation's (tests/teams say which)
        ("catalog/worker.yaml:10:18: alerts.queue_backlog: in environments 'dev', 'prod': Datadog needs sources.aws.sqs.queue"),
    ]
    assert len(found) == len(expected), "\n".join(found)
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert "teams.payments.escalation[1]: step 2 ('secondary on-call') needs 'after'" in found[5]


def test_a_broken_stack_file_hides_no_catalog_problem(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dev = project / "Pulumi.dev.yaml"
    dev.write_text(dev.read_text().replace("awsRegion: eu-west-1", "awsRegion: eu-wset-1").replace("https://api.datadoghq.eu/", "http://api.datadoghq.eu/"))
    (project / "catalog" / "orders.yaml").write_text(ORDERS)
    (project / "catalog" / "worker.yaml").write_text(WORKER)
    found = problems(capsys)
    expected = [
        f"error: Pulumi.dev.yaml:{line_of(dev, 'awsRegion')}:3: monitoring:awsRegion 'eu-wset-1' is not an AWS region;",
        f"error: Pulumi.dev.yaml:{line_of(dev, 'datadogApiUrl')}:3: monitoring:datadogApiUrl must be an https:",
        "catalog/orders.yaml:5:1: <service>: unknown key 'alertz'",
        "catalog/worker.yaml:10:18: alerts.queue_backlog: in environment 'prod':",  # dev's deployment is unknown until its file is fixed
    ]
    assert len(found) == len(expected), "\n".join(found)
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert problems(capsys, "plan", "--stack", "prod") == found  # a plan checks as much, at once


def test_every_wrong_setting_of_a_stack_is_said_at_once() -> None:
    config = {"awsRegion": "eu-wset-1", "docsBaseUrl": "ftp://docs", "teams": "payments"}
    with pytest.raises(SettingsError) as raised:
        parse_settings(config.get, "dev")
    assert [p.key for p in raised.value.problems] == ["awsRegion", "docsBaseUrl", "teams"]


def test_a_catalog_read_with_problems_holds_its_sound_services(tmp_path: Path) -> None:
    """What checks further reads: the services that validate with their team, under a name used once."""
    (tmp_path / "teams.yaml").write_text(TEAMS)
    (tmp_path / "worker.yaml").write_text(WORKER)
    (tmp_path / "checkout.yaml").write_text(CHECKOUT)
    (tmp_path / "orders.yaml").write_text(ORDERS)
    (tmp_path / "twice-a.yaml").write_text(WORKER.replace("worker", "twice"))
    (tmp_path / "twice-b.yaml").write_text(WORKER.replace("worker", "twice"))
    catalog, errors = read_catalog(tmp_path, ["prod"], strict=True)
    assert sorted(catalog.services["prod"]) == ["worker"]
    assert {"checkout", "orders", "twice", "worker"} <= catalog.names_written and {"payments", "platform"} <= catalog.teams_written
    assert len(errors) == 3  # the team's escalation, the unknown key, the name used twice: nothing of checkout itself
