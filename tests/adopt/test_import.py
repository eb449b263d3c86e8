"""`vigil import`: recorded vendor objects become a valid spec and an import file whose names are the plan's, nothing
dropped without a word; the round trip through the vendors (the plan's own monitors and alarms, read live) gives back
the same queries, thresholds and options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.vendors.datadog_server import DatadogServer
from vigil.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "adopt"
DATADOG = FIXTURES / "datadog-monitors.json"
CLOUDWATCH = FIXTURES / "cloudwatch-alarms.json"


def _run(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _import_recorded(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return _run(project, monkeypatch, capsys, "import", "--service", "checkout", "--datadog-file", str(DATADOG),
                "--cloudwatch-file", str(CLOUDWATCH), "--stack", "prod", *extra)


def test_recorded_shapes_become_a_valid_spec_and_an_import_file(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _import_recorded(project, monkeypatch, capsys)
    assert code == 0, err
    lines = out.splitlines()
    monitors, alarms = json.loads(DATADOG.read_text()), json.loads(CLOUDWATCH.read_text())
    names = [f"Datadog monitor {m['id']} “{m['name']}”" for m in monitors]
    names += [f"CloudWatch alarm “{a['AlarmName']}”" for a in [*alarms["MetricAlarms"], *alarms["CompositeAlarms"]]]
    verdicts = [line for line in lines if line.startswith(("adopted: ", "not expressed: "))]
    assert len(verdicts) == len(names)  # every object has its verdict: nothing dropped silently
    for name in names:
        assert sum(name in line for line in verdicts) == 1, name
    said = {line.split(" → ")[0].removeprefix("adopted: "): line.split(" → ")[1].split(" (")[0] for line in verdicts if line.startswith("adopted: ")}
    assert said["Datadog monitor 4101 “Checkout p95 latency is high”"] == "alerts.latency_p95"
    assert said["Datadog monitor 4102 “Checkout 5xx rate”"] == "alerts.error_rate"
    assert said["Datadog monitor 4108 “Checkout error logs”"] == "alerts.error_log_rate"
    assert said["CloudWatch alarm “checkout-p95-latency”"] == "alerts.latency_p95"
    assert said["CloudWatch alarm “checkout-db-connections”"] == "alerts.db_connections"
    assert said["CloudWatch alarm “checkout-5xx-rate”"] == "alerts.error_rate"  # metric math with ids of its own
    reasons = {line.split(": ", 2)[1]: line.split(": ", 2)[2] for line in verdicts if line.startswith("not expressed: ")}
    assert "composite monitor" in reasons["Datadog monitor 4106 “Checkout slow and failing”"]
    assert "SLO alert" in reasons["Datadog monitor 4105 “Checkout SLO fast burn”"]
    assert "synthetic test" in reasons["Datadog monitor 4107 “Checkout health”"]
    assert "composite alarm" in reasons["CloudWatch alarm “checkout-degraded”"]
    spec = (project / "catalog" / "checkout.yaml").read_text()
    assert "latency_p95:\n    critical: 800ms\n    warning: 600ms" in spec
    assert "error_log_rate:\n    critical: 10/m\n    warning: 2/m" in spec  # 50 lines in 5 minutes
    assert "- '@pagerduty-checkout'" in spec and "runbook: https://wiki.example.com/runbooks/checkout" in spec
    assert "# Not expressed" in spec
    code, _, err = _run(project, monkeypatch, capsys, "validate")
    assert code == 0, err
    document = json.loads((project / "import-checkout.json").read_text())
    code, out, err = _run(project, monkeypatch, capsys, "plan", "--stack", "prod", "--service", "checkout", "--format", "json")
    assert code == 0, err
    planned = {(r["name"], r["type"], r["parent"], r["options"]["provider"]) for r in json.loads(out)["resources"]}
    imported = document["resources"]
    assert imported[0] == {"type": "vigil:index:ServiceMonitoring", "name": "checkout", "component": True}
    assert {(r["name"], r["type"], r["parent"], r["provider"]) for r in imported[1:]} <= planned
    assert {r["id"] for r in imported[1:]} == {"4101", "4102", "4108", "checkout-p95-latency", "checkout-db-connections", "checkout-5xx-rate"}
    assert document["nameTable"] == {
        "aws-eu-west-1": "urn:pulumi:prod::monitoring::pulumi:providers:aws::aws-eu-west-1",
        "datadog": "urn:pulumi:prod::monitoring::pulumi:providers:datadog::datadog",
    }


def test_an_existing_spec_is_not_overwritten_without_force(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "catalog" / "checkout.yaml").write_text("# mine\n")
    code, _, err = _import_recorded(project, monkeypatch, capsys)
    assert code == 2 and "checkout.yaml exists: give --force" in err
    assert (project / "catalog" / "checkout.yaml").read_text() == "# mine\n"
    code, _, err = _import_recorded(project, monkeypatch, capsys, "--force", "--import-file", str(project / "f.json"))
    assert code == 0, err
    assert (project / "f.json").is_file()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("[{", ":1:3: not JSON: "),
        ('[{"type": "query alert", "query": 5}]', ": [0].query: expected a string, got 5"),
        ('{"MetricAlarms": "x"}', ": MetricAlarms: expected a list"),
        ('{"monitors": [], "metadata": {}}', ": expected the JSON list GET /api/v1/monitor returns, or one exported monitor (with type and query); got an object with keys metadata, monitors"),
        ('{"MetricAlarms": [{"AlarmName": "a", "MetricName": "m", "Period": 0}]}', ": MetricAlarms[0].Period: expected a whole number of at least 1, got 0"),
        ('{"MetricAlarms": [{"AlarmName": "a", "MetricName": "m"}]}', ": MetricAlarms[0].Period: missing"),
        ('{"MetricAlarms": [{"AlarmName": "a", "MetricName": "m", "Period": 60, "Threshold": NaN}]}', ": MetricAlarms[0].Threshold: expected a finite number, got nan"),
        ('{"MetricAlarms": [{"AlarmName": "a", "MetricName": "m", "Period": 60, "AlarmActions": [5]}]}', ": MetricAlarms[0].AlarmActions[0]: expected an ARN (a string), got 5"),
        ('{"MetricAlarms": [{"AlarmName": "a", "Metrics": {"m1": {}}}]}', ": MetricAlarms[0].Metrics: expected a list, got"),
        ('{"MetricAlarms": [{"AlarmName": "a", "Metrics": [{"Id": "m1", "MetricStat": {"Metric": {"MetricName": "m"}, "Stat": "Sum"}}]}]}',
         ": MetricAlarms[0].Metrics[0].MetricStat.Period: missing"),
    ],
)
def test_unreadable_input_is_said_at_its_place(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: str, said: str
) -> None:
    path = project / "estate.json"
    path.write_text(content)
    flag = "--cloudwatch-file" if "MetricAlarms" in content else "--datadog-file"
    code, _, err = _run(project, monkeypatch, capsys, "import", "--service", "checkout", flag, str(path), "--stack", "prod")
    assert code == 2
    assert f"error: {path}{said}" in err
    assert not (project / "catalog" / "checkout.yaml").exists()


def test_the_vendors_words_cannot_break_the_spec_or_the_terminal(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A name, a type or a query holding a newline or an escape stays in its comment line of the written spec and is
    shown escaped on the terminal."""
    path = project / "estate.json"
    path.write_text(json.dumps([{"id": 1, "type": "weird\nservice: evil", "name": "n\x1b[2J\n  team: x", "query": "q"}]))
    code, out, err = _run(project, monkeypatch, capsys, "import", "--service", "checkout", "--datadog-file", str(path), "--stack", "prod")
    assert code == 0, err
    assert "not expressed: Datadog monitor 1 “n\\x1b[2J\\n  team: x”: a weird\\nservice: evil monitor" in out and "\x1b" not in out
    spec = (project / "catalog" / "checkout.yaml").read_text()
    assert "#   - Datadog monitor 1 “n\\x1b[2J\\n  team: x”: a weird\\nservice: evil monitor" in spec
    assert all(line.startswith("#") for line in spec.split("\nservice: checkout\n")[0].splitlines())
    code, _, err = _run(project, monkeypatch, capsys, "validate")
    assert code == 0, err


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (("--service", "Check Out", "--datadog"), "--service 'Check Out': a lowercase name"),
        (("--service", "checkout", "--datadog-file", "x.json", "--tags", "team:a"), "--tags goes with --datadog"),
        (("--service", "checkout", "--datadog-file", "x.json", "--prefix", "checkout-"), "--prefix with --cloudwatch"),
        (("--service", "checkout", "--datadog", "--tags", " "), "--tags: an empty tag"),
        (("--service", "checkout", "--cloudwatch", "--prefix", ""), "--prefix '': an alarm name prefix of 1 to 255 characters"),
        (("--service", "checkout", "--cloudwatch", "--prefix", "x" * 256), "an alarm name prefix of 1 to 255 characters"),
    ],
)
def test_flags_with_bad_values_are_refused_before_any_read(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], said: str
) -> None:
    code, _, err = _run(project, monkeypatch, capsys, "import", *flags, "--stack", "prod")
    assert code == 2
    assert err.startswith("error: ") and said in err
    assert not (project / "catalog" / "checkout.yaml").exists()


