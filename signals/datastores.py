"""Data stores the service depends on: its RDS database and ElastiCache cluster, read through CloudWatch
(and through Datadog's AWS integration, which crawls CloudWatch: about 15 minutes late)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from spec import Duration, Service

from . import needs
from .cloudwatch import AwsScope, Evaluation, Math, Metric, Source, count, percent
from .datadog import AWS_DELAY, Expression, aws_tag, single
from .datadog import output_tag as _tag_of
from .model import (
    CloudWatchAlarm,
    CloudWatchPublication,
    DatadogGraph,
    DatadogMetric,
    DatadogPublication,
    Drive,
    Events,
    Gauge,
    PointOf,
    Publication,
    Series,
    Signal,
    Values,
)
from .words import DEPLOY, FIRST

if TYPE_CHECKING:
    import pulumi

_10M, _15M = Duration(600_000), Duration(900_000)


def _rds_instance(service: Service) -> str:
    """The instance as Datadog's AWS integration tags it."""
    aws = service.sources.aws
    assert aws is not None and aws.rds is not None, "guarded by needs.RDS_NAME"
    return aws_tag(aws.rds.instance, aws.from_stack)


def _cache_scope(service: Service) -> str:
    """The cache's tag as Datadog's AWS integration writes it: `cacheclusterid` of a cluster, or `replication_group`
    (every member's metrics carry it, beside their own `cacheclusterid`)."""
    aws = service.sources.aws
    assert aws is not None and aws.elasticache is not None, "guarded by needs.CACHE_NAME"
    cluster, group = aws.elasticache.cluster, aws.elasticache.replication_group
    if cluster is not None:
        return f"{{cacheclusterid:{aws_tag(cluster, aws.from_stack)}}}"
    return f"{{replication_group:{aws_tag(group, aws.from_stack)}}}"


def _db_connections(service: Service, env: str) -> Expression:
    """Open connections of the RDS instance (the AWS integration tags by lowercase instance identifier)."""
    return single(f"max:aws.rds.database_connections{{dbinstanceidentifier:{_rds_instance(service)}}}")


def _cache_hit_rate(service: Service, env: str) -> Expression:
    """Cache hits over lookups, in percent: of the cluster, or summed over the replication group's members."""
    scope = _cache_scope(service)
    return Expression(
        "100 * cache_hits / (cache_hits + cache_misses)",
        {
            "cache_hits": f"sum:aws.elasticache.cache_hits{scope}.as_count()",
            "cache_misses": f"sum:aws.elasticache.cache_misses{scope}.as_count()",
        },
    )


def _rds(scope: AwsScope) -> Metric:
    assert scope.targets.rds_instance is not None, "guarded by needs.RDS"
    return Metric("AWS/RDS", "DatabaseConnections", {"DBInstanceIdentifier": scope.targets.rds_instance}, "Maximum")


def _cache(scope: AwsScope) -> Source:
    """The cluster's CacheHitRate; for a replication group, hits over lookups summed over its members (metric math:
    ElastiCache publishes per member cluster only, and a member without lookups weighs nothing)."""
    members = scope.targets.cache_members
    if not members:
        assert scope.targets.cache_cluster is not None, "guarded by needs.ELASTICACHE"
        return Metric("AWS/ElastiCache", "CacheHitRate", {"CacheClusterId": scope.targets.cache_cluster}, "Average")
    hits = [Metric("AWS/ElastiCache", "CacheHits", {"CacheClusterId": m}, "Sum") for m in members]
    misses = [Metric("AWS/ElastiCache", "CacheMisses", {"CacheClusterId": m}, "Sum") for m in members]
    n = len(members)
    hit_ids = "+".join(f"m{i}" for i in range(1, n + 1))
    all_ids = "+".join(f"m{i}" for i in range(1, 2 * n + 1))
    return Math(
        (*hits, *misses),
        f"100*({hit_ids})/({all_ids})",
        f"100*CacheHits/(CacheHits+CacheMisses) summed over {n} member cluster{'s' if n > 1 else ''}",
    )


