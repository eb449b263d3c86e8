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
    """A name a Datadog query reads: written, or another stack's output (the program reads it as CloudWatch's do)."""
    return _present(path, get)


DATADOG = Need("sources.datadog", lambda s: s.sources.datadog is not None)
LOAD_BALANCER = _present("sources.aws.load_balancer", lambda a: a.load_balancer)
TARGET_GROUP = _present("sources.aws.target_group", lambda a: a.target_group)
ECS = _present("sources.aws.ecs", lambda a: a.ecs)
RDS = _present("sources.aws.rds", lambda a: a.rds)
ELASTICACHE = _present("sources.aws.elasticache", lambda a: a.elasticache)
RDS_NAME = named("sources.aws.rds.instance", lambda a: a.rds.instance if a.rds else None)
CACHE_NAME = Need(
    "sources.aws.elasticache.cluster",
    lambda s: (aws := _aws(s)) is not None and aws.elasticache is not None and (aws.elasticache.cluster or aws.elasticache.replication_group) is not None,
)
# ElastiCache publishes per node and per cluster (CacheClusterId), never per replication group: CloudWatch measures a
# group through its members.
CACHE_MEMBERS = Need(
    "sources.aws.elasticache.members",
    lambda s: (aws := _aws(s)) is None or aws.elasticache is None or aws.elasticache.replication_group is None or bool(aws.elasticache.members),
    "(a replication group's member clusters: ElastiCache publishes CacheHits and CacheMisses per member's CacheClusterId, "
    "never under the group's id)",
)
LOAD_BALANCER_NAME = named("sources.aws.load_balancer", lambda a: a.load_balancer)
TARGET_GROUP_NAME = named("sources.aws.target_group", lambda a: a.target_group)
SQS = _present("sources.aws.sqs", lambda a: a.sqs)
DEAD_LETTER_QUEUE = _present("sources.aws.sqs.dead_letter_queue", lambda a: a.sqs.dead_letter_queue if a.sqs else None)
LAMBDA = _present("sources.aws.lambda_function", lambda a: a.lambda_function)
API_GATEWAY = _present("sources.aws.api_gateway", lambda a: a.api_gateway)
DYNAMODB = _present("sources.aws.dynamodb", lambda a: a.dynamodb)
SQS_NAME = named("sources.aws.sqs.queue", lambda a: a.sqs.queue if a.sqs else None)
DEAD_LETTER_QUEUE_NAME = named("sources.aws.sqs.dead_letter_queue", lambda a: a.sqs.dead_letter_queue if a.sqs else None)
LAMBDA_NAME = named("sources.aws.lambda_function.name", lambda a: a.lambda_function.name if a.lambda_function else None)
LAMBDA_TIMEOUT = _present("sources.aws.lambda_function.timeout", lambda a: a.lambda_function.timeout if a.lambda_function else None)
DYNAMODB_NAME = named("sources.aws.dynamodb.table", lambda a: a.dynamodb.table if a.dynamodb else None)


API_GATEWAY_NAME = API_GATEWAY