def test_a_datadog_that_cannot_be_reached_is_an_error_not_a_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The client's transport errors (urllib3's, not OSErrors) are a failed live read: said, exit 1."""
    import datadog_api_client

    class NoRetries(datadog_api_client.Configuration):  # the refusal at once, not after the client's backoff
        def __init__(self, **kwargs: object) -> None:
            super().__init__(**kwargs, max_retries=0)  # type: ignore[arg-type]

    monkeypatch.setattr(datadog_api_client, "Configuration", NoRetries)
    monkeypatch.setenv("VIGIL_DATADOG_API_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("DD_API_KEY", "k")
    monkeypatch.setenv("DD_APP_KEY", "k")
    code, _, err = _run(project, monkeypatch, capsys, "import", "--service", "checkout", "--datadog", "--stack", "prod")
    assert code == 1
    assert err.startswith("error: Datadog (http://127.0.0.1:1): ") and "Connection refused" in err and "Traceback" not in err
    assert not (project / "catalog" / "checkout.yaml").exists()


def test_round_trip_through_the_vendors(project: Path, vendors: DatadogServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The reference service's monitors and alarms, as the vendors hold them after `pulumi up`, read live and imported
    into a catalog without it: every registry alert comes back with the same query, thresholds and options (no change
    on adoption), under the plan's own logical names."""
    (project / "catalog" / "api.yaml").rename(project / "api.yaml.orig")
    code, out, err = _run(project, monkeypatch, capsys, "import", "--service", "api", "--datadog", "--cloudwatch", "--stack", "prod")
    assert code == 0, err
    lines = out.splitlines()
    adopted = [i for i, line in enumerate(lines) if line.startswith("adopted: ")]
    assert len(adopted) >= 30
    for i in adopted:
        following = lines[i + 1] if i + 1 < len(lines) else ""
        assert not following.startswith("  - "), (lines[i], following)  # nothing vigil would change
    spec = (project / "catalog" / "api.yaml").read_text()
    assert "latency_p95:\n    critical: 500ms\n    warning: 400ms" in spec
    assert "endpoint: platform-oncall@example.com" in spec  # the ticket topic's subscriber, read live
    document = json.loads((project / "import-api.json").read_text())
    assert {r["name"] for r in document["resources"]} >= {"api", "api-latency-p95", "api-latency-p95-critical", "api-error-rate", "api-cpu-warning"}
