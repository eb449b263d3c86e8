"""The signal tables of the hand-written docs (docs/spec.md, docs/datadog.md, docs/cloudwatch.md, and the replay's
series in docs/replay.md), generated from
the registry by `vigil docs` between `<!-- signals:begin -->` and `<!-- signals:end -->`, so those docs list exactly
the signals there are, each with the query and metric its monitor and alarm really use.

Queries are rendered from a placeholder service (`<apm_service>`, `<load_balancer>`, ...): the form, not a catalog's
values, which the generated service pages show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from signals import REGISTRY, SERIES, publications
from signals.cloudwatch import AwsScope, Insights, Metric, metrics_of, resolve_targets
from signals.model import CloudWatchAlarm, CloudWatchPublication, DatadogLogs, DatadogMetric, DatadogPublication, LogPublication, Publication, Unmeasurable
from signals.slis import SLIS
from spec import Duration, Percent, Rate, Service
from spec.alerts import Alerts
from spec.health import HealthCheck
from spec.logs import Logs
from spec.slos import LatencySli, Slo
from spec.sources import (
    LAMBDA_DEFAULT_CONCURRENCY,
    ApiGatewaySource,
    AwsSource,
    DatadogSource,
    DynamoDbSource,
    EcsSource,
    ElastiCacheSource,
    LambdaSource,
    RdsSource,
    Sources,
    SqsSource,
)

from . import limits
from .words import table

BEGIN, END = "<!-- signals:begin -->", "<!-- signals:end -->"
ENV = "env:<environment>"


def _service(runtime: str = "fargate") -> Service:
    """Every source present, each value its own placeholder (built without validation: placeholders are not names)."""
    aws = AwsSource.model_construct(
        region="<region>",
        from_stack=None,
        load_balancer="<load_balancer>",
        target_group="<target_group>",
        ecs=EcsSource.model_construct(cluster="<ecs_cluster>", service="<ecs_service>"),
        rds=RdsSource.model_construct(instance="<rds_instance>"),
        elasticache=ElastiCacheSource.model_construct(cluster="<cache_cluster>"),
        sqs=SqsSource.model_construct(queue="<queue>", dead_letter_queue="<dead_letter_queue>"),
        # the tables print limits as numbers: the Region's default concurrency quota and Lambda's default timeout (3 s)
        lambda_function=LambdaSource.model_construct(name="<function>", concurrency_limit=LAMBDA_DEFAULT_CONCURRENCY, timeout=Duration(3000)),
        api_gateway=ApiGatewaySource.model_construct(rest_api="<rest_api>", http_api=None, stage="<stage>"),
        dynamodb=DynamoDbSource.model_construct(table="<table>"),
    )
    datadog = DatadogSource.model_construct(apm_service="<apm_service>", span="<span>", runtime=runtime)
    logs = Logs.model_construct(metric_filters=["error", "warn"])
    return Service.model_construct(service="<service>", sources=Sources.model_construct(datadog=datadog, aws=aws), logs=logs)


def _unit(name: str) -> str:
    quantity = Alerts.quantity(name)
    return {Percent: "%", Duration: "duration", Rate: "rate"}.get(quantity, "count")


def _needs(realisation: object) -> str:
    if isinstance(realisation, Unmeasurable):
        return f"cannot: {realisation.reason}"
    needs = getattr(realisation, "needs", ())
    return ", ".join(f"`{need.what}`" + (f" {need.how.split(' (')[0]}" if need.how else "") for need in needs)


def spec_table() -> list[str]:
    rows = [
        [f"`{name}`", _unit(name), f"**{s.direction}**" if s.direction == "below" else s.direction, s.watches, f"`{s.section}`"]
        for name, s in REGISTRY.items()
    ]
    return table(["signal", "unit", "fires", "what it watches", "dashboard section"], rows)


def _datadog_query(name: str) -> str:
    realisation = REGISTRY[name].datadog
    if isinstance(realisation, DatadogLogs):
        return f'`logs("{realisation.search(_service(), ENV)}")` count'
    assert isinstance(realisation, DatadogMetric)
    shown = {runtime: realisation.query(_service(runtime), ENV).render() for runtime in ("fargate", "host")}
    if shown["fargate"] == shown["host"]:
        return f"`{realisation.aggregation}(last_<window>):{shown['fargate']}`"
    return "; ".join(f"{runtime}: `{realisation.aggregation}(last_<window>):{query}`" for runtime, query in shown.items())


def datadog_table() -> list[str]:
    rows = []
    for name, s in REGISTRY.items():
        realisation = s.datadog
        if isinstance(realisation, Unmeasurable):
            rows.append([f"`{name}`", f"not measured: {realisation.reason}", "", "", "", "", ""])
            continue
        delay = f"{realisation.evaluation_delay} s" if realisation.evaluation_delay else "—"
        no_data = "**alerts**" if realisation.notify_no_data else "ignored"
        if s.sparse and isinstance(realisation, DatadogMetric):
            no_data = "OK (`on_missing_data: resolve`): published only while it happens"
        rows.append([f"`{name}`", _datadog_query(name), s.direction, str(realisation.window), no_data, delay, _needs(realisation)])
    return table(["signal", "query (`<comparator> <threshold>` follows)", "fires", "default window", "no data", "evaluation delay", "needs"], rows)


def _scope() -> AwsScope:
    service = _service()
    return AwsScope(service, resolve_targets(service.sources.aws, str), "<environment>")


def _cloudwatch_source(realisation: CloudWatchAlarm) -> tuple[str, str]:
    """What the alarm watches (namespace, metric or math, dimension names), and its statistics."""
    found = realisation.source(_scope())
    if isinstance(found, Insights):
        keys = "+".join(found.keys)
        return f"`{found.namespace}` `{found.expression}` over Metrics Insights `{found.function}({found.metric})`, {keys}", found.function
    metrics = metrics_of(found)
    dimensions = "+".join(dict.fromkeys(key for metric in metrics for key in metric.dimensions))
    what = f"`{found.name}`" if isinstance(found, Metric) else f"`{found.label}`"
    stats = ", ".join(sorted({metric.stat for metric in metrics}))
    return f"`{metrics[0].namespace}` {what}" + (f", {dimensions}" if dimensions else ""), stats


def cloudwatch_table() -> list[str]:
    rows = []
    for name, s in REGISTRY.items():
        realisation = s.cloudwatch
        if isinstance(realisation, Unmeasurable):
            rows.append([f"`{name}`", f"not measured: {realisation.reason}", "", "", "", "", ""])
            continue
        evaluation = realisation.evaluation
        source, stats = _cloudwatch_source(realisation)
        rows.append([
            f"`{name}`",
            source,
            stats,
            f"{evaluation.period} s · {evaluation.datapoints} of {evaluation.evaluation_periods}",
            evaluation.treat_missing_data,
            realisation.unit,
            _needs(realisation),
        ])
    return table(["signal", "CloudWatch", "statistic", "period · M of N", "missing data", "threshold unit", "needs"], rows)


UNIT_EXAMPLES = {
    "rate": "`20/s`, `5/m`",
    "percent": "`2%`",
    "duration": "`120ms`, `1s`",
    "count": "`40`",
    "up": "`up`, `down`",
    "any": "its thresholds' unit: `500`, `5%`, `800ms`, `20/m`",
}


def _published(found: list[Publication], key: str) -> tuple[str, str]:
    """What CloudWatch and Datadog receive for one series, in words: metrics (dimensions or tags, kind), log lines,
    probed URLs."""
    cloudwatch: dict[str, None] = {}
    datadog: dict[str, None] = {}
    for p in found:
        if key not in p.shows:
            continue
        if isinstance(p, CloudWatchPublication):
            cloudwatch[f"`{p.namespace}` `{p.name}` ({'+'.join(p.dimensions) or 'no dimensions'})"] = None
        elif isinstance(p, DatadogPublication):
            datadog[f"`{p.metric}` {{{','.join(t.split(':')[0] for t in p.tags)}}} {p.kind}"] = None
        elif isinstance(p, LogPublication):
            datadog[f"log lines {{{', '.join(p.tags)}}}"] = None
        else:
            both = "the check's URL, as Route 53 and the synthetic test request it"
            cloudwatch[both] = datadog[both] = None
    return "<br>".join(cloudwatch) or "—", "<br>".join(datadog) or "—"


def replay_table() -> list[str]:
    """The replay's series (docs/replay.md): unit, meaning, what each vendor receives, which alerts it drives."""
    check = [HealthCheck.model_construct(name="<check>", url="https://<host>/<path>", failure=None)]
    found: list[Publication] = []
    for runtime in ("fargate", "host"):  # the Datadog agent's metrics differ
        service = _service(runtime).model_copy(update={"health_checks": check})
        found += publications(AwsScope(service, resolve_targets(service.sources.aws, str), "<environment>"))
    rows = []
    for name, series in SERIES.items():
        key = f"{name}.<check>" if series.per_check else f"{name}.<alert>" if series.per_alert else name
        cloudwatch, datadog = _published(found, key)
        if series.per_alert:
            cloudwatch, datadog = "the alert's `aws` metric, in its own unit", "the alert's `datadog` metric, with its tags, in its own unit"
        drives = [f"`{signal}`" for signal, s in REGISTRY.items() if s.drive is not None and s.drive.series == name]
        drives += [f"SLO `{kind}` burns" for kind, sli in SLIS.items() if sli.drive is not None and name in sli.drive(_SLO, 1.0) and name != "requests"]
        drives += ["its health check's alerts (`health.<check>`)"] if series.per_check else []
        drives += ["its custom alert (`<alert>`)"] if series.per_alert else []
        rows.append([f"`{key}`", UNIT_EXAMPLES[series.unit], series.means, cloudwatch, datadog, ", ".join(drives) or "—"])
    return table(["series", "written as", "what it is", "CloudWatch receives", "Datadog receives", "moves"], rows)


_SLO = Slo.model_construct(name="<slo>", sli=LatencySli.model_construct(latency_below=Duration(500)))


TABLES: dict[str, Callable[[], list[str]]] = {
    "docs/spec.md": spec_table,
    "docs/datadog.md": datadog_table,
    "docs/cloudwatch.md": cloudwatch_table,
    "docs/replay.md": replay_table,
}


class SignalTablesError(Exception):
    pass


def refreshed(project_dir: Path) -> dict[str, str]:
    """Each hand-written doc with its signal table (and docs/limits.md its table of vendor limits) regenerated, the
    rest of the file as written; a doc the project does not have is left out."""
    out = {}
    regions = {path: (BEGIN, END, render) for path, render in TABLES.items()}
    regions[limits.PATH] = (limits.BEGIN, limits.END, limits.limits_table)
    for path, (begin, end, render) in regions.items():
        file = project_dir / path
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        found = re.compile(rf"{re.escape(begin)}\n.*?{re.escape(end)}", re.S).search(text)
        if found is None:
            raise SignalTablesError(f"{path} has no `{begin}` … `{end}` region for its generated table: put the two lines back where the table goes")
        out[path] = text[: found.start()] + "\n".join([begin, *render(), end]) + text[found.end() :]
    return out