SIGNALS = (
    Signal(
        name="db_connections",
        title="database connections",
        section="database",
        watches="Open connections to the service's database; at the database's limit, new requests fail.",
        steps=(
            FIRST,
            "Check whether the task count grew (every task opens its own pool) and whether pool sizes changed in a deploy.",
            "Look for long-running or blocked queries and idle-in-transaction sessions on the database; end the offenders.",
            DEPLOY,
            "Scale the database or its connection limit only after the cause is known.",
        ),
        datadog=DatadogMetric(
            query=_db_connections,
            aggregation="avg",
            window=_10M,
            unit=" connections",
            graph=DatadogGraph("Database connections", "connections"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.RDS_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="database connections",
            source=_rds,
            unit="connections",
            evaluation=Evaluation(60, 5, 3, "missing"),
            convert=count,
            needs=(needs.RDS,),
        ),
        drive=Drive("db_connections"),
    ),
    Signal(
        name="cache_hit_rate",
        title="cache hit rate",
        section="cache",
        watches="The share of cache lookups that hit; this alert fires when it falls below its thresholds.",
        steps=(
            FIRST,
            "A sudden drop after a flush, failover or node replacement recovers as the cache warms: watch the database load meanwhile.",
            "Check evictions and the cache's memory: a full cache evicts keys before they are read again.",
            DEPLOY + " (a changed cache key format empties the cache).",
        ),
        datadog=DatadogMetric(
            query=_cache_hit_rate,
            aggregation="sum",
            window=_15M,
            unit="%",
            graph=DatadogGraph("Cache hit rate (%)", "hit rate"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.CACHE_NAME),
            # lookups are not the service's requests, and CloudWatch's CacheHitRate of a cluster carries no count to
            # guard with: the hit rate is not guarded at low traffic, on either backend
            guard=False,
        ),
        cloudwatch=CloudWatchAlarm(
            title="cache hit rate",
            source=_cache,
            unit="%",
            evaluation=Evaluation(300, 3, 3, "notBreaching"),
            convert=percent,
            needs=(needs.ELASTICACHE, needs.CACHE_MEMBERS),
        ),
        drive=Drive("cache_hit_rate"),
    ),
)


# ---- Replay: the series of the data stores, and what the vendors receive for them --------------------------------

SERIES = (
    Series(name="db_connections", unit="count", means="Open connections to the service's RDS database."),
    Series(name="cache_hit_rate", unit="percent", means="Share of the ElastiCache cluster's (or each replication group member's) lookups that hit."),
)
LOOKUPS_PER_SECOND = 100.0  # the cache traffic behind `cache_hit_rate`: Datadog counts hits and misses of it


def _gauge(series: str) -> PointOf:
    return lambda values, seconds: Gauge(values[series]) if series in values else None


def _lookups(hit: bool) -> PointOf:
    """Hits (or misses) of the nominal lookups in the step: the AWS integration's counts."""

    def point(values: Values, seconds: int) -> Events | None:
        if "cache_hit_rate" not in values:
            return None
        share = values["cache_hit_rate"] / 100
        return Events(LOOKUPS_PER_SECOND * seconds * (share if hit else 1 - share))

    return point


def _caches(scope: AwsScope) -> list[tuple[pulumi.Input[str], Optional[str]]]:
    """The cache clusters ElastiCache publishes for: the one cluster, or each member of the replication group (a
    member's metrics carry its own CacheClusterId), each with its replication group's id as written (None: none)."""
    aws = scope.service.sources.aws
    if aws is None or aws.elasticache is None:
        return []
    group = aws.elasticache.replication_group
    if group is not None:
        return [(member, aws_tag(group, aws.from_stack)) for member in scope.targets.cache_members]
    return [(scope.targets.cache_cluster, None)] if scope.targets.cache_cluster is not None else []


def published(scope: AwsScope) -> list[Publication]:
    """RDS and ElastiCache publish every minute to CloudWatch; Datadog's AWS integration crawls the same metrics,
    tagged by lowercase identifiers (it is about 15 minutes late: the monitors' evaluation delay stands for that).
    ElastiCache publishes per node and per cluster — a replication group's members each under their own CacheClusterId,
    which Datadog tags `cacheclusterid` and `replication_group`."""
    out: list[Publication] = []
    service = scope.service
    aws = service.sources.aws
    if scope.targets.rds_instance is not None:
        rds = _rds(scope)
        out.append(CloudWatchPublication(rds.namespace, rds.name, rds.dimensions, _gauge("db_connections"), ("db_connections",)))
    for cluster, group in _caches(scope):
        dimensions = {"CacheClusterId": cluster}
        out += [
            CloudWatchPublication("AWS/ElastiCache", "CacheHitRate", dimensions, _gauge("cache_hit_rate"), ("cache_hit_rate",)),
            CloudWatchPublication("AWS/ElastiCache", "CacheHits", dimensions, _lookups(hit=True), ("cache_hit_rate",)),
            CloudWatchPublication("AWS/ElastiCache", "CacheMisses", dimensions, _lookups(hit=False), ("cache_hit_rate",)),
        ]
        if isinstance(cluster, str):  # a member named in the spec, or another stack's output (its placeholder offline)
            tags = (f"cacheclusterid:{_tag_of(cluster)}",) + ((f"replication_group:{group}",) if group is not None else ())
            out += [
                DatadogPublication("aws.elasticache.cache_hits", tags, "count", _lookups(hit=True), ("cache_hit_rate",), AWS_DELAY),
                DatadogPublication("aws.elasticache.cache_misses", tags, "count", _lookups(hit=False), ("cache_hit_rate",), AWS_DELAY),
            ]
    if aws is not None and aws.rds is not None:
        tag = f"dbinstanceidentifier:{_rds_instance(service)}"
        out.append(DatadogPublication("aws.rds.database_connections", (tag,), "gauge", _gauge("db_connections"), ("db_connections",), AWS_DELAY))
    return out
