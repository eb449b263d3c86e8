"""A replication group's cache hit rate (issue 12 item 9): ElastiCache publishes per member cluster only, so CloudWatch
sums the members' CacheHits and CacheMisses (metric math) and Datadog reads the `replication_group` tag — never the
group's id as a CacheClusterId, which has no data. Planned from tests/fixtures/caches."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.pytest_plugin import StackPlan
from vigil.testkit import PlanView

CATALOG = Path(__file__).resolve().parents[1] / "fixtures" / "caches"
MEMBERS = ("sessions-001", "sessions-002", "sessions-003")


@pytest.fixture(scope="module")
def plan(stack_plan: StackPlan) -> PlanView:
    return stack_plan("prod", catalog=CATALOG)


def test_cloudwatch_sums_hits_and_misses_over_the_members(plan: PlanView) -> None:
    alarm = plan.one(type="aws:cloudwatch/metricAlarm:MetricAlarm", name="sessions-cache-hit-rate-critical").inputs
    queries = {q["id"]: q for q in alarm["metricQueries"]}
    metrics = [(q["metric"]["metricName"], q["metric"]["dimensions"], q["metric"]["stat"]) for q in queries.values() if "metric" in q]
    assert metrics == [("CacheHits", {"CacheClusterId": m}, "Sum") for m in MEMBERS] + [("CacheMisses", {"CacheClusterId": m}, "Sum") for m in MEMBERS]
    (expression,) = [q for q in queries.values() if "expression" in q]
    assert expression["expression"] == "100*(m1+m2+m3)/(m1+m2+m3+m4+m5+m6)" and expression["returnData"] is True
    assert alarm["comparisonOperator"] == "LessThanThreshold" and alarm["threshold"] == 70
    assert "sessions" not in {d for _, dims, _ in metrics for d in dims.values()}  # never the group's id


def test_datadog_reads_the_replication_group_tag(plan: PlanView) -> None:
    query = plan.one(type="datadog:index/monitor:Monitor", name="sessions-cache-hit-rate").inputs["query"]
    assert query.count("{replication_group:sessions}") == 3 and "cacheclusterid" not in query
