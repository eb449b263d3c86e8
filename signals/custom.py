"""Custom metric alerts (`custom_alerts` in the spec): a signal per alert, built from the spec rather than defined here,
realised on each backend the alert names a metric for — the same `Signal` every registry family defines, so monitors,
alarms, dashboards, rules, docs, measurability and the replay treat them alike.

Datadog: `<time aggregation>(last_<window>):<formula>` over `<aggregation>:<metric>{<tags>,env:<environment>}`, the
formula bringing the metric to the thresholds' unit (`100 * metric` for a fraction, `metric / 1000` for milliseconds); a
rate counts events (`sum(...)` of `.as_count()`, compared per window). CloudWatch: the metric with its dimensions and
statistic, over the alert's window in periods of `aws.period`, the thresholds converted to the metric's unit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal, Optional

from spec import Duration, Percent, Rate, Service
from spec.alerts import Quantity
from spec.custom import DEFAULT_WINDOW, SCALE, CustomAlert, Kind

from .cloudwatch import AwsScope, Evaluation, Math, Metric, Ratio, Source
from .datadog import Expression
from .model import (
    CloudWatchAlarm,
    CloudWatchPublication,
    DatadogGraph,
    DatadogMetric,
    DatadogPublication,
    Drive,
    Events,
    Gauge,
    Need,
    Point,
    PointOf,
    Publication,
    Series,
    Signal,
    Spread,
    Values,
)
from .words import GENERIC_STEPS

SIGNALS: tuple[Signal, ...] = ()  # built per service from its spec: `custom_signal`
SERIES = (
    Series(
        name="custom",
        unit="any",
        per_alert=True,
        means="`custom.<alert>`: a custom alert's metric, in its thresholds' unit (`500`, `5%`, `800ms`, `20/m`).",
    ),
    Series(
        name="custom_requests",
        unit="rate",
        per_alert=True,
        means="`custom_requests.<alert>`: the requests per second a custom rate (`requests:`) is a share of (`20/s`); its "
        "`custom.<alert>` is then the share of them counted by its metric.",
    ),
)
DYNAMODB = "AWS/DynamoDB"
NOMINAL_REQUESTS = 20.0  # per second: what drives hold steady beside a custom rate's share
DatadogKind = Literal["count", "gauge", "distribution"]
TimeAggregation = Literal["avg", "sum", "percentile", "max", "min"]
TIME_AGGREGATION: dict[str, TimeAggregation] = {"avg": "avg", "sum": "sum", "percentile": "percentile", "max": "max", "min": "min"}
CANONICAL_UNIT: dict[Kind, str] = {"number": "number", "percent": "percent", "duration": "seconds", "rate": "rate"}
DATADOG_UNIT: dict[Kind, str] = {"number": "", "percent": "%", "duration": " s", "rate": " events"}
CLOUDWATCH_UNIT: dict[str, str] = {
    "seconds": "s", "milliseconds": "ms", "microseconds": "µs", "percent": "%", "fraction": "(fraction)", "number": "", "rate": "events per period",
}


def series_name(alert: str) -> str:
    return f"custom.{alert}"


def requests_series(alert: str) -> str:
    return f"custom_requests.{alert}"


def series_problem(series: str, alert: CustomAlert) -> Optional[str]:
    """Why a per-alert series does not go with the custom alert it names (None: it does)."""
    if series == "custom_requests" and alert.shares("datadog") is None and alert.shares("aws") is None:
        return "it counts no requests (no datadog.requests or aws.requests): its series is custom.<alert> alone"
    return None


def _alert(service: Service, name: str) -> CustomAlert:
    found = service.custom_alerts.get(name)
    assert found is not None, f"{name} is no custom alert of {service.service}"
    return found


def _written(name: str, backend: str, what: str) -> Need:
    def holds(service: Service) -> bool:
        alert = service.custom_alerts.get(name)
        return alert is not None and getattr(alert, backend) is not None

    return Need(f"custom_alerts.{name}.{backend}", holds, f"({what})")


def _scope(alert: CustomAlert, env: str) -> str:
    assert alert.datadog is not None
    tags = [f"{key}:{value}" for key, value in sorted(alert.datadog.tags.items())]
    if alert.datadog.env_tag:
        tags.append(env)
    return "{" + (",".join(tags) or "*") + "}"


def _datadog_query(name: str) -> Callable[[Service, str], Expression]:
    def query(service: Service, env: str) -> Expression:
        alert = _alert(service, name)
        assert alert.datadog is not None, "guarded by its need"
        _, space = alert.datadog_aggregations()
        if alert.datadog.requests is not None:  # a custom rate: a share of counts, as the registry's error rates
            scope = _scope(alert, env)
            return Expression(
                "100 * metric / requests",
                {"metric": f"sum:{alert.datadog.metric}{scope}.as_count()", "requests": f"sum:{alert.datadog.requests}{scope}.as_count()"},
            )
        term = f"{space}:{alert.datadog.metric}{_scope(alert, env)}" + (".as_count()" if alert.kind == "rate" else "")
        unit = alert.datadog.unit
        if unit == "fraction":
            return Expression("100 * metric", {"metric": term})
        if unit in ("milliseconds", "microseconds"):
            return Expression(f"metric / {SCALE[unit]:g}", {"metric": term})
        return Expression("metric", {"metric": term})

    return query


def _in_metric_unit(alert: CustomAlert, unit: Optional[str]) -> Callable[[float], float]:
    """A value in the thresholds' canonical unit (seconds, percent, per second, a number) in the metric's own unit."""
    scale = SCALE.get(unit or "", 1.0)
    return lambda value: value * scale


def _convert(name: str, alert: CustomAlert) -> Callable[[Quantity, int], float]:
    assert alert.aws is not None
    to_metric = _in_metric_unit(alert, alert.aws.unit)

    def convert(value: Quantity, period: int) -> float:
        if isinstance(value, Rate):
            return value.per(period)
        if isinstance(value, Percent):
            return to_metric(value.value)
        if isinstance(value, Duration):
            return to_metric(value.seconds)
        return float(value)

    return convert


def _cloudwatch_source(name: str) -> Callable[[AwsScope], Source]:
    """The alert's metric; a custom rate (`requests`) as the share 100*m1/m2, guarded at low traffic as every share of
    counts; a rate of an AWS/DynamoDB metric through FILL, since AWS ignores TreatMissingData there."""

    def source(scope: AwsScope) -> Source:
        alert = _alert(scope.service, name)
        assert alert.aws is not None, "guarded by its need"
        metric = Metric(alert.aws.namespace, alert.aws.metric, dict(alert.aws.dimensions), alert.aws_statistic())
        if alert.aws.requests is not None:
            return Ratio(metric, Metric(alert.aws.namespace, alert.aws.requests, dict(alert.aws.dimensions), "Sum"))
        if alert.aws.namespace == DYNAMODB and alert.kind == "rate":
            return Math((metric,), "FILL(m1, 0)", f"FILL({alert.aws.metric}, 0)")
        return metric

    return source


def evaluation(alert: CustomAlert) -> Evaluation:
    """The alert's window in periods of `aws.period`; every period must breach unless `datapoints` says how many.
    Missing data: nothing counted is none for a rate; else CloudWatch's own default (INSUFFICIENT_DATA, telling nobody)."""
    assert alert.aws is not None
    period = math.ceil(alert.aws.period.seconds)
    periods = max(1, math.ceil(alert.evaluation_window.seconds / period))
    counts = alert.kind == "rate" or alert.aws.requests is not None  # nothing counted: nothing failed
    if alert.aws.namespace == DYNAMODB and not counts:
        treat = "ignore"  # what AWS does with missing AWS/DynamoDB data whatever the alarm says (PutMetricAlarm)
    else:
        treat = "notBreaching" if counts else "missing"
    return Evaluation(period, periods, alert.aws.datapoints or periods, treat)


