"""Issue 19 item 7: a Lambda function's timeout read from another stack's output (tests/fixtures/families, service
refunds: `timeout: {output: refundsTimeout}`, whole seconds as aws_lambda_function.timeout gives them). The plan names
the output on both vendors; deployed, the StackReference's number is in the query and the expression; the replay
assumes a nominal timeout alike on both sides and says so; the back-test refuses to judge real history by it."""

from __future__ import annotations

from pathlib import Path

import pytest

import vigil.engine
from vigil.backtest.reads import alert_reads
from vigil.planning import plan_stack
from vigil.replay.stack import load_stack
from vigil.testkit import PlanView

from .conftest import FAMILIES

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
OUTPUT = "${org/payments-infra/prod.refundsTimeout}"


def _expression(resource: object) -> str:
    return next(q["expression"] for q in resource.inputs["metricQueries"] if q["id"] == "e1")  # type: ignore[attr-defined]


def test_the_plan_names_the_output_on_both_vendors(families: dict[str, PlanView]) -> None:
    plan = families["prod"]
    monitor = plan.one(name="refunds-function-timeout-use")
    assert monitor.inputs["query"] == f"avg(last_5m):100 * avg:aws.lambda.duration.p95{{functionname:refunds-prod}} / (1000 * {OUTPUT}) > 90"
    alarm = plan.one(name="refunds-function-timeout-use-critical")
    assert _expression(alarm) == f"100*m1/(1000*{OUTPUT})" and alarm.inputs["threshold"] == 90
    assert families["dev"].one(name="refunds-function-timeout-use-critical").inputs["metricQueries"][1]["expression"] == (
        "100*m1/(1000*${org/payments-infra/dev.refundsTimeout})"  # each environment's own stack
    )


@pytest.mark.parametrize("answer", [30, 30.0, "30"])
def test_deployed_both_vendors_divide_by_the_outputs_seconds(monkeypatch: pytest.MonkeyPatch, answer: object) -> None:
    """What `pulumi up` sends: the mocks' StackReference answers a number (JSON numbers arrive as floats)."""
    monkeypatch.setattr(vigil.engine, "placeholder", lambda name, attr: answer if attr == "refundsTimeout" else f"${{{name}.{attr}}}")
    plan = plan_stack(FAMILIES, "prod")
    assert plan.by_name("refunds-function-timeout-use").inputs["query"].endswith("{functionname:refunds-prod} / (1000 * 30) > 90")
    assert _expression(plan.by_name("refunds-function-timeout-use-critical")) == "100*m1/(1000*30)"
    assert _expression(plan.by_name("refunds-function-timeout-use-warning")) == "100*m1/(1000*30)"


def test_deployed_an_output_that_is_no_timeout_stops_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vigil.engine, "placeholder", lambda name, attr: "30s" if attr == "refundsTimeout" else f"${{{name}.{attr}}}")
    with pytest.raises(Exception, match=r"refunds: sources.aws.lambda_function.timeout \(output refundsTimeout of org/payments-infra/prod\) is '30s'"):
        plan_stack(FAMILIES, "prod")


@pytest.mark.parametrize("scenario, fires", [("timeout-from-stack.yaml", "critical"), ("timeout-from-stack-healthy.yaml", "never")])
def test_the_replay_fires_when_broken_and_stays_quiet_when_healthy(families: dict[str, PlanView], scenario: str, fires: str) -> None:
    result = families["prod"].replay(SCENARIOS / scenario)
    assert result.passed, result.report()
    assert {o.backend for o in result.outcomes} == {"datadog", "aws"}
    assert result.assumed and "refundsTimeout" in result.assumed[0] and "replayed as 1m" in result.assumed[0]


def test_the_assumed_value_is_the_one_the_drive_writes_against(families: dict[str, PlanView]) -> None:
    """Generator and replay could share one wrong belief only through the value: a duration of 57 s (95 % of the
    assumed 60 s) pages, and 54 s (90 %, not above) never pages on CloudWatch (its warning at 70 % tickets) — the percent is taken of the same number."""
    plan = families["prod"]
    hot = plan.replay({"service": "refunds", "stack": "prod", "step": "1m",
                       "series": {"invocations": "10/s x60", "function_duration_p95": "57s x60"},
                       "expect": [{"alert": "function_timeout_use", "fires": "critical", "backend": "aws"}]})
    assert hot.passed, hot.report()
    calm = plan.replay({"service": "refunds", "stack": "prod", "step": "1m",
                        "series": {"invocations": "10/s x60", "function_duration_p95": "54s x60"},
                        "expect": [{"alert": "function_timeout_use", "fires": "critical", "times": 0, "backend": "aws"}]})
    assert calm.passed, calm.report()


def test_the_replay_refuses_a_placeholder_it_assumes_nothing_for() -> None:
    """Only the timeout's own placeholder is assumed: any other in an expression stays, and the replay cannot read it."""
    import dataclasses

    from vigil.replay.errors import ReplayErrors
    from vigil.replay.stack import ServiceReplay

    stack = load_stack(FAMILIES, "prod")
    alarm = stack.plan.by_name("refunds-function-timeout-use-critical")
    queries = [{**q, "expression": "100*m1/(1000*${org/payments-infra/prod.other})"} if q["id"] == "e1" else q for q in alarm.inputs["metricQueries"]]
    changed = dataclasses.replace(alarm, inputs={**alarm.inputs, "metricQueries": queries})
    plan = dataclasses.replace(stack.plan, resources=tuple(changed if r is alarm else r for r in stack.plan.resources))
    with pytest.raises(ReplayErrors, match="cannot read"):
        ServiceReplay(stack.services["refunds"], stack.deployment, plan)


def test_the_backtest_refuses_to_judge_history_by_an_assumed_timeout() -> None:
    stack = load_stack(FAMILIES, "prod")
    reads = {(r.alert, r.backend): r.refused for r in alert_reads(stack.service("refunds"), {})}
    for backend in ("datadog", "aws"):
        refused = reads[("function_timeout_use", backend)]
        assert refused is not None and OUTPUT in refused and "known only to the deployed stack" in refused
    assert reads[("function_error_rate", "aws")] is None  # the rest of the service is back-tested
