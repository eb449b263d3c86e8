"""Service level objectives in Datadog.

- availability: a metric (count) SLO, good = hits − errors, total = hits, both summed.
- latency: Datadog counts "requests faster than X" only from a distribution with percentiles *and*
  threshold queries enabled by hand in the UI; a query string for it is not part of the public API
  contract. The honest, API-typed alternative is a **time-slice SLO**: a 5-minute slice is good when the
  APM p95 latency is at or under the spec's threshold, and the objective is the share of good slices.
  It uses the same p95 query as the latency monitor.
- custom: a metric SLO on the spec's own good/total Datadog queries.
"""

from typing import Optional

from monitors.common.context import Deployment
from monitors.datadog import sdk as datadog
from signals.datadog import env_filter
from signals.http import latency
from signals.model import Unmeasurable
from signals.slis import sli
from spec import Duration, Service
from spec.slos import CustomSli, LatencySli, Slo

from .numbers import number

TIME_SLICE_SECONDS = 300
LATENCY_PERCENTILE = "p95"


def time_slice(slo: Slo) -> Optional[Duration]:
    """The slice of the SLO on Datadog when it is a time-slice SLO (a latency SLI), else None."""
    return Duration(1000 * TIME_SLICE_SECONDS) if isinstance(slo.sli, LatencySli) else None


def _thresholds(slo: Slo) -> list[datadog.ServiceLevelObjectiveThresholdArgs]:
    return [
        datadog.ServiceLevelObjectiveThresholdArgs(
            target=slo.objective.value,
            timeframe=str(slo.window),
            warning=slo.warning.value if slo.warning else None,
        )
    ]


def slo_objective(service: Service, deployment: Deployment, slo: Slo) -> Optional[datadog.ServiceLevelObjectiveArgs]:
    """The Datadog SLO for a spec SLO, or None when Datadog cannot measure its SLI for the service (signals/slis.py)."""
    if sli(slo).missing("datadog", service, slo):
        return None
    source = service.sources.datadog
    env = env_filter(deployment.environment)
    what = slo.description or f"{slo.name} of {service.service}"
    if isinstance(slo.sli, LatencySli):
        what += f": 5-minute slices whose {LATENCY_PERCENTILE} latency is at most {slo.sli.latency_below}"
    common = {
        "name": f"[{deployment.environment}] {service.service}: {slo.name}",
        "description": f"{what} ({slo.objective} over {slo.window})",
        "thresholds": _thresholds(slo),
        "timeframe": str(slo.window),
        "target_threshold": slo.objective.value,
        "warning_threshold": slo.warning.value if slo.warning else None,
        "tags": deployment.tag_list(service, f"slo:{slo.name}"),
    }
    counts = sli(slo).datadog
    if slo.sli_kind == "availability" and not isinstance(counts, Unmeasurable) and counts.counts is not None:
        good, total = counts.counts(service, env)
        return datadog.ServiceLevelObjectiveArgs(
            type="metric",
            query=datadog.ServiceLevelObjectiveQueryArgs(numerator=good, denominator=total),
            **common,  # type: ignore[arg-type]
        )
    if slo.sli_kind == "latency":
        assert source is not None and isinstance(slo.sli, LatencySli)
        return datadog.ServiceLevelObjectiveArgs(
            type="time_slice",
            sli_specification=datadog.ServiceLevelObjectiveSliSpecificationArgs(
                time_slice=datadog.ServiceLevelObjectiveSliSpecificationTimeSliceArgs(
                    comparator="<=",
                    threshold=float(number(slo.sli.latency_below.seconds)),
                    query_interval_seconds=TIME_SLICE_SECONDS,
                    query=datadog.ServiceLevelObjectiveSliSpecificationTimeSliceQueryArgs(
                        formula=datadog.ServiceLevelObjectiveSliSpecificationTimeSliceQueryFormulaArgs(
                            formula_expression="query1"
                        ),
                        queries=[
                            datadog.ServiceLevelObjectiveSliSpecificationTimeSliceQueryQueryArgs(
                                metric_query=datadog.ServiceLevelObjectiveSliSpecificationTimeSliceQueryQueryMetricQueryArgs(
                                    name="query1",
                                    data_source="metrics",
                                    query=latency(source, env, LATENCY_PERCENTILE).render(),
                                )
                            )
                        ],
                    ),
                )
            ),
            **common,  # type: ignore[arg-type]
        )
    assert isinstance(slo.sli, CustomSli)
    custom = slo.sli.custom["datadog"]
    return datadog.ServiceLevelObjectiveArgs(
        type="metric",
        query=datadog.ServiceLevelObjectiveQueryArgs(numerator=custom.good, denominator=custom.total),
        **common,  # type: ignore[arg-type]
    )
