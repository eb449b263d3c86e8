"""What the vendors receive for a scenario: the registry's publications (signals.publications) of one service,
point by point, as phase 1's `VendorData`. No metric name is written here: they are all the registry's.

A scenario's step may be coarser than the vendors publish (ALB, ECS, RDS, ElastiCache, Route 53 and the log metric
filters publish every minute): the data is then one point a minute, each minute holding its step's values. A step
under a minute is kept as it is (a 1-minute period then holds several points, as a vendor's statistics would).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from signals import publications
from signals.cloudwatch import AwsScope
from signals.model import (
    CloudWatchPublication,
    DatadogPublication,
    Events,
    Gauge,
    LogPublication,
    Point,
    ProbePublication,
    Publication,
    Spread,
)

from .data import Probe, VendorData
from .errors import ReplayError
from .samples import Sample

MINUTE = 60


class SeriesProblem(ReplayError):
    """Series values the registry cannot publish (latency percentiles that contradict each other, say), at a step."""

    def __init__(self, index: int, message: str, series: tuple[str, ...]) -> None:
        self.index = index
        self.series = series
        super().__init__(f"step {index + 1}: {message}")


def data_step(step: int) -> int:
    """The data's grid for a scenario step: the step itself under a minute, else a minute."""
    return step if step < MINUTE else MINUTE


def sample(point: Point) -> Sample:
    """A registry point as phase 1's Sample: counts as statistic sets of ones (a zero count as one zero value)."""
    if isinstance(point, Events):
        return Sample.events(point.n) if point.n > 0 else Sample.value(0.0)
    if isinstance(point, Gauge):
        return Sample.value(point.value)
    assert isinstance(point, Spread)
    return Sample.values(point.values)


@dataclass(frozen=True)
class Steps:
    """A scenario's values step by step (canonical units; None: absent at that step) and its step in seconds."""

    series: Mapping[str, Sequence[Optional[float]]]
    step: int
    length: int

    def rows(self) -> list[tuple[tuple[str, float], ...]]:
        """Each step's present values, as a hashable row (equal steps share their points)."""
        names = sorted(self.series)
        return [tuple((n, v) for n in names if (v := self.series[n][i]) is not None) for i in range(self.length)]


def vendor_data(scope: AwsScope, steps: Steps) -> VendorData:
    """Everything the vendors receive for the scenario's series, for the service `scope` names."""
    grid = data_step(steps.step)
    repeat = steps.step // grid
    data = VendorData(step=grid, length=steps.length * repeat)
    rows = steps.rows()
    seen_urls: set[str] = set()
    for publication in publications(scope):
        if isinstance(publication, ProbePublication):
            if publication.url not in seen_urls:
                outcomes = _probes(publication, rows, repeat)
                if outcomes is not None:
                    data.add_probes(publication.url, outcomes)
                    seen_urls.add(publication.url)
            continue
        points = _points(publication, rows, grid, repeat)
        if all(p is None for p in points):
            continue  # never received: absent, not an empty series
        if isinstance(publication, CloudWatchPublication):
            data.add_cloudwatch(publication.namespace, publication.name, {k: str(v) for k, v in publication.dimensions.items()}, points)
        elif isinstance(publication, DatadogPublication):
            data.add_datadog(publication.metric, publication.tags, publication.kind, points)
        else:
            data.add_logs(publication.tags, [p.sum if p is not None else None for p in points])
    return data


def _points(publication: Publication, rows: list[tuple[tuple[str, float], ...]], grid: int, repeat: int) -> list[Optional[Sample]]:
    cache: dict[tuple[tuple[str, float], ...], Optional[Sample]] = {}
    out: list[Optional[Sample]] = []
    for index, row in enumerate(rows):
        if row not in cache:
            cache[row] = _one(publication, dict(row), grid, index)
        out.extend([cache[row]] * repeat)
    return out


def _one(publication: Publication, values: dict[str, float], grid: int, index: int) -> Optional[Sample]:
    try:
        if isinstance(publication, LogPublication):
            lines = publication.lines(values, grid)
            return Sample.value(lines) if lines is not None else None
        assert isinstance(publication, (CloudWatchPublication, DatadogPublication))
        point = publication.point(values, grid)
    except ValueError as exc:
        raise SeriesProblem(index, str(exc), publication.shows) from None
    return sample(point) if point is not None else None


def _probes(publication: ProbePublication, rows: list[tuple[tuple[str, float], ...]], repeat: int) -> Optional[list[Probe]]:
    """Every step's outcome, or None when the scenario leaves the check out."""
    outcomes: list[Probe] = []
    for index, row in enumerate(rows):
        up = publication.up(dict(row))
        if up is None:
            if index == 0 and all(publication.up(dict(r)) is None for r in rows):
                return None
            raise SeriesProblem(index, "a health check's probes need an outcome (up or down) at every step", publication.shows)
        outcomes.extend([Probe.up() if up else Probe.down()] * repeat)
    return outcomes
