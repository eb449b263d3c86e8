"""Per-alert notification behaviour: reminders (renotify), what silence means (no_data) and recoveries, explicit in the
spec with today's behaviour as the default, on both backends — and the replay follows them, reading the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.replay.timeline import Timeline
from vigil.routing import handles, message_for
from vigil.testkit import PlanView

from .conftest import FAMILIES

MIN = 60


def test_the_defaults_are_todays(families: dict[str, PlanView]) -> None:
    plan = families["prod"]
    page = plan.one(name="orders-worker-queue-backlog")  # critical pages: reminded every hour
    assert page.inputs["renotifyInterval"] == 60 and "{{#is_recovery}}" in page.inputs["message"]
    ticket = plan.one(name="orders-worker-cpu")  # route: ticket: told once
    assert ticket.inputs["renotifyInterval"] == 0
    alarm = plan.one(name="orders-worker-queue-age-critical")
    assert alarm.inputs["okActions"] == alarm.inputs["alarmActions"] and alarm.inputs["treatMissingData"] == "notBreaching"


def test_renotify_recovery_and_no_data_reach_both_backends(families: dict[str, PlanView]) -> None:
    plan = families["prod"]
    memory = plan.one(name="orders-worker-memory")
    assert memory.inputs["renotifyInterval"] == 15  # renotify: 15m
    dead = plan.one(name="orders-worker-dead-letters")
    assert dead.inputs["renotifyInterval"] == 0  # renotify: never, on a page
    assert "{{#is_recovery}}" not in dead.inputs["message"] and handles(message_for(dead.inputs["message"], "recovery")) == []
    dead_alarm = plan.one(name="orders-worker-dead-letters-critical")
    assert dead_alarm.inputs["okActions"] == [] and dead_alarm.inputs["alarmActions"] == ["${orders-worker-page-topic.arn}"]
    keep = plan.one(name="orders-worker-queue-backlog-critical")
    assert keep.inputs["treatMissingData"] == "ignore"  # no_data: keep
    lag = plan.one(name="ledger-reports-report-lag")
    assert lag.inputs["notifyNoData"] is True and lag.inputs["noDataTimeframe"] == 30  # no_data: alert: twice its 15m window
    assert "{{#is_no_data}}" in lag.inputs["message"] and lag.inputs["renotifyInterval"] == 30


def _timeline(result: object, name: str) -> Timeline:
    timelines = result.timelines  # type: ignore[attr-defined]
    return timelines[name]


def test_the_replay_follows_recovery_false(families: dict[str, PlanView]) -> None:
    result = families["prod"].replay(
        {"service": "orders-worker", "step": "1m", "series": {"dead_letters": "0 x30, 5 x30, 0 x60", "queue_backlog": "10 x30, 9000 x30, 10 x60"},
         "expect": [{"alert": "dead_letters", "fires": "critical", "by": "50m"}, {"alert": "queue_backlog", "fires": "critical", "by": "60m"}]}
    )
    assert result.passed, result.report()
    for name in ("orders-worker-dead-letters", "orders-worker-dead-letters-critical"):  # recovery: false on both backends
        timeline = _timeline(result, name)
        assert timeline.fired("alert") and not timeline.fired("recovery"), (name, timeline.notifications)
    assert _timeline(result, "orders-worker-queue-backlog").fired("recovery")  # the default: recoveries are told
    assert _timeline(result, "orders-worker-queue-backlog-critical").fired("recovery")


def test_the_replay_follows_renotify(families: dict[str, PlanView]) -> None:
    result = families["prod"].replay(
        {"service": "orders-worker", "step": "1m", "series": {"memory": "50% x20, 97% x70", "dead_letters": "0 x20, 5 x70"},
         "expect": [{"alert": "memory", "fires": "critical", "by": "35m"}, {"alert": "dead_letters", "fires": "critical", "by": "40m"}]}
    )
    assert result.passed, result.report()
    memory = [n for n in _timeline(result, "orders-worker-memory").notifications if n.level == "alert"]
    reminders = [n.at - memory[0].at for n in memory if n.renotify]
    assert reminders[:3] == [15 * MIN, 30 * MIN, 45 * MIN]  # renotify: 15m
    assert not [n for n in _timeline(result, "orders-worker-dead-letters").notifications if n.renotify]  # renotify: never


def test_the_replay_follows_no_data(families: dict[str, PlanView]) -> None:
    """`no_data: alert` pages when the metric stops (Datadog No Data after twice the window); `keep` holds CloudWatch's
    ALARM through the silence, where the signal's default (notBreaching) would go OK."""
    lag = families["prod"].replay(
        {"service": "ledger-reports", "step": "1m", "series": {"custom.report_lag": "10m x30, absent x60"},
         "expect": [{"alert": "report_lag", "fires": "critical", "by": "75m"}]}
    )
    assert lag.passed, lag.report()
    assert [n.state for n in _timeline(lag, "ledger-reports-report-lag").notifications][:1] == ["No Data"]
    backlog = families["prod"].replay(
        {"service": "orders-worker", "step": "1m", "series": {"queue_backlog": "10 x20, 9000 x20, absent x40"},
         "expect": [{"alert": "queue_backlog", "fires": "critical", "by": "40m", "backend": "aws"}]}
    )
    timeline = _timeline(backlog, "orders-worker-queue-backlog-critical")
    assert timeline.current == "ALARM" and not timeline.fired("recovery")


@pytest.mark.parametrize(("text", "message"), [("renotify: 45s", "whole minutes"), ("no_data: breaching", "Input should be 'alert', 'ok' or 'keep'")])
def test_bad_settings_are_errors_at_their_line(tmp_path: Path, text: str, message: str) -> None:
    from tests.teams.helpers import problems, project, service

    web = service(alerts={"cpu": {"critical": "90%", **dict([text.split(": ")])}})
    found = problems(project(tmp_path, {"web.yaml": web}, ("datadog", "aws")))
    assert any("web.yaml:" in e and "alerts.cpu." in e and message in e for e in found), found


def test_the_fixture_is_its_own_project() -> None:
    assert (FAMILIES / "catalog" / "teams.yaml").resolve() == (FAMILIES.parent / "teams" / "catalog" / "teams.yaml").resolve()


def test_the_fixture_passes_the_standard_replay_on_both_stacks(families: dict[str, PlanView]) -> None:
    """The issue's 'done when': every alert of the queue worker, the Lambda and the Datadog-only service provably fires
    on its breach and stays quiet when healthy, on each backend that deploys it; what it cannot replay is said."""
    from vigil.replay.stack import load_stack
    from vigil.replay.standard import standard

    for stack, plan in families.items():
        replay = load_stack(FAMILIES, stack, plan=plan.plan)
        reports = [standard(replay.service(name)) for name in sorted(replay.services)]
        failed = [f"{r.service} ({stack}): {c.line()}" for r in reports for c in r.checks if not c.ok]
        assert reports and not failed, failed
        checked = {(c.alert, c.backend) for r in reports for c in r.checks}
        assert {("queue_backlog", "aws"), ("function_concurrency", "datadog"), ("table_system_errors", "aws"), ("report_lag", "datadog"),
                ("webhook_rejections", "aws"), ("gateway_latency_p95", "datadog")} <= checked
        notes = [n for r in reports for n in r.notes]
        assert any(n.startswith("not replayed: Datadog downtimes (maintenance windows) (ledger-reports-maintenance-month-end-close)") for n in notes), notes
