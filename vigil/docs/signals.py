"""Where each backend measures a signal, in words, rendered from the very realisation the monitor or alarm is
built from (the registry, `signals/`), so the docs cannot drift from what is deployed; and the runbook steps of
what is not a signal (SLOs, health checks, the roll-up)."""

from __future__ import annotations

from typing import Optional

from signals import service_signals
from signals.cloudwatch import AwsScope, Insights, Metric, metrics_of, resolve_targets
from signals.model import CloudWatchAlarm, DatadogLogs, DatadogMetric
from signals.words import DEPLOY, ESCALATE
from spec import Service

SLO_STEPS = (
    "Find which requests spend the budget: the SLO's dashboard widget, then the error-rate or latency alerts it correlates with.",
    "Fast burn (a page): act now — the budget will be gone within days at this rate. Follow the runbook of the correlated alert; roll back a recent change first.",
    "Slow burn (a ticket): plan the fix within working hours; consider pausing risky deploys until the burn stops.",
    "When the budget is exhausted, the team's error-budget policy applies (for example: only reliability work ships until it recovers).",
)

HEALTH_STEPS = (
    "Request the endpoint yourself (`curl -sv <url>`) and from another region; compare status code, body and response time with what the check expects.",
    "Check DNS, the TLS certificate's expiry and the load balancer's target health.",
    "For readiness checks, look at the dependencies the endpoint tests (database, cache); for liveness, at crashed or restarting tasks.",
    DEPLOY,
    ESCALATE,
)

COMPOSITE_STEPS = (
    "Several of the service's alarms are in alarm at once: treat it as an incident and declare it.",
    "Start with the health checks and the error rate: they tell whether users can reach the service at all.",
    "Then follow the runbook sections of the alarms that are in ALARM state (listed by the composite alarm's rule).",
)


ANY_ENV = "env:<environment>"  # the monitors' env filter, written once for every environment


def datadog_measure(signal: str, service: Service, environment: str) -> Optional[str]:
    """The query the monitor evaluates (without its window and threshold; `env:<environment>` standing for the
    environment's own filter), or None when Datadog cannot measure it."""
    realisation = service_signals(service)[signal].datadog
    env = ANY_ENV
    if isinstance(realisation, DatadogMetric) and not realisation.missing(service):
        return f"`{realisation.query(service, env).render()}`"
    if isinstance(realisation, DatadogLogs) and not realisation.missing(service):
        return f"log search `{realisation.search(service, env)}`"
    return None


def cloudwatch_measure(signal: str, service: Service, environment: str) -> Optional[str]:
    """The metric (or metric math) the alarm evaluates, or None when CloudWatch cannot measure it."""
    realisation = service_signals(service)[signal].cloudwatch
    if not isinstance(realisation, CloudWatchAlarm) or realisation.missing(service):
        return None
    source = service.sources.aws
    stack = source.from_stack if source is not None else None
    scope = AwsScope(service, resolve_targets(source, lambda output: f"{stack} output {output}"), environment)
    found = realisation.source(scope)
    if isinstance(found, Insights):
        where = ", ".join(f"{key}=`{value}`" for key, value in found.where.items())
        return f"`{found.namespace}` `{found.function}({found.metric})` of {where}, over every {', '.join(k for k in found.keys if k not in found.where)} (Metrics Insights, `{found.expression}`)"
    metrics = metrics_of(found)
    if isinstance(found, Metric):
        what = f"`{found.name}` ({found.stat})"
    else:
        what = f"`{found.label}` ({', '.join(sorted({m.stat for m in metrics}))} per period)"
    shared = {key: value for key, value in metrics[0].dimensions.items() if all(m.dimensions.get(key) == value for m in metrics)}
    varying = sorted({key for m in metrics for key in m.dimensions} - set(shared))
    where = ", ".join(f"{key}=`{value}`" for key, value in shared.items())
    over = "".join(f", summed over {len({str(m.dimensions.get(key)) for m in metrics})} `{key}` values" for key in varying)
    return f"`{metrics[0].namespace}` {what}" + (f" of {where}" if where else "") + over
