"""Vendor data: what each vendor would have received, per metric identity, per time step.

Time is in seconds from the replay's origin (0). Every series shares the data's grid: point `i` is stamped
`start + i × step` and covers `[stamp, stamp + step)`; a vendor sees it once the step has ended. A point that is
None is absent — the vendor received nothing (ALB publishes `HTTPCode_Target_5XX_Count` only when it is not
zero) — which is not the same as a zero.

- CloudWatch: a metric is its namespace, name and dimensions; each point a `Sample` (statistic set, raw values).
- Datadog metrics: a series is a metric name and its tag set, with a kind (`count`, `gauge`, `distribution`);
  a query's scope `{service:api,env:prod}` selects every series of that name whose tags include the scope's.
- Datadog logs: log lines counted per step, by their attributes as `key:value` tags (`status:error`).
- Probes: what an HTTP request to a URL got, per step, from every region or per region: what Route 53 health
  checkers and Datadog synthetic tests see. Route 53's `HealthCheckStatus` is derived from these by the evaluator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Optional

from .errors import ReplayError
from .samples import Sample

Points = tuple[Optional[Sample], ...]
DatadogKind = Literal["count", "gauge", "distribution"]
DATADOG_KINDS: tuple[DatadogKind, ...] = ("count", "gauge", "distribution")


@dataclass(frozen=True)
class CloudWatchMetric:
    """A CloudWatch metric identity. Dimensions are sorted (name, value) pairs."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of(namespace: str, name: str, dimensions: Optional[Mapping[str, object]] = None) -> CloudWatchMetric:
        return CloudWatchMetric(namespace, name, tuple(sorted((str(k), str(v)) for k, v in (dimensions or {}).items())))

    def __str__(self) -> str:
        dims = ",".join(f"{k}={v}" for k, v in self.dimensions)
        return f"{self.namespace} {self.name}{{{dims}}}"


@dataclass(frozen=True)
class DatadogSeries:
    """One Datadog timeseries: a metric name, its tags (`key:value`), its kind and its points. `delay`: seconds after a
    point's step ends before Datadog has it (the AWS integration's crawler: about 15 minutes); 0 for the Agent's and
    APM's metrics, which arrive as they happen."""

    metric: str
    tags: frozenset[str]
    kind: DatadogKind
    points: Points
    delay: int = 0


@dataclass(frozen=True)
class LogSeries:
    """Log lines Datadog indexed per step, with the attributes a search can match (as `key:value` tags)."""

    tags: frozenset[str]
    counts: tuple[Optional[float], ...]  # expected lines per step (a replay scenario's rates need not be whole)


@dataclass(frozen=True)
class Probe:
    """One HTTP request's outcome: the status code (None: no response — refused, reset, timed out) and the time to
    the complete response, in milliseconds."""

    status: Optional[int]
    latency_ms: float = 50.0

    @staticmethod
    def up(latency_ms: float = 50.0) -> Probe:
        return Probe(200, latency_ms)

    @staticmethod
    def down() -> Probe:
        return Probe(None, 0.0)


@dataclass(frozen=True)
class ProbeSeries:
    """A URL's outcomes per step: `everywhere` for every region, `regions` where a region sees otherwise."""

    everywhere: tuple[Probe, ...]
    regions: Mapping[str, tuple[Probe, ...]] = field(default_factory=dict)

    def at(self, index: int, region: str) -> Probe:
        return self.regions.get(region, self.everywhere)[index]


@dataclass
class VendorData:
    """Everything the vendors received during a replay, on one time grid. Build it with the `add_*` methods.

    `settled`: the vendors received, before `start`, what they received at the first step, for as long as an SLO's
    window looks back (an error-budget alert reads the SLO's whole 7, 30 or 90 days, which no scenario gives point by
    point). The scenario and standard replays set it; the data then starts with the service as it had long been."""

    step: int
    length: int
    start: int = 0
    settled: bool = False
    cloudwatch: dict[CloudWatchMetric, Points] = field(default_factory=dict)
    datadog: list[DatadogSeries] = field(default_factory=list)
    logs: list[LogSeries] = field(default_factory=list)
    probes: dict[str, ProbeSeries] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.step <= 0 or not (60 % self.step == 0 or self.step % 60 == 0):
            raise ReplayError(f"the data step must divide a minute or be whole minutes (10, 20, 30, 60, 300 s...), got {self.step} s")
        if self.length < 0:
            raise ReplayError(f"the data length must not be negative, got {self.length}")

    @property
    def end(self) -> int:
        return self.start + self.length * self.step

    def _fit(self, what: str, values: Sequence[object]) -> None:
        if len(values) != self.length:
            raise ReplayError(f"{what}: {len(values)} points for a grid of {self.length} steps")

    def add_cloudwatch(self, namespace: str, name: str, dimensions: Optional[Mapping[str, object]], points: Sequence[Optional[Sample]]) -> None:
        metric = CloudWatchMetric.of(namespace, name, dimensions)
        self._fit(str(metric), points)
        if metric in self.cloudwatch:
            raise ReplayError(f"{metric}: given twice")
        self.cloudwatch[metric] = tuple(points)

    def add_datadog(self, metric: str, tags: Iterable[str], kind: DatadogKind, points: Sequence[Optional[Sample]], delay: int = 0) -> None:
        if kind not in DATADOG_KINDS:
            raise ReplayError(f"{metric}: kind must be one of {', '.join(DATADOG_KINDS)}, got {kind!r}")
        tag_set = frozenset(tags)
        self._fit(f"{metric}{{{','.join(sorted(tag_set))}}}", points)
        if any(s.metric == metric and s.tags == tag_set for s in self.datadog):
            raise ReplayError(f"{metric}{{{','.join(sorted(tag_set))}}}: given twice")
        if delay < 0:
            raise ReplayError(f"{metric}: a delay cannot be negative, got {delay} s")
        self.datadog.append(DatadogSeries(metric, tag_set, kind, tuple(points), delay))

    def add_logs(self, tags: Iterable[str], counts: Sequence[Optional[float]]) -> None:
        tag_set = frozenset(tags)
        self._fit(f"logs {{{','.join(sorted(tag_set))}}}", counts)
        self.logs.append(LogSeries(tag_set, tuple(counts)))

    def add_probes(self, url: str, outcomes: Sequence[Probe], regions: Optional[Mapping[str, Sequence[Probe]]] = None) -> None:
        self._fit(url, outcomes)
        for region, series in (regions or {}).items():
            self._fit(f"{url} from {region}", series)
        if url in self.probes:
            raise ReplayError(f"{url}: given twice")
        self.probes[url] = ProbeSeries(tuple(outcomes), {r: tuple(s) for r, s in (regions or {}).items()})

    def window(self, begin: int, end: int) -> range:
        """Indices of the points a vendor has for `[begin, end)`: stamped at or after `begin`, complete by `end`."""
        lo = -((self.start - begin) // self.step)  # ceil((begin - start) / step)
        hi = (end - self.start) // self.step
        if lo < 0:
            lo = 0
        if hi > self.length:
            hi = self.length
        return range(lo, hi if hi > lo else lo)

    def index_at(self, t: int) -> Optional[int]:
        """The step holding instant t, or None outside the data."""
        if t < self.start or t >= self.end:
            return None
        return (t - self.start) // self.step
