"""Alert replay: what every generated alarm and monitor would do, given what the vendors would have received.

The evaluators read the plan's resources — the exact inputs vigil registers, as `vigil plan --format json` shows
them — and replay vendor data through them with each vendor's documented semantics (docs/replay.md, with the
vendor pages cited). Anything they do not understand is a `ReplayError` naming the resource: never a silent pass.

    from vigil.replay import Probe, Sample, VendorData, evaluate

    data = VendorData(step=60, length=180)                 # 3 hours of 1-minute steps from t = 0 s
    data.add_cloudwatch("AWS/ApplicationELB", "RequestCount", {"LoadBalancer": lb, "TargetGroup": tg},
                        [Sample.events(1200)] * 180)      # 20 requests/s
    data.add_cloudwatch("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", {...},
                        [None] * 60 + [Sample.events(600)] * 120)   # absent while zero, as ALB publishes
    data.add_datadog("trace.http.request.hits", ["service:api", "env:prod"], "count", [Sample.events(1200)] * 180)
    data.add_probes("https://api.example.com/health/live", [Probe.up()] * 60 + [Probe.down()] * 120)

    timelines = evaluate(plan, data)                        # {resource name: Timeline}
    timelines["api-error-rate-critical"].first("alert")     # seconds from the start of its first ALARM notification, or None
    timelines["api-error-rate"].fired("warning")            # did the Datadog monitor notify at its warning level?

API
- `evaluate(plan, data, start=None, end=None) -> dict[str, Timeline]`: `plan` is a `vigil.engine.Plan`, the test
  kit's `PlanView` or a plan document (`vigil plan --format json`); `start`/`end` (seconds) default to the data's
  span. Alarms and monitors are evaluated at their vendor's cadence (every minute; Datadog monitors with windows of
  a day or more every 10 or 30 minutes) from `start`.
- `compile_plan(plan) -> CompiledPlan`: the same, in two steps — understand every alert resource (raising
  `ReplayErrors`, one line per resource not understood), then `.run(data, start, end)` as often as needed.
  `CompiledPlan.alerts` lists the alert resources.
- `VendorData(step, length, start=0)` with `add_cloudwatch(namespace, name, dimensions, points)`,
  `add_datadog(metric, tags, kind, points)` (kind: count, gauge or distribution), `add_logs(tags, counts)` and
  `add_probes(url, outcomes, regions=None)`. A point is a `Sample` or None (absent: the vendor received nothing).
  `Sample.events(n)` (counts), `Sample.value(v)` (a gauge point), `Sample.values([(value, weight), ...])` (raw values,
  for percentiles, `TC`/`PR`, distributions). `Probe(status, latency_ms)`, `Probe.up()`, `Probe.down()`.
- `Timeline`: `initial`, `changes` [(second, state)], `notifications` [`Notification(at, level, state, targets,
  renotify)`], `state_at(t)`, `entered(state)`, `first(level)`, `fired(level)`, `notified(level)`. Levels: `alert`
  (CloudWatch ALARM, Datadog Alert), `warning`, `recovery`, `ok`, `no_data`, `insufficient_data`. A notification is
  recorded only when someone is told: an alarm's actions for that state (SNS topics, by logical name), the
  `@handles` a monitor's message renders for it. A silent alarm (a burn-rate window) still has its `changes`.

Scenarios (`vigil replay`, docs/replay.md) sit on top, in their own modules (they read the spec, the signal registry
and the program's walks, which this package's import does not load):
- `scenario.load_scenario(path)` / `scenario_of(mapping)`: a scenario file, checked (SpecErrors, file:line).
- `stack.load_stack(project, stack, catalog=None, plan=None)`: a StackReplay; `.replay(scenario)` -> ScenarioResult;
  `.service(name)` -> ServiceReplay (`.index` the alert ids, `.run(series, step, alerts, start)` the timelines).
- `vendor.vendor_data(scope, steps)`: the registry's publications of a service as VendorData.
- `standard.standard(service_replay)`: the standard scenarios, judged (StandardReport); `report`: text and JSON.
"""

from .data import CloudWatchMetric, DatadogKind, Probe, VendorData
from .errors import ReplayError, ReplayErrors
from .evaluate import CompiledPlan, compile_plan, evaluate
from .samples import Distribution, Sample
from .timeline import (
    ALARM,
    DD_ALERT,
    DD_NO_DATA,
    DD_OK,
    DD_WARN,
    INSUFFICIENT_DATA,
    LEVELS,
    OK,
    Level,
    Notification,
    Timeline,
)

__all__ = [
    "ALARM",
    "DD_ALERT",
    "DD_NO_DATA",
    "DD_OK",
    "DD_WARN",
    "INSUFFICIENT_DATA",
    "LEVELS",
    "OK",
    "CloudWatchMetric",
    "CompiledPlan",
    "DatadogKind",
    "Distribution",
    "Level",
    "Notification",
    "Probe",
    "ReplayError",
    "ReplayErrors",
    "Sample",
    "Timeline",
    "VendorData",
    "compile_plan",
    "evaluate",
]