def custom_signal(name: str, alert: CustomAlert) -> Signal:
    """The signal of one custom alert of a service."""
    title = name.replace("_", " ")
    kind = alert.kind
    datadog_window = alert.window or DEFAULT_WINDOW
    time_aggregation = TIME_AGGREGATION[alert.datadog_aggregations()[0]] if alert.datadog is not None else "avg"
    metric_unit = (alert.aws.unit if alert.aws is not None else None) or CANONICAL_UNIT[kind]
    return Signal(
        name=name,
        title=title,
        section="custom",
        watches=alert.description or f"The custom metric behind `custom_alerts.{name}`.",
        steps=GENERIC_STEPS,
        fires=alert.fires,
        datadog=DatadogMetric(
            query=_datadog_query(name),
            aggregation=time_aggregation,
            window=datadog_window,
            unit=DATADOG_UNIT[kind],
            graph=DatadogGraph(title, title),
            counts_window=kind == "rate",
            needs=(_written(name, "datadog", "the metric's Datadog query"),),
        ),
        cloudwatch=CloudWatchAlarm(
            title=title,
            source=_cloudwatch_source(name),
            unit=CLOUDWATCH_UNIT.get(metric_unit, ""),
            evaluation=evaluation(alert) if alert.aws is not None else Evaluation(60, 5, 5, "missing"),
            convert=_convert(name, alert) if alert.aws is not None else (lambda value, period: 0.0),
            needs=(_written(name, "aws", "the metric's CloudWatch namespace and name"),),
        ),
        drive=Drive(series_name(name), {requests_series(name): NOMINAL_REQUESTS} if alert.shares("datadog") or alert.shares("aws") else {}),
        sparse=kind == "rate" and alert.fires == "above",  # events counted: none counted is none happened
    )


