"""Service level indicators: how each backend counts an SLO's bad events, and what it needs of the spec.

`availability`: requests answered with a 5xx — by the service, or by its load balancer when it has one. `latency`: requests slower than the SLO's `latency_below`.
`custom`: the spec's own good/total queries, which are Datadog queries (CloudWatch custom SLIs come with custom
metrics). The Datadog SLO objects themselves are built in monitors/datadog/slos.py from these pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from spec import Service
from spec.slos import CustomSli, LatencySli, Slo

from . import needs
from .cloudwatch import AwsScope, Metric, Ratio
from .http import ALB, AWS_DELAY, NOMINAL_RPS, alb_dimensions, apm, errors, hits, lb_errors
from .model import Backend, Need, Unmeasurable

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class DatadogSli:
    needs: Callable[[Slo], tuple[Need, ...]]
    # a metric SLO's (good, total) count queries, for an environment filter; None: the SLO object is built otherwise
    # (a latency SLO is time-sliced, a custom one takes the spec's queries)
    counts: Optional[Callable[[Service, str], tuple[str, str]]] = None
    # seconds its latest query reaches Datadog late (the AWS integration's): its burn-rate windows must allow for it
    delay: Callable[[Service], int] = lambda service: 0
    # the count query of the requests its windows hold, for an environment filter: a burn-rate tier stays quiet while
    # its window holds fewer than the service's `min_requests` (issue 12 item 7); None: its tiers are not guarded (a
    # custom SLI counts the user's own events)
    requests: Optional[Callable[[Service, str], str]] = None

    def missing(self, service: Service, slo: Slo) -> list[str]:
        return [str(need) for need in self.needs(slo) if not need.holds(service)]


@dataclass(frozen=True, kw_only=True)
class CloudWatchSli:
    words: Callable[[Slo], str]  # what the bad share is, as a graph title or alarm description says it
    error_share: Callable[[AwsScope, Slo], Ratio]  # bad events in percent of all, per period
    needs: Callable[[Slo], tuple[Need, ...]]

    def missing(self, service: Service, slo: Slo) -> list[str]:
        return [str(need) for need in self.needs(slo) if not need.holds(service)]


# How a scenario sets series so the SLI's bad share is a given percent (the replay's standard burns); None: it cannot
# (a custom SLI's queries are the user's own).
SliDrive = Callable[[Slo, float], Mapping[str, float]]


@dataclass(frozen=True)
class SliKind:
    name: str
    datadog: Union[DatadogSli, Unmeasurable]
    cloudwatch: Union[CloudWatchSli, Unmeasurable]
    drive: Optional[SliDrive] = None
    lb_drive: Optional[SliDrive] = None  # its bad events answered by the load balancer itself, where the SLI counts them

    def missing(self, backend: Backend, service: Service, slo: Slo) -> list[str]:
        """What `service` lacks for `backend` to measure this SLO; empty when it can."""
        realisation = self.datadog if backend == "datadog" else self.cloudwatch
        if isinstance(realisation, Unmeasurable):
            return [realisation.reason]
        return realisation.missing(service, slo)


def _alb(scope: AwsScope) -> dict[str, pulumi.Input[str]]:
    dims = alb_dimensions(scope.targets)
    assert dims is not None, "guarded by needs.LOAD_BALANCER"
    return dims


def _server_errors(scope: AwsScope, slo: Slo) -> Ratio:
    """5xx over all requests: the targets' own (m1 over RequestCount, m2) and those the load balancer answers itself
    when targets crash, time out or are all unhealthy (HTTPCode_ELB_5XX_Count, m3). RequestCount leaves out requests
    refused before a target was chosen, so m3 is added to both sides: `100*(m1+m3)/(m2+m3)`. The load balancer's own
    codes have no TargetGroup dimension: behind a shared load balancer they count against every service on it (and a
    502/504 after a target was chosen is in RequestCount too: that request counts twice in the total, a slight
    understatement of the bad share)."""
    dims = _alb(scope)
    lb = {"LoadBalancer": dims["LoadBalancer"]}
    return Ratio(
        Metric(ALB, "HTTPCode_Target_5XX_Count", dims, "Sum"),
        Metric(ALB, "RequestCount", dims, "Sum"),
        "100*(m1+m3)/(m2+m3)",
        extra=(Metric(ALB, "HTTPCode_ELB_5XX_Count", lb, "Sum"),),
        requests="m2+m3",
    )


def _counts_lb(service: Service) -> bool:
    aws = service.sources.aws
    return aws is not None and aws.load_balancer is not None


def lb_counted(service: Service, slo: Slo) -> bool:
    """Whether the SLO counts the load balancer's own 5xx: an availability SLO of a service behind a load balancer."""
    aws = service.sources.aws
    return sli(slo).lb_drive is not None and aws is not None and aws.load_balancer is not None


