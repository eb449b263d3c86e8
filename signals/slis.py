"""Service level indicators: how each backend counts an SLO's bad events, and what it needs of the spec.

`availability`: requests answered with a 5xx. `latency`: requests slower than the SLO's `latency_below`.
`custom`: the spec's own good/total queries, which are Datadog queries (CloudWatch custom SLIs come with custom
metrics). The Datadog SLO objects themselves are built in monitors/datadog/slos.py from these pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Optional, Union

import pulumi

from spec import Service
from spec.slos import CustomSli, LatencySli, Slo

from . import needs
from .cloudwatch import AwsScope, Metric, Ratio
from .http import ALB, NOMINAL_RPS, alb_dimensions
from .model import Backend, Need, Unmeasurable


@dataclass(frozen=True, kw_only=True)
class DatadogSli:
    needs: Callable[[Slo], tuple[Need, ...]]

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
    dims = _alb(scope)
    return Ratio(Metric(ALB, "HTTPCode_Target_5XX_Count", dims, "Sum"), Metric(ALB, "RequestCount", dims, "Sum"))


def _threshold(slo: Slo) -> LatencySli:
    assert isinstance(slo.sli, LatencySli)
    return slo.sli


def _slow_requests(scope: AwsScope, slo: Slo) -> Ratio:
    """Requests slower than the threshold: TargetResponseTime's trimmed count above it (lower bound excluded),
    over all requests."""
    dims = _alb(scope)
    slow = f"TC({_threshold(slo).latency_below.seconds:g}:)"
    return Ratio(Metric(ALB, "TargetResponseTime", dims, slow), Metric(ALB, "RequestCount", dims, "Sum"))


def _custom_datadog(slo: Slo) -> tuple[Need, ...]:
    written = isinstance(slo.sli, CustomSli) and "datadog" in slo.sli.custom
    return (Need(f"slos.{slo.name}.sli.custom.datadog", lambda _: written, "(its good and total Datadog queries)"),)


SLIS: dict[str, SliKind] = {
    kind.name: kind
    for kind in (
        SliKind(
            "availability",
            DatadogSli(needs=lambda _: (needs.DATADOG,)),
            CloudWatchSli(words=lambda _: "5xx ratio", error_share=_server_errors, needs=lambda _: (needs.LOAD_BALANCER,)),
            drive=lambda slo, bad: {"requests": NOMINAL_RPS, "errors": bad},
        ),
        SliKind(
            "latency",
            DatadogSli(needs=lambda _: (needs.DATADOG,)),
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
