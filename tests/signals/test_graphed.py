"""Dashboards draw the signals the spec alerts on, and those `dashboards.graphs` asks for without an alert — nothing
else, however many sources a service has (a queue worker's dashboard holds no empty latency graph). A graph asked
for that no dashboard would draw is an error at its line (docs/spec.md, "Dashboards")."""

from __future__ import annotations

from typing import Any

import pytest

from dashboards.cloudwatch import dashboard_body
from dashboards.datadog import service_dashboard
from monitors.common.context import Deployment
from program.checks import check_service
from signals import REGISTRY, graphed_signals
from signals.model import CloudWatchAlarm, DatadogMetric
from spec import Service

from .test_registry import FULL, scope, service

PROD = Deployment(project="monitoring", stack="prod", environment="prod", production=True)
NO_QUEUE = {**FULL["sources"], "aws": {k: v for k, v in FULL["sources"]["aws"].items() if k != "sqs"}}
PAGE = {"page": {"datadog": ["@pagerduty-shop"]}, "ticket": {"datadog": ["@slack-shop"]}}


def shop(**changes: Any) -> Service:
    return service(routes=PAGE, **changes)


def datadog_graphs(svc: Service) -> list[tuple[str, int]]:
    """(title, threshold markers) of the Datadog dashboard's signal graphs."""
    widgets = service_dashboard(svc, PROD, {}).widgets or []
    return [(w.timeseries_definition.title, len(w.timeseries_definition.markers or [])) for w in widgets if w.timeseries_definition]


def cloudwatch_graphs(svc: Service) -> list[tuple[str, int]]:
    """(title, threshold lines) of the CloudWatch dashboard's signal graphs."""
    widgets = dashboard_body(scope(svc), "eu-west-1", [], [])["widgets"]
    return [(w["properties"]["title"], len(w["properties"].get("annotations", {}).get("horizontal", []))) for w in widgets if w["type"] == "metric"]


def titles(name: str) -> tuple[str, str]:
    """A signal's graph titles: Datadog's, CloudWatch's."""
    signal = REGISTRY[name]
    assert isinstance(signal.datadog, DatadogMetric) and isinstance(signal.cloudwatch, CloudWatchAlarm)
    return signal.datadog.graph.title, signal.cloudwatch.graph.title or signal.cloudwatch.title


def test_a_service_with_every_source_draws_only_what_it_alerts_on() -> None:
    svc = shop(alerts={"cpu": {"critical": "80%", "warning": "70%"}})
    assert [g.key for g in graphed_signals(svc)] == ["cpu"]
    datadog, cloudwatch = titles("cpu")
    assert datadog_graphs(svc) == [(datadog, 2)]
    assert cloudwatch_graphs(svc) == [(cloudwatch, 2)]


def test_a_graph_asked_for_is_drawn_without_threshold_lines() -> None:
    svc = shop(alerts={"cpu": {"critical": "80%"}}, dashboards={"graphs": ["db_connections"]})
    assert [(g.key, g.threshold is None) for g in graphed_signals(svc)] == [("cpu", False), ("db_connections", True)]
    assert datadog_graphs(svc)[-1] == (titles("db_connections")[0], 0)
    assert cloudwatch_graphs(svc)[-1] == (titles("db_connections")[1], 0)
    both = shop(alerts={"cpu": {"critical": "80%"}}, dashboards={"graphs": ["cpu"]})  # already graphed: drawn once
    assert datadog_graphs(both) == [(titles("cpu")[0], 1)]


@pytest.mark.parametrize(
    ("dashboards", "sources", "path", "message"),
    [
        ({"graphs": ["db_connections"], "sections": ["resources"]}, None, ("dashboards", "graphs", 0), "graph db_connections sits in section database"),
        ({"graphs": ["cpu"], "enabled": False}, None, ("dashboards", "graphs"), "no dashboard would draw these graphs"),
        ({"graphs": ["cpu", "queue_backlog"]}, NO_QUEUE, ("dashboards", "graphs", 1), "graph queue_backlog: Datadog needs sources.aws.sqs"),
    ],
)
def test_a_graph_no_dashboard_would_draw_is_an_error_at_its_line(dashboards: dict[str, Any], sources: Any, path: tuple[Any, ...], message: str) -> None:
    changes: dict[str, Any] = {"dashboards": dashboards} if sources is None else {"dashboards": dashboards, "sources": sources}
    found = [v for v in check_service(shop(**changes), PROD) if v.path[:1] == ("dashboards",)]
    assert [v.path for v in found] == [path] and message in found[0].message, found
