"""Shared by the AWS tests: the reference catalog's service, a deployment, and AWS resources of a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from monitors.common.context import Deployment
from spec import Service, load_catalog
from tests.reference import REFERENCE, REFERENCE_CATALOG
from vigil.engine import PlannedResource
from vigil.testkit import PlanView

ROOT = Path(__file__).resolve().parents[2]
PROJECT = REFERENCE  # the project the tests plan: the reference fixture, never the user's catalog/
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


def api(environment: str = "prod") -> Service:
    return load_catalog(REFERENCE_CATALOG, [environment]).for_environment(environment)[0]


def deployment(environment: str = "prod") -> Deployment:
    return Deployment(project="monitoring", stack=environment, environment=environment, production=environment == "prod")


def alarm(plan: PlanView, name: str) -> dict[str, Any]:
    return plan.one(type=ALARM, name=name).inputs


def aws_resources(plan: PlanView) -> list[PlannedResource]:
    return [r for r in plan.resources if r.type.startswith("aws:")]
