"""What realisations need of a service's spec, each named the way the spec writes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from spec import Service
from spec.sources import AwsSource

from .model import Need


def _aws(service: Service) -> Optional[AwsSource]:
    return service.sources.aws


def _present(path: str, get: Callable[[AwsSource], Any]) -> Need:
    return Need(path, lambda s: (aws := _aws(s)) is not None and get(aws) is not None)


def named(path: str, get: Callable[[AwsSource], Any]) -> Need:
    """A name written literally: Datadog queries are text written before any stack output is known."""
    return Need(
        path,
        lambda s: (aws := _aws(s)) is not None and isinstance(get(aws), str),
        "written as a name (Datadog queries cannot read stack outputs)",
    )


DATADOG = Need("sources.datadog", lambda s: s.sources.datadog is not None)
LOAD_BALANCER = _present("sources.aws.load_balancer", lambda a: a.load_balancer)
TARGET_GROUP = _present("sources.aws.target_group", lambda a: a.target_group)
ECS = _present("sources.aws.ecs", lambda a: a.ecs)
RDS = _present("sources.aws.rds", lambda a: a.rds)
ELASTICACHE = _present("sources.aws.elasticache", lambda a: a.elasticache)
RDS_NAME = named("sources.aws.rds.instance", lambda a: a.rds.instance if a.rds else None)
CACHE_NAME = named("sources.aws.elasticache.cluster", lambda a: a.elasticache.cluster if a.elasticache else None)
LOAD_BALANCER_NAME = named("sources.aws.load_balancer", lambda a: a.load_balancer)
TARGET_GROUP_NAME = named("sources.aws.target_group", lambda a: a.target_group)


def _named_if_given(service: Service) -> bool:
    aws = _aws(service)
    return aws is None or aws.load_balancer is None or isinstance(aws.load_balancer, str)


# Datadog's availability SLI counts the load balancer's own 5xx where the service has one: its query names it.
LOAD_BALANCER_NAME_IF_ANY = Need(
    "sources.aws.load_balancer", _named_if_given, "written as a name when given (Datadog's availability counts the load balancer's own 5xx)"
)
