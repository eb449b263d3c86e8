"""Reverse lookup through the signal registry: which signal's own realisation a vendor object is, and which names of
the service's sources it reads.

Nothing here knows a metric name. Each registry signal's Datadog expression and CloudWatch metric (or metric math) is
rendered by the registry itself for a *probe* service whose sources are sentinel values (`zzapm01`, `app/zzlb03/...`);
the rendering, escaped, with each sentinel turned into a capture group of its field's own grammar (spec/grammar.py),
is a pattern. A monitor's query or an alarm's metrics that match it are that signal's realisation, and the groups are
the service's sources. A few probe variants cover the sources whose presence changes a rendering (a target group,
Fargate or hosts, a REST or an HTTP API, a stage).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from signals import REGISTRY
from signals.cloudwatch import AwsScope, Math, Metric, Ratio, Source, metrics_of, resolve_targets
from signals.datadog import env_filter
from signals.model import CloudWatchAlarm, DatadogLogs, DatadogMetric
from spec import Service
from spec import grammar as g
from spec.sources import CACHE_CLUSTER_PATTERN, RDS_INSTANCE_PATTERN


def _body(pattern: str) -> str:
    """A field's grammar without its anchors or length lookahead, to capture it inside a longer text."""
    pattern = re.sub(r"\(\?=[^)]*\)", "", pattern)
    return pattern.removeprefix("^").removesuffix("$")


@dataclass(frozen=True)
class Field:
    """A source of the spec the probe fills with a sentinel: its path under `sources`, its sentinel, its grammar."""

    key: str
    path: tuple[str, ...]
    sentinel: str
    pattern: str


