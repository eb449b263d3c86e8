"""Examples of tests over the generated resources, written with the test kit.

This file is included verbatim in docs/testing.md (tests/test_docs_testing.py keeps the two equal).
The `stack_plan` fixture comes from the `vigil.pytest_plugin` plugin.
"""

import shutil
from pathlib import Path

import yaml

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def test_every_alert_notifies_someone(stack_plan):
    for stack in ("dev", "prod"):
        plan = stack_plan(stack)
        for resource in plan.monitors() + plan.alarms():
            # a burn-rate window is heard through its composite alarm; a roll-up through its inputs
            heard = plan.routes_of(resource) or plan.heard_through(resource)
            assert heard, f"{stack}: {resource.name} notifies nobody"


def test_prod_error_rate_pages_the_on_call(stack_plan):
    plan = stack_plan("prod")
    # every alert links its section of the generated docs, named after the signal
    error_rate = [m for m in plan.monitors(service="api") if "#error-rate" in m.inputs["message"]]
    assert any("@pagerduty-platform" in plan.routes_of(m, when="alert") for m in error_rate)
    # warnings open a ticket: they never page
    assert all("@pagerduty-platform" not in plan.routes_of(m, when="warning") for m in error_rate)


def test_dev_wakes_nobody_up(stack_plan):
    plan = stack_plan("dev")
    for resource in plan.monitors() + plan.alarms():
        assert not any("pagerduty" in target for target in plan.routes_of(resource)), resource.name


def test_select_by_tag(stack_plan):
    plan = stack_plan("prod")
    platform = plan.select(tag="team:platform")
    assert platform
    # Datadog dashboards take only team: tags; everything else also carries env:
    assert all("env:prod" in plan.tags(r) for r in platform if r.type != "datadog:index/dashboard:Dashboard")


def test_prod_logs_are_kept_and_protected(stack_plan):
    plan = stack_plan("prod")
    (logs,) = plan.select(type=LOG_GROUP, service="api")
    assert logs.inputs["retentionInDays"] >= 30
    assert logs.options["protect"] and logs.options["retainOnDelete"]


def test_plan_a_changed_catalog(stack_plan, tmp_path):
    # plan a copy of the catalog with one change, as a pull request would
    catalog = tmp_path / "catalog"
    shutil.copytree(stack_plan.project / "catalog", catalog)
    spec = yaml.safe_load((catalog / "api.yaml").read_text())
    spec["logs"]["retention"] = "60d"
    del spec["environments"]["prod"]["logs"]
    (catalog / "api.yaml").write_text(yaml.safe_dump(spec))

    (logs,) = stack_plan("prod", catalog=catalog).select(type=LOG_GROUP, service="api")
    assert logs.inputs["retentionInDays"] == 60


def test_every_service_pages_when_its_requests_fail(stack_plan):
    # replay what the vendors would receive through the alerts the stack deploys (docs/replay.md):
    # 20 requests a second, all of them failing after half an hour
    plan = stack_plan("prod")
    for service in plan.services():
        if "error_rate" not in plan.alert_ids(service):
            continue
        result = plan.replay({
            "service": service,
            "step": "1m",
            "series": {"requests": "20/s x60", "errors": "0% x30, 100% x30"},
            "expect": [{"alert": "error_rate", "fires": "any", "by": "40m"}],
        })
        assert result.passed, result.report()


def test_db_cpu_would_not_have_paged_more_than_15_times_that_day(stack_plan):
    # real history, recorded with `vigil backtest --stack prod --days 1 --record recorded` (docs/backtest.md)
    fixture = Path(__file__).parent / "fixtures" / "backtest"
    plan = stack_plan("prod", catalog=fixture / "catalog")
    result = plan.backtest(fixture / "recorded", days=1)
    assert result.notifications("custom.db_cpu", level="critical", backend="aws") <= 15
    assert result.notifications("custom.db_cpu", level="critical", backend="datadog") <= 15
