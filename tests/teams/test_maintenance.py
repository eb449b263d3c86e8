"""Maintenance windows: Datadog downtime schedules, CloudWatch alarm mute rules, and their rules checked at the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from monitors.aws import sdk as aws
from monitors.aws.maintenance import MUTE_TARGETS_MAX, chunks, cron_expression, cron_problem, iso_duration
from monitors.aws.rules import check_alarm_mute_rule
from monitors.datadog.downtimes import downtime_duration, downtime_problems
from spec.maintenance import MaintenanceWindow
from vigil.testkit import PlanView

from .helpers import problems, project, service

MUTE_RULE = "aws:cloudwatch/alarmMuteRule:AlarmMuteRule"
DOWNTIME = "datadog:index/downtimeSchedule:DowntimeSchedule"
WEEKLY: dict[str, Any] = {"name": "patching", "start": "2025-01-05T02:00", "duration": "2h", "rrule": "FREQ=WEEKLY;BYDAY=SU"}


def window(**fields: Any) -> MaintenanceWindow:
    return MaintenanceWindow.model_validate({**WEEKLY, **fields})


@pytest.mark.parametrize(
    ("rule", "start", "cron"),
    [
        ("FREQ=WEEKLY;BYDAY=SU", "2025-01-05T02:00", "cron(0 2 * * SUN)"),
        ("FREQ=WEEKLY", "2025-01-07T23:30", "cron(30 23 * * TUE)"),  # the start's weekday
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=6;BYMINUTE=15", "2025-01-06T02:00", "cron(15 6 * * MON,WED,FRI)"),
        ("FREQ=DAILY", "2025-01-05T04:00", "cron(0 4 * * *)"),
        ("FREQ=HOURLY", "2025-01-05T04:10", "cron(10 * * * *)"),
        ("FREQ=MONTHLY", "2025-01-15T01:00", "cron(0 1 15 * *)"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "2025-01-01T01:00", "cron(0 1 1,15 * *)"),
        ("FREQ=YEARLY", "2025-12-24T18:00", "cron(0 18 24 12 *)"),
        ("FREQ=WEEKLY;BYDAY=SA;UNTIL=20261231T000000Z", "2025-01-04T22:00", "cron(0 22 * * SAT)"),
    ],
)
def test_rules_cron_can_say_become_cron_expressions(rule: str, start: str, cron: str) -> None:
    w = window(rrule=rule, start=start, duration="1h")
    assert cron_problem(w) is None
    assert cron_expression(w) == cron


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "INTERVAL=2"),
        ("FREQ=DAILY;COUNT=10", "COUNT cannot be said in cron"),
        ("FREQ=MONTHLY;BYDAY=1SU", "the n-th weekday"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "from the month's end"),
        ("FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=13", "where cron means either"),
        ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1", "BYSETPOS cannot be said in cron"),
    ],
)
def test_rules_cron_cannot_say_are_named(rule: str, why: str) -> None:
    assert why in str(cron_problem(window(rrule=rule, duration="1h")))


def test_durations_in_each_vendors_words() -> None:
    assert [iso_duration(m * 60_000) for m in (1, 120, 150, 1440 + 150, 15 * 1440)] == ["PT1M", "PT2H", "PT2H30M", "P1DT2H30M", "P15D"]
    assert [downtime_duration(m * 60_000) for m in (90, 120, 1440, 7 * 1440)] == ["90m", "2h", "1d", "1w"]


def test_the_fixture_windows_are_deployed_on_both_backends(fixture_plans: dict[str, PlanView]) -> None:
    plan = fixture_plans["prod"]
    weekly = plan.one(type=DOWNTIME, name="checkout-maintenance-weekly-patching").inputs
    assert weekly["scope"] == "*" and weekly["monitorIdentifier"] == {"monitorTags": ["env:prod", "service:checkout"]}
    assert weekly["recurringSchedule"] == {
        "recurrences": [{"duration": "2h", "rrule": "FREQ=WEEKLY;BYDAY=SU", "start": "2025-01-05T02:00:00"}],
        "timezone": "Europe/Berlin",
    }
    once = plan.one(type=DOWNTIME, name="checkout-maintenance-db-migration").inputs["oneTimeSchedule"]
    assert once == {"start": "2030-03-01T21:00:00+00:00", "end": "2030-03-02T01:00:00+00:00"}  # Europe/Berlin in winter: UTC+1
    monitored = {str(t) for r in plan.monitors(service="checkout") for t in r.inputs["tags"]}
    assert {"env:prod", "service:checkout"} <= monitored  # the tags the downtime mutes by are on every monitor
    assert all({"env:prod", "service:checkout"} <= plan.tags(m) for m in plan.monitors(service="checkout"))


def test_mute_rules_name_every_alarm_of_their_region(fixture_plans: dict[str, PlanView]) -> None:
    plan = fixture_plans["prod"]
    for suffix, provider in (("", "aws-111111111111-eu-west-1"), ("-us-east-1", "aws-111111111111-us-east-1")):
        rule = plan.one(type=MUTE_RULE, name=f"checkout-maintenance-weekly-patching{suffix}")
        alarms = [r for r in plan.alarms(service="checkout") if r.options["provider"] == provider]
        assert rule.options["provider"] == provider and rule.options["deleteBeforeReplace"]
        assert sorted(rule.inputs["muteTargets"]["alarmNames"]) == sorted(str(a.inputs.get("name") or a.inputs.get("alarmName")) for a in alarms)
        assert rule.inputs["rule"]["schedule"] == {"expression": "cron(0 2 * * SUN)", "duration": "PT2H", "timezone": "Europe/Berlin"}
        assert rule.inputs["startDate"] == "2025-01-05T01:00:00Z"
    once = plan.one(type=MUTE_RULE, name="checkout-maintenance-db-migration").inputs
    assert once["rule"]["schedule"]["expression"] == "at(2030-03-01T22:00)" and "startDate" not in once and "expireDate" not in once


def test_a_window_muting_only_datadog_gets_no_mute_rule(fixture_plans: dict[str, PlanView]) -> None:
    plan = fixture_plans["prod"]
    assert plan.select(type=DOWNTIME, name="ledger-maintenance-month-end-close")
    assert plan.select(type=MUTE_RULE, service="ledger") == []


def test_windows_are_per_environment(fixture_plans: dict[str, PlanView]) -> None:
    assert not fixture_plans["dev"].select(name="checkout-maintenance-db-migration")
    assert fixture_plans["prod"].select(name="checkout-maintenance-db-migration")


def test_a_rule_cron_cannot_say_is_an_error_at_its_line_unless_cloudwatch_is_left_out(tmp_path: Path) -> None:
    biweekly = {**WEEKLY, "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU"}
    found = problems(project(tmp_path, {"web.yaml": service(maintenance=[biweekly])}, ("datadog", "aws")))
    assert any("web.yaml" in e and "maintenance[0].rrule: " in e and "INTERVAL=2 (every n-th occurrence) cannot be said in cron" in e for e in found), found
    assert problems(project(tmp_path, {"web.yaml": service(maintenance=[{**biweekly, "backends": ["datadog"]}])}, ("datadog", "aws"))) == []


def test_cloudwatch_mutes_at_most_fifteen_days(tmp_path: Path) -> None:
    long = {"name": "freeze", "start": "2030-12-15T00:00", "end": "2031-01-05T00:00"}
    found = problems(project(tmp_path, {"web.yaml": service(maintenance=[long], alerts={"cpu": {"critical": "90%"}})}, ("datadog", "aws")))
    assert any("maintenance[0]: " in e and "duration P21D is outside CloudWatch's PT1M to P15D" in e for e in found), found


def test_the_mute_rule_rules_read_botocores_model() -> None:
    def args(names: list[str], **schedule: str) -> aws.cloudwatch.AlarmMuteRuleArgs:
        return aws.cloudwatch.AlarmMuteRuleArgs(
            name="web-prod-maintenance-x",
            rule=aws.cloudwatch.AlarmMuteRuleRuleArgs(schedule=aws.cloudwatch.AlarmMuteRuleRuleScheduleArgs(**{"expression": "cron(0 2 * * SUN)", "duration": "PT2H", **schedule})),
            mute_targets=aws.cloudwatch.AlarmMuteRuleMuteTargetsArgs(alarm_names=names),
        )

    names = [f"alarm-{i}" for i in range(MUTE_TARGETS_MAX + 1)]
    assert [len(c) for c in chunks(names)] == [MUTE_TARGETS_MAX, 1]
    assert any("at most 100" in p for p in check_alarm_mute_rule(args(names), set(names)))
    assert any("neither cron" in p for p in check_alarm_mute_rule(args(["a"], expression="cron(0 2 * *)"), {"a"}))
    assert any("not an ISO 8601 duration" in p for p in check_alarm_mute_rule(args(["a"], duration="2h"), {"a"}))
    assert any("no alarm of this region" in p for p in check_alarm_mute_rule(args(["b"]), {"a"}))
    assert check_alarm_mute_rule(args(["a"]), {"a"}) == []


def test_the_downtime_rules() -> None:
    class Args:  # what downtime_problems reads of a DowntimeScheduleArgs
        one_time_schedule = type("Once", (), {"start": "2030-03-02T01:00:00+00:00", "end": "2030-03-01T21:00:00+00:00"})()
        recurring_schedule = None
        monitor_identifier = type("Ids", (), {"monitor_tags": ["env:prod"]})()

    assert downtime_problems(Args()) == ["one-time end 2030-03-01T21:00:00+00:00 must come after its start 2030-03-02T01:00:00+00:00"]


def test_a_window_muting_only_backends_that_do_not_monitor_the_service_is_an_error(tmp_path: Path) -> None:
    web = service(backends=["datadog"], maintenance=[{**WEEKLY, "backends": ["aws"]}])
    found = problems(project(tmp_path, {"web.yaml": web}, ("datadog", "aws")))
    assert any("maintenance[0].backends: " in e and "mutes only aws, which does not monitor the service in this stack" in e for e in found), found
