"""Route 53 health checks, and the `AWS/Route53` metrics CloudWatch receives from them
(dns-failover-determining-health-of-endpoints.html, API_HealthCheckConfig.html, monitoring-health-checks.html).

Checkers in each configured region request the endpoint every `requestInterval` seconds. A request passes when
the endpoint answers 2xx or 3xx within two seconds (the probe's latency stands for the time after connecting).
Each checker changes its view of the endpoint after `failureThreshold` consecutive results the other way; the
check is healthy while more than 18 % of the checkers see it healthy. Every check result yields a
`HealthCheckStatus` sample (1 healthy, 0 not) and a `HealthCheckPercentageHealthy` sample, dimension
`HealthCheckId` (the plan's `${<check>.id}`).

Assumed, as the docs do not say (docs/replay.md): one checker per region (AWS runs several, in number not
documented), all probing at the same instants from the replay's start, every checker starting healthy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ...engine import PlannedResource, placeholder
from ..data import CloudWatchMetric, Probe, VendorData
from ..errors import ReplayError
from ..plans import check_inputs, number
from ..samples import Sample

TYPE = "aws:route53/healthCheck:HealthCheck"
NAMESPACE = "AWS/Route53"
HEALTHY_SHARE = 0.18  # healthy when more than 18 % of checkers report healthy
RESPONSE_SECONDS = 2.0
_DESCRIPTIVE = ("referenceName", "tags", "tagsAll", "measureLatency", "enableSni", "region")
_UNDERSTOOD = (*_DESCRIPTIVE, "type", "fqdn", "port", "resourcePath", "failureThreshold", "requestInterval", "regions", "invertHealthcheck")
_DEFAULT_PORTS = {"HTTP": 80, "HTTPS": 443}


@dataclass(frozen=True)
class HealthCheck:
    resource: PlannedResource
    url: str
    interval: int
    threshold: int
    regions: tuple[str, ...]
    invert: bool

    @property
    def dimensions(self) -> dict[str, str]:
        return {"HealthCheckId": placeholder(self.resource.name, "id")}


def compile_health_check(resource: PlannedResource) -> HealthCheck:
    inputs = resource.inputs
    check_inputs(resource, _UNDERSTOOD)
    kind = str(inputs.get("type"))
    if kind not in _DEFAULT_PORTS:
        raise ReplayError(f"health check type {kind!r}: the replay knows HTTP and HTTPS", resource.name)
    if inputs.get("disabled"):
        raise ReplayError("a disabled health check", resource.name)
    fqdn = inputs.get("fqdn")
    if not fqdn:
        raise ReplayError("a health check without fqdn (by IP address) is not supported", resource.name)
    port = int(number(resource, inputs.get("port") or _DEFAULT_PORTS[kind], "port"))
    host = str(fqdn) if port == _DEFAULT_PORTS[kind] else f"{fqdn}:{port}"
    interval = int(number(resource, inputs.get("requestInterval") or 30, "requestInterval"))
    threshold = int(number(resource, inputs.get("failureThreshold") or 3, "failureThreshold"))
    if interval not in (10, 30):
        raise ReplayError(f"requestInterval must be 10 or 30, got {interval}", resource.name)
    if not 1 <= threshold <= 10:
        raise ReplayError(f"failureThreshold must be 1 to 10, got {threshold}", resource.name)
    regions = tuple(str(r) for r in inputs.get("regions") or ())
    if not regions:
        raise ReplayError("the replay needs the health check's regions (Route 53's default set is not modelled)", resource.name)
    return HealthCheck(
        resource=resource,
        url=f"{kind.lower()}://{host}{inputs.get('resourcePath') or '/'}",
        interval=interval,
        threshold=threshold,
        regions=regions,
        invert=bool(inputs.get("invertHealthcheck")),
    )


def passes(probe: Probe) -> bool:
    return probe.status is not None and 200 <= probe.status < 400 and probe.latency_ms <= RESPONSE_SECONDS * 1000


def derive(check: HealthCheck, data: VendorData) -> dict[CloudWatchMetric, list[Optional[Sample]]]:
    """The check's HealthCheckStatus and HealthCheckPercentageHealthy points; none when the data has no probes of its URL."""
    probes = data.probes.get(check.url)
    if probes is None:
        return {}
    healthy = dict.fromkeys(check.regions, True)
    streak = dict.fromkeys(check.regions, 0)
    status: list[list[float]] = [[] for _ in range(data.length)]
    share: list[list[float]] = [[] for _ in range(data.length)]
    for t in range(data.start, data.end, check.interval):
        index = data.index_at(t)
        assert index is not None
        for region in check.regions:
            ok = passes(probes.at(index, region))
            streak[region] = 0 if ok == healthy[region] else streak[region] + 1
            if streak[region] >= check.threshold:
                healthy[region], streak[region] = ok, 0
        fraction = sum(healthy.values()) / len(healthy)
        up = fraction > HEALTHY_SHARE
        status[index].append(float(up != check.invert))
        share[index].append(100 * fraction)

    def samples(values: list[list[float]]) -> list[Optional[Sample]]:
        return [(Sample.value(vs[0], len(vs)) if min(vs) == max(vs) else Sample.values((v, 1.0) for v in vs)) if vs else None for vs in values]

    return {
        CloudWatchMetric.of(NAMESPACE, "HealthCheckStatus", check.dimensions): samples(status),
        CloudWatchMetric.of(NAMESPACE, "HealthCheckPercentageHealthy", check.dimensions): samples(share),
    }
