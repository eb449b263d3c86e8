"""Hand-built vendor data for the replay fixture service (tests/fixtures/replay/api.yaml), one point a minute.

A deliberately small stand-in for the signal registry of phase 2: it writes each signal under the metric names
the fixture's plan reads, as each vendor publishes them (ALB counts only when not zero, APM counts with zeros).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from vigil.replay import Probe, Sample, VendorData

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "replay"
ALB = {"LoadBalancer": "app/api/50dc6c495c0c9188", "TargetGroup": "targetgroup/api/943f017f100becff"}
APM = ["service:api", "env:prod"]
LIVE = "https://api.example.com/health/live"
READY = "https://api.example.com/health/ready"


def segments(*parts: tuple[float, int]) -> list[float]:
    """`segments((20, 60), (0, 10))`: 20 for 60 steps, then 0 for 10."""
    return [value for value, count in parts for _ in range(count)]


def service_data(
    minutes: int,
    rps: Optional[Sequence[float]] = None,
    errors: Optional[Sequence[float]] = None,
    latency: Optional[Sequence[float]] = None,
    live: Optional[Sequence[bool]] = None,
    cpu: float = 30.0,
    memory: float = 40.0,
    connections: float = 20.0,
    hit_rate: float = 95.0,
    error_logs: float = 0.0,
) -> VendorData:
    """A healthy service unless told otherwise: rps requests/s, a share of them answered 5xx, latency in seconds."""
    rps = list(rps) if rps is not None else [20.0] * minutes
    errors = list(errors) if errors is not None else [0.0] * minutes
    latency = list(latency) if latency is not None else [0.12] * minutes
    live = list(live) if live is not None else [True] * minutes
    data = VendorData(step=60, length=minutes)
    requests = [round(r * 60) for r in rps]
    failed = [round(n * e) for n, e in zip(requests, errors, strict=True)]

    def alb_counts(values: Sequence[float]) -> list[Optional[Sample]]:
        return [Sample.events(v) if v > 0 else None for v in values]  # ALB publishes counts only when not zero

    latencies = [Sample.values([(s, n)]) if n > 0 else None for s, n in zip(latency, requests, strict=True)]
    data.add_cloudwatch("AWS/ApplicationELB", "RequestCount", ALB, alb_counts(requests))
    data.add_cloudwatch("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ALB, alb_counts(failed))
    data.add_cloudwatch("AWS/ApplicationELB", "TargetResponseTime", ALB, latencies)
    data.add_cloudwatch("AWS/ECS", "CPUUtilization", {"ClusterName": "prod", "ServiceName": "api"}, [Sample.value(cpu)] * minutes)
    data.add_cloudwatch("AWS/ECS", "MemoryUtilization", {"ClusterName": "prod", "ServiceName": "api"}, [Sample.value(memory)] * minutes)
    data.add_cloudwatch("AWS/RDS", "DatabaseConnections", {"DBInstanceIdentifier": "api-db"}, [Sample.value(connections)] * minutes)
    data.add_cloudwatch("AWS/ElastiCache", "CacheHitRate", {"CacheClusterId": "api-cache"}, [Sample.value(hit_rate)] * minutes)
    data.add_cloudwatch("Vigil/api/prod", "ErrorLogEvents", None, [Sample.value(error_logs)] * minutes)
    # APM trace metrics: counts every minute with traffic (errors reported as 0), latency as a distribution
    data.add_datadog("trace.http.request.hits", APM, "count", [Sample.events(n) if n else None for n in requests])
    data.add_datadog("trace.http.request.errors", APM, "count", [Sample.value(float(f)) if n else None for f, n in zip(failed, requests, strict=True)])
    data.add_datadog("trace.http.request", APM, "distribution", latencies)
    # each of two tasks alike, under its task_arn (the monitors group by it): nanocores and bytes over the task limit
    for task in ("task_arn:task-1", "task_arn:task-2"):
        data.add_datadog("ecs.fargate.cpu.usage", [*APM, task], "gauge", [Sample.value(cpu * 1e7)] * minutes)
        data.add_datadog("ecs.fargate.cpu.task.limit", [*APM, task], "gauge", [Sample.value(100 * 1e7)] * minutes)
        data.add_datadog("ecs.fargate.mem.usage", [*APM, task], "gauge", [Sample.value(memory * 1e7)] * minutes)
        data.add_datadog("ecs.fargate.mem.task.limit", [*APM, task], "gauge", [Sample.value(100 * 1e7)] * minutes)
    data.add_datadog("aws.rds.database_connections", ["dbinstanceidentifier:api-db"], "gauge", [Sample.value(connections)] * minutes)
    hits = [hit_rate * 10] * minutes
    data.add_datadog("aws.elasticache.cache_hits", ["cacheclusterid:api-cache"], "count", [Sample.value(h) for h in hits])
    data.add_datadog("aws.elasticache.cache_misses", ["cacheclusterid:api-cache"], "count", [Sample.value(1000 - h) for h in hits])
    data.add_logs(["service:api", "env:prod", "status:error"], [int(error_logs)] * minutes)
    data.add_probes(LIVE, [Probe.up() if up else Probe(503, 30.0) for up in live])
    data.add_probes(READY, [Probe.up()] * minutes)
    return data