def _availability_counts(service: Service, env: str) -> tuple[str, str]:
    """Good: the service's requests that did not fail (APM). Total: its requests, and the 5xx the load balancer
    answers itself where it has one — those never reach the service's traces."""
    source = apm(service)
    good = f"{hits(source, env)} - {errors(source, env)}"
    total = f"{hits(source, env)} + {lb_errors(service)}" if _counts_lb(service) else hits(source, env)
    return good, total


def _threshold(slo: Slo) -> LatencySli:
    assert isinstance(slo.sli, LatencySli)
    return slo.sli


def _slow_requests(scope: AwsScope, slo: Slo) -> Ratio:
    """Requests slower than the threshold: TargetResponseTime's trimmed count above it (lower bound excluded),
    over all requests."""
    dims = _alb(scope)
    slow = f"TC({_threshold(slo).latency_below.seconds:g}:)"
    return Ratio(Metric(ALB, "TargetResponseTime", dims, slow), Metric(ALB, "RequestCount", dims, "Sum"), requests="m2")


def _custom_datadog(slo: Slo) -> tuple[Need, ...]:
    written = isinstance(slo.sli, CustomSli) and "datadog" in slo.sli.custom
    return (Need(f"slos.{slo.name}.sli.custom.datadog", lambda _: written, "(its good and total Datadog queries)"),)


SLIS: dict[str, SliKind] = {
    kind.name: kind
    for kind in (
        SliKind(
            "availability",
            DatadogSli(
                needs=lambda _: (needs.DATADOG,),
                counts=_availability_counts,
                delay=lambda service: AWS_DELAY if _counts_lb(service) else 0,
                requests=lambda service, env: _availability_counts(service, env)[1],
            ),
            CloudWatchSli(words=lambda _: "5xx ratio", error_share=_server_errors, needs=lambda _: (needs.LOAD_BALANCER,)),
            drive=lambda slo, bad: {"requests": NOMINAL_RPS, "errors": bad},
            lb_drive=lambda slo, bad: {"requests": NOMINAL_RPS, "lb_errors": bad},
        ),
        SliKind(
            "latency",
            # a time-slice SLO judges slices, but a slice of few requests is as unsure as a window of few: the same hits
            DatadogSli(needs=lambda _: (needs.DATADOG,), requests=lambda service, env: hits(apm(service), env)),
            CloudWatchSli(
                words=lambda slo: f"share slower than {_threshold(slo).latency_below}",
                error_share=_slow_requests,
                needs=lambda _: (needs.LOAD_BALANCER,),
            ),
            drive=lambda slo, bad: {"requests": NOMINAL_RPS, "slow": bad},
        ),
        SliKind(
            "custom",
            DatadogSli(needs=_custom_datadog),
            Unmeasurable("CloudWatch cannot measure a custom SLI: its good and total queries are Datadog queries"),
        ),
    )
}


def sli(slo: Slo) -> SliKind:
    return SLIS[slo.sli_kind]
