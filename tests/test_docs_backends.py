"""Generated docs say what is deployed (issue 10 item 6): a backend that does not monitor a service is not shown as
measuring it, and a roll-up no stack deploys is not documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.docs import collect, generate

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "backends"


@pytest.fixture(scope="module")
def pages(stack_plan) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return generate(collect(ROOT, FIXTURE, plan_for=lambda stack: stack_plan(stack, catalog=FIXTURE).plan))


def test_a_datadog_only_service_page_shows_no_cloudwatch(pages: dict[str, str]) -> None:
    web = pages["docs/services/web.md"]
    assert "- Datadog: `100 * sum:trace.http.request.errors{service:web,env:<environment>}" in web
    assert "- CloudWatch" not in web and "## Composite alarm" not in web and "#composite-alarm" not in web
    assert "not configured" not in web


def test_measured_from_follows_the_backends_of_each_environment(pages: dict[str, str]) -> None:
    worker = pages["docs/services/worker.md"]
    assert "- Datadog (prod): `100 * sum:ecs.fargate.cpu.usage{service:worker,env:<environment>} by {task_arn} / " in worker
    assert "- CloudWatch: `AWS/ECS` `CPUUtilization` (Maximum) of ClusterName=`prod`, ServiceName=`worker`" in worker
    assert "- Datadog (dev)" not in worker
    assert "## Composite alarm" in worker and "It notifies nobody itself" in worker


def test_routes_name_only_the_targets_of_the_backends_that_monitor_the_service(pages: dict[str, str]) -> None:
    oncall = pages["docs/oncall.md"]
    rows = {line.split(" | ")[0] + " " + line.split(" | ")[1]: line for line in oncall.splitlines() if line.startswith("| [")}
    assert "SNS" not in rows["| [web](services/web.md) dev"] and "SNS" not in rows["| [web](services/web.md) prod"]
    assert "`@pagerduty-web`" not in rows["| [worker](services/worker.md) dev"]  # dev: CloudWatch only
    assert "`@pagerduty-web`, SNS email web-oncall@example.com" in rows["| [worker](services/worker.md) prod"]