# ---- Replay: what the vendors receive for a custom alert's series ----------------------------------------------


def _point(series: str, alert: CustomAlert, unit: Optional[str], distribution: bool = False) -> PointOf:
    to_metric = _in_metric_unit(alert, unit)
    rate = alert.kind == "rate"

    def point(values: Values, seconds: int) -> Optional[Point]:
        if series not in values:
            return None
        if rate:
            return Events(values[series] * seconds)
        value = to_metric(values[series])
        return Spread(((value, 1.0),)) if distribution else Gauge(value)

    return point


def _counted(share: str, requests: str, failed: bool) -> PointOf:
    """A custom rate's counts per step: the requests (`custom_requests.<alert>`), or the share of them its metric counts
    (a zero while requests flow, as an application counting its failures submits)."""

    def point(values: Values, seconds: int) -> Optional[Point]:
        rate = values.get(requests)
        if not rate or (failed and share not in values):
            return None
        return Events(rate * seconds * (values[share] / 100 if failed else 1.0))

    return point


def published(scope: AwsScope) -> list[Publication]:
    """Each custom alert's metric, as the series `custom.<alert>` sets it: Datadog's metric with the query's tags (a
    count for a rate, a distribution for a pNN aggregation, else a gauge), CloudWatch's with its dimensions. A custom
    rate's metric and requests are counts: `custom_requests.<alert>` per second, `custom.<alert>` the share of them."""
    out: list[Publication] = []
    for name, alert in scope.service.custom_alerts.items():
        series = series_name(name)
        shown = (series, requests_series(name))
        if alert.datadog is not None and alert.datadog.requests is not None:
            tags = tuple(f"{key}:{value}" for key, value in sorted(alert.datadog.tags.items()))
            tags += (f"env:{scope.environment}",) if alert.datadog.env_tag else ()
            out.append(DatadogPublication(alert.datadog.metric, tags, "count", _counted(series, requests_series(name), True), shown))
            out.append(DatadogPublication(alert.datadog.requests, tags, "count", _counted(series, requests_series(name), False), shown))
        elif alert.datadog is not None:
            _, space = alert.datadog_aggregations()
            tags = tuple(f"{key}:{value}" for key, value in sorted(alert.datadog.tags.items()))
            if alert.datadog.env_tag:
                tags += (f"env:{scope.environment}",)
            distribution = space.startswith("p")
            kind: DatadogKind = "count" if alert.kind == "rate" else "distribution" if distribution else "gauge"
            out.append(DatadogPublication(alert.datadog.metric, tags, kind, _point(series, alert, alert.datadog.unit, distribution), (series,)))
        if alert.aws is not None and alert.aws.requests is not None:
            dims = dict(alert.aws.dimensions)
            out.append(CloudWatchPublication(alert.aws.namespace, alert.aws.metric, dims, _counted(series, requests_series(name), True), shown))
            out.append(CloudWatchPublication(alert.aws.namespace, alert.aws.requests, dims, _counted(series, requests_series(name), False), shown))
        elif alert.aws is not None:
            out.append(CloudWatchPublication(alert.aws.namespace, alert.aws.metric, dict(alert.aws.dimensions), _point(series, alert, alert.aws.unit), (series,)))
    return out
