"""Maintenance windows in the replay: with a scenario's wall-clock `start`, the plan's downtimes and mute rules silence
notifications (never evaluation), each vendor's way; without it, the report says they were not applied."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from vigil.replay.maintenance import downtime_intervals, mute_rule_intervals
from vigil.replay.report import scenarios_text
from vigil.testkit import PlanView

SCENARIO = Path(__file__).resolve().parent / "scenarios" / "maintenance.yaml"
MIN, HOUR = 60, 3600
SUNDAY = datetime(2025, 1, 12, tzinfo=UTC)


def test_a_window_silences_notifications_each_vendors_way(families: dict[str, PlanView]) -> None:
    result = families["prod"].replay(SCENARIO)
    assert result.passed, result.report()
    assert {(w.resource, w.backend) for w in result.windows} == {
        ("orders-worker-maintenance-weekly-patching", "aws"), ("orders-worker-maintenance-weekly-patching", "datadog")}
    assert all(w.intervals == ((60 * MIN, 180 * MIN),) for w in result.windows)  # 02:00-04:00 Berlin is 01:00-03:00 UTC
    dead = result.timelines["orders-worker-dead-letters-critical"]
    assert dead.entered("ALARM") and not dead.notifications  # evaluated, in ALARM, and nobody told
    backlog = result.timelines["orders-worker-queue-backlog"]
    assert [(n.at, n.level) for n in backlog.notifications][:1] == [(180 * MIN, "alert")]  # still alerting when it expires
    alarm = result.timelines["orders-worker-queue-backlog-critical"]
    assert alarm.entered("ALARM")[0] < 180 * MIN and [(n.at, n.state) for n in alarm.notifications if n.at >= 60 * MIN] == [(180 * MIN, "ALARM")]  # muted, run at the end
    assert "maintenance: orders-worker-maintenance-weekly-patching (aws) mutes 15 alert resource(s) from 60m to 3h" in scenarios_text([result])


def test_without_a_start_no_window_applies_and_the_report_says_so(families: dict[str, PlanView], tmp_path: Path) -> None:
    text = SCENARIO.read_text().replace("start: 2025-01-12T00:00Z   # a Sunday\n", "")
    path = tmp_path / "no-start.yaml"
    path.write_text(text)
    result = families["prod"].replay(path)
    assert not result.passed and result.windows == ()
    assert {o.backend for o in result.failures if o.alert == "dead_letters"} == {"datadog", "aws"}  # told, with no window
    assert "note: maintenance windows not applied (orders-worker-maintenance-weekly-patching" in scenarios_text([result])


def test_a_mute_rule_runs_at_its_end_the_action_it_muted_if_the_alarm_is_still_in_that_state() -> None:
    """AWS's scenarios (alarm-mute-rules-behaviour.html): muted in ALARM and still in ALARM at the end: the action runs
    then; back in OK by the end: the ALARM action does not (the OK one, muted too, does); overlapping rules: the last
    end decides."""
    from vigil.replay.maintenance import Muting, silenced
    from vigil.replay.timeline import Notification, Timeline

    def alarm(changes: list[tuple[int, str]]) -> Timeline:
        told = [Notification(at, "alert" if state == "ALARM" else "recovery", state, ("api-page",)) for at, state in changes]
        return Timeline("a", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws", "OK", changes, told)  # type: ignore[arg-type]

    rule = Muting("m", "aws", frozenset({"a"}), ((100, 500),), True)
    still = silenced({"a": alarm([(200, "ALARM")])}, [rule], {})["a"]
    assert [(n.at, n.state) for n in still.notifications] == [(500, "ALARM")]
    back = silenced({"a": alarm([(200, "ALARM"), (400, "OK")])}, [rule], {})["a"]
    assert [(n.at, n.state) for n in back.notifications] == [(500, "OK")]
    before = silenced({"a": alarm([(50, "ALARM")])}, [rule], {})["a"]  # told before the window: nothing muted, nothing again
    assert [(n.at, n.state) for n in before.notifications] == [(50, "ALARM")]
    later = Muting("n", "aws", frozenset({"a"}), ((400, 700),), True)
    overlapping = silenced({"a": alarm([(200, "ALARM")])}, [rule, later], {})["a"]
    assert [(n.at, n.state) for n in overlapping.notifications] == [(700, "ALARM")]


def test_recurring_downtimes_follow_local_time_across_a_clock_change() -> None:
    inputs = {"recurringSchedule": {"timezone": "Europe/Berlin", "recurrences": [{"rrule": "FREQ=WEEKLY;BYDAY=SU", "duration": "2h", "start": "2025-01-05T02:00:00"}]}}
    winter = downtime_intervals(inputs, SUNDAY, 6 * HOUR)
    assert winter == [(1 * HOUR, 3 * HOUR)]
    summer = downtime_intervals(inputs, datetime(2025, 7, 13, tzinfo=UTC), 6 * HOUR)
    assert summer == [(0, 2 * HOUR)]  # 02:00 in Berlin is 00:00 UTC in July
    once = {"oneTimeSchedule": {"start": "2025-01-12T05:00:00+00:00", "end": "2025-01-12T06:30:00+00:00"}}
    assert downtime_intervals(once, SUNDAY, 8 * HOUR) == [(5 * HOUR, 6 * HOUR + 30 * MIN)]


def test_mute_rules_match_their_cron_or_at_in_their_time_zone() -> None:
    weekly = {"rule": {"schedule": {"expression": "cron(0 2 * * SUN)", "duration": "PT2H", "timezone": "Europe/Berlin"}}, "startDate": "2025-01-05T01:00:00Z"}
    assert mute_rule_intervals(weekly, SUNDAY, 6 * HOUR) == [(1 * HOUR, 3 * HOUR)]
    assert mute_rule_intervals(weekly, datetime(2025, 1, 13, tzinfo=UTC), 6 * HOUR) == []  # a Monday
    expired = {**weekly, "expireDate": "2025-01-10T00:00:00Z"}
    assert mute_rule_intervals(expired, SUNDAY, 6 * HOUR) == []
    monthly = {"rule": {"schedule": {"expression": "cron(30 22 1,15 * *)", "duration": "PT1H", "timezone": "UTC"}}}
    assert mute_rule_intervals(monthly, datetime(2025, 2, 15, 22, tzinfo=UTC), HOUR) == [(30 * MIN, 90 * MIN)]
    once = {"rule": {"schedule": {"expression": "at(2030-03-01T22:00)", "duration": "PT4H", "timezone": "Europe/Berlin"}}}
    assert mute_rule_intervals(once, datetime(2030, 3, 1, 20, tzinfo=UTC), 6 * HOUR) == [(60 * MIN, 300 * MIN)]


def test_a_start_that_is_no_utc_time_is_an_error_at_its_line(tmp_path: Path) -> None:
    from spec import SpecErrors
    from vigil.replay.scenario import load_scenario

    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.read_text().replace("start: 2025-01-12T00:00Z", "start: 2025-01-12 00:00"))
    try:
        load_scenario(path, "bad.yaml")
    except SpecErrors as exc:
        line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("start:"))
        assert [str(e) for e in exc.errors] == [f"bad.yaml:{line}:8: start: expected a time in UTC such as 2030-03-01T20:00Z, got '2025-01-12 00:00'"]
    else:
        raise AssertionError("a start without its zone was accepted")
