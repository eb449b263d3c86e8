"""A grouped expression (`by {task_arn}`): every query grouped alike, the clause before `.as_count()`, as Datadog's
query grammar writes it; the monitor rules read it as metric terms."""

from __future__ import annotations

import pytest

from monitors.datadog.rules import scope_problems
from signals.datadog import Expression


def test_every_query_is_grouped_before_its_modifier() -> None:
    grouped = Expression("100 * a / b", {"a": "sum:x.hits{env:prod}.as_count()", "b": "avg:x.total{env:prod}"}, by=("task_arn",))
    assert grouped.queries() == {"a": "sum:x.hits{env:prod} by {task_arn}.as_count()", "b": "avg:x.total{env:prod} by {task_arn}"}
    assert grouped.render() == "100 * sum:x.hits{env:prod} by {task_arn}.as_count() / avg:x.total{env:prod} by {task_arn}"
    assert grouped.metric_names() == ("x.hits", "x.total")
    assert scope_problems(grouped.render()) == []


def test_an_ungrouped_expression_is_unchanged() -> None:
    plain = Expression("100 - idle", {"idle": "avg:system.cpu.idle{env:prod}"})
    assert plain.queries() == plain.terms and plain.render() == "100 - avg:system.cpu.idle{env:prod}"


@pytest.mark.parametrize("query", ["avg:x.y{env:prod} by {Task}", "avg:x.y{env:prod} by {}", "avg:x.y{env:prod} by {a,}"])
def test_a_malformed_grouping_is_not_a_metric_term(query: str) -> None:
    assert scope_problems(query), query