FIELDS = (
    Field("apm", ("datadog", "apm_service"), "zzapm01", _body(g.APM_SERVICE_PATTERN)),
    Field("span", ("datadog", "span"), "zzspan02.zzop02", r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+?"),
    Field("lb", ("aws", "load_balancer"), "app/zzlb03/00000000000000a3", _body(g.LOAD_BALANCER_PATTERN)),
    Field("tg", ("aws", "target_group"), "targetgroup/zztg04/00000000000000a4", _body(g.TARGET_GROUP_PATTERN)),
    Field("cluster", ("aws", "ecs", "cluster"), "zzcluster05", _body(g.AWS_IDENTIFIER_PATTERN)),
    Field("ecs", ("aws", "ecs", "service"), "zzecs06", _body(g.AWS_IDENTIFIER_PATTERN)),
    Field("rds", ("aws", "rds", "instance"), "zzdb07", _body(RDS_INSTANCE_PATTERN)),
    Field("cache", ("aws", "elasticache", "cluster"), "zzcache08", _body(CACHE_CLUSTER_PATTERN)),
    Field("queue", ("aws", "sqs", "queue"), "zzqueue09", _body(g.SQS_QUEUE_PATTERN)),
    Field("dlq", ("aws", "sqs", "dead_letter_queue"), "zzdlq10", _body(g.SQS_QUEUE_PATTERN)),
    Field("function", ("aws", "lambda_function", "name"), "zzfn11", _body(g.LAMBDA_FUNCTION_PATTERN)),
    Field("limit", ("aws", "lambda_function", "concurrency_limit"), "987654", r"[1-9][0-9]{0,6}"),
    Field("rest", ("aws", "api_gateway", "rest_api"), "zzrest12", _body(g.REST_API_PATTERN)),
    Field("http", ("aws", "api_gateway", "http_api"), "zzhttp1313", _body(g.HTTP_API_PATTERN)),
    Field("stage", ("aws", "api_gateway", "stage"), "zzstage14", _body(g.API_STAGE_PATTERN)),
    Field("table", ("aws", "dynamodb", "table"), "zztable15", _body(g.DYNAMODB_TABLE_PATTERN)),
)
BY_KEY = {f.key: f for f in FIELDS}
# Variants: which optional sources the probe has. Each pair of choices a signal can depend on is in one of them.
VARIANTS: tuple[frozenset[str], ...] = (
    frozenset({"fargate", "tg", "rest", "stage"}),
    frozenset({"host", "http"}),
    frozenset({"fargate", "tg", "http", "stage"}),
    frozenset({"host", "rest"}),
)


def probe_sources(variant: frozenset[str]) -> dict[str, Any]:
    """`sources` of a probe service: every source, its names sentinels."""
    skip = {"tg"} - variant | ({"rest"} if "http" in variant else {"http"}) | ({"stage"} - variant)
    sources: dict[str, Any] = {"datadog": {"runtime": "fargate" if "fargate" in variant else "host"}, "aws": {"region": "us-east-1"}}
    for f in FIELDS:
        if f.key in skip:
            continue
        node = sources
        for part in f.path[:-1]:
            node = node.setdefault(part, {})
        node[f.path[-1]] = int(f.sentinel) if f.key == "limit" else f.sentinel
    return sources


def service_from(name: str, sources: Mapping[str, Any], **extra: Any) -> Service:
    data = {"service": name, "team": "probe", "runbook": "docs/probe.md", "logs": {"retention": "30d"}, "sources": sources, **extra}
    return Service.model_validate(data)


def to_pattern(text: str, fields: tuple[Field, ...] = FIELDS) -> str:
    """The rendered text as a regular expression: each sentinel a group of its grammar (the same group again after)."""
    out = re.escape(text)
    for f in sorted(fields, key=lambda f: -len(f.sentinel)):
        parts = out.split(re.escape(f.sentinel))
        if len(parts) > 1:
            out = parts[0] + f"(?P<{f.key}>{f.pattern})" + f"(?P={f.key})".join(parts[1:])
    return out


@dataclass(frozen=True)
class Match:
    """A vendor object found to be a registry signal's realisation: the signal, the probe variant and the names read."""

    signal: str
    variant: frozenset[str]
    captures: dict[str, str]


# ---- Datadog ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatadogTemplate:
    signal: str
    variant: frozenset[str]
    kind: str  # "metric" or "logs"
    aggregation: str  # a query alert's time aggregation; "count" for logs
    pattern: re.Pattern[str]


def squeeze(text: str) -> str:
    """A metric expression without whitespace (`100*a/b` and `100 * a / b` read the same)."""
    return re.sub(r"\s+", "", text)


@functools.cache
def datadog_templates(service_name: str, environment: str) -> tuple[DatadogTemplate, ...]:
    out = []
    env = env_filter(environment)
    for variant in VARIANTS:
        probe = service_from(service_name, probe_sources(variant))
        for name, signal in REGISTRY.items():
            realisation = signal.datadog
            if isinstance(realisation, DatadogMetric) and not realisation.missing(probe):
                text = squeeze(realisation.query(probe, env).render())
                out.append(DatadogTemplate(name, variant, "metric", realisation.aggregation, re.compile(to_pattern(text))))
            elif isinstance(realisation, DatadogLogs) and not realisation.missing(probe):
                text = " ".join(realisation.search(probe, env).split())
                out.append(DatadogTemplate(name, variant, "logs", "count", re.compile(to_pattern(text))))
    return tuple(out)


def match_datadog(service_name: str, environment: str, kind: str, aggregation: str, expression: str) -> Optional[Match]:
    """The registry signal whose Datadog realisation `expression` (a metric expression, or a log search) is."""
    text = squeeze(expression) if kind == "metric" else " ".join(expression.split())
    for template in datadog_templates(service_name, environment):
        if template.kind == kind and template.aggregation == aggregation:
            found = template.pattern.fullmatch(text)
            if found:
                return Match(template.signal, template.variant, {k: v for k, v in found.groupdict().items() if v is not None})
    return None


# ---- CloudWatch ------------------------------------------------------------------------------------------------


def metric_key(namespace: str, name: str, dimensions: Mapping[str, Any], stat: str) -> str:
    """One metric as text, dimensions sorted: what a template's and an alarm's metrics are compared as."""
    dims = ",".join(f"{k}={dimensions[k]}" for k in sorted(dimensions))
    return f"{namespace}|{name}|{dims}|{stat}"


@dataclass(frozen=True)
class CloudWatchTemplate:
    signal: str
    variant: frozenset[str]
    metrics: tuple[str, ...]  # patterns of m1, m2, ... (one for a single metric)
    math: Optional[str]  # the expression (whitespace squeezed, ids m1..mN) for metric math; None for one metric
    plain: Optional[str]  # a guarded ratio's expression without its low-traffic guard


def _source_template(source: Source) -> tuple[tuple[str, ...], Optional[str], Optional[str]]:
    keys = tuple(to_pattern(metric_key(m.namespace, m.name, dict(m.dimensions), m.stat)) for m in metrics_of(source))
    if isinstance(source, Metric):
        return keys, None, None
    plain = squeeze(source.expression) if isinstance(source, Ratio) else None
    return keys, to_pattern(squeeze(str(source.math))), to_pattern(plain) if plain else None  # the probe reads names, never an Output


@functools.cache
def cloudwatch_templates(service_name: str, environment: str, min_requests: int) -> tuple[CloudWatchTemplate, ...]:
    from monitors.aws.alarms import low_traffic_guard

    out = []
    for variant in VARIANTS:
        probe = service_from(service_name, probe_sources(variant), min_requests=min_requests)
        scope = AwsScope(probe, resolve_targets(probe.sources.aws, lambda output: output), environment)
        for name, signal in REGISTRY.items():
            realisation = signal.cloudwatch
            if not isinstance(realisation, CloudWatchAlarm) or realisation.missing(probe):
                continue
            source = low_traffic_guard(realisation.source(scope), probe, realisation.evaluation)
            metrics, math, plain = _source_template(source)
            out.append(CloudWatchTemplate(name, variant, metrics, math, plain))
    return tuple(out)


@dataclass(frozen=True)
class AlarmMetrics:
    """An alarm's metrics, as the templates are: `metric_key` texts in the order of its expression's ids (m1, m2...),
    the expression rewritten with those ids (None for one metric), the period of its metrics."""

    keys: tuple[str, ...]
    math: Optional[str]
    period: Optional[int]


def single_metric(alarm: Mapping[str, Any]) -> Optional[AlarmMetrics]:
    if alarm.get("MetricName") is None:
        return None
    dims = {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}
    stat = alarm.get("ExtendedStatistic") or alarm.get("Statistic") or ""
    return AlarmMetrics((metric_key(alarm.get("Namespace", ""), alarm["MetricName"], dims, stat),), None, alarm.get("Period"))


def match_cloudwatch(service_name: str, environment: str, min_requests: int, alarm: Mapping[str, Any]) -> Optional[tuple[Match, bool]]:
    """The registry signal whose CloudWatch realisation the alarm is, and whether its math carries vigil's low-traffic
    guard as the service's `min_requests` makes it (False: the same ratio, unguarded or guarded otherwise)."""
    single = single_metric(alarm)
    for template in cloudwatch_templates(service_name, environment, min_requests):
        if single is not None and template.math is None:
            found = re.fullmatch(template.metrics[0], single.keys[0])
            if found:
                return Match(template.signal, template.variant, _groups(found)), True
        elif single is None and template.math is not None:
            matched = _match_math(template, alarm.get("Metrics") or [])
            if matched is not None:
                return matched
    return None


def _groups(found: re.Match[str]) -> dict[str, str]:
    return {k: v for k, v in found.groupdict().items() if v is not None}


def _match_math(template: CloudWatchTemplate, queries: list[Mapping[str, Any]]) -> Optional[tuple[Match, bool]]:
    metrics = [q for q in queries if q.get("MetricStat")]
    expressions = [q for q in queries if q.get("Expression")]
    returned = [q for q in expressions if q.get("ReturnData", True)] or expressions
    if len(metrics) != len(template.metrics) or len(returned) != 1:
        return None
    captures: dict[str, str] = {}
    ids: dict[str, str] = {}
    left = list(metrics)
    for i, pattern in enumerate(template.metrics, 1):
        for query in left:
            stat = query["MetricStat"]
            metric = stat["Metric"]
            dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions") or []}
            found = re.fullmatch(pattern, metric_key(metric.get("Namespace", ""), metric["MetricName"], dims, stat["Stat"]))
            if found and all(captures.get(k, v) == v for k, v in _groups(found).items()):
                captures.update(_groups(found))
                ids[query["Id"]] = f"m{i}"
                left.remove(query)
                break
        else:
            return None
    expression = re.sub(r"\b[A-Za-z][A-Za-z0-9_]*\b", lambda m: ids.get(m.group(0), m.group(0)), squeeze(returned[0]["Expression"]))
    assert template.math is not None
    candidates: list[tuple[Optional[str], bool]] = [(template.math, True), (template.plain, False)]
    for candidate, guarded in candidates:
        reads = re.fullmatch(candidate, expression) if candidate is not None else None
        if reads and all(captures.get(k, v) == v for k, v in _groups(reads).items()):
            return Match(template.signal, template.variant, {**captures, **_groups(reads)}), guarded
    return None


def sources_of(matches: list[Match]) -> tuple[dict[str, Any], list[tuple[Match, str]]]:
    """The service's `sources` from the names the matches read, and the matches whose names disagree with earlier
    ones (with why). A Datadog tag is a lowercase name: CloudWatch's spelling of the same name wins."""
    values: dict[str, str] = {}
    features: set[str] = set()
    conflicts: list[tuple[Match, str]] = []
    for match in matches:
        clash = [
            f"{BY_KEY[k].path[-1]} {v!r} (the service's is {values[k]!r})"
            for k, v in match.captures.items()
            if k in values and values[k].lower() != v.lower()
        ]
        runtime = {"fargate", "host"} & match.variant
        if _reads_runtime(match) and features & {"fargate", "host"} and not runtime <= features:
            clash.append("its tasks' runtime differs from the service's other alerts'")
        if clash:
            conflicts.append((match, "; ".join(clash)))
            continue
        for k, v in match.captures.items():
            if k not in values or (values[k] == values[k].lower() and v != v.lower()):
                values[k] = v
        if _reads_runtime(match):
            features |= runtime
    sources: dict[str, Any] = {"datadog": {}, "aws": {}} if features else {}
    for key, value in sorted(values.items(), key=lambda kv: [f.key for f in FIELDS].index(kv[0])):
        node = sources
        f = BY_KEY[key]
        for part in f.path[:-1]:
            node = node.setdefault(part, {})
        node[f.path[-1]] = int(value) if key == "limit" else value
    if features & {"fargate", "host"}:
        sources.setdefault("datadog", {})["runtime"] = "host" if "host" in features else "fargate"
    return {k: v for k, v in sources.items() if v}, conflicts


def _reads_runtime(match: Match) -> bool:
    return match.signal in ("cpu", "memory") and "apm" in match.captures


def rendered_metrics(source: Source) -> list[Metric]:
    return list(metrics_of(source))


def is_math(source: Source) -> bool:
    return isinstance(source, (Ratio, Math))
