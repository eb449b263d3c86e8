"""What the vendors receive for a scenario: the registry's publications (signals.publications) of one service,
point by point, as phase 1's `VendorData`. No metric name is written here: they are all the registry's.

A scenario's step may be coarser than the vendors publish (ALB, ECS, RDS, ElastiCache, Route 53 and the log metric
filters publish every minute): the data is then one point a minute, each minute holding its step's values. A step
under a minute is kept as it is (a 1-minute period then holds several points, as a vendor's statistics would).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
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

    def runs(self) -> list[tuple[Row, int]]:
        """The steps as runs of equal values: (each present series and its value, how many steps in a row)."""
        names = sorted(self.series)
        columns = zip(*(self.series[n] for n in names), strict=True) if names else iter([()] * self.length)
        return [
            (tuple((n, v) for n, v in zip(names, values, strict=True) if v is not None), sum(1 for _ in group))
            for values, group in itertools.groupby(columns)
        ]


Row = tuple[tuple[str, float], ...]
Wanted = Callable[[Publication], bool]


def vendor_data(scope: AwsScope, steps: Steps, wanted: Optional[Wanted] = None) -> VendorData:
    """Everything the vendors receive for the scenario's series, for the service `scope` names (only what `wanted`
    keeps: what the alerts replayed read)."""
    grid = data_step(steps.step)
    repeat = steps.step // grid
    data = VendorData(step=grid, length=steps.length * repeat, settled=True)
    runs = steps.runs()
    seen_urls: set[str] = set()
    for publication in publications(scope):
        if wanted is not None and not wanted(publication):
            continue
        if isinstance(publication, ProbePublication):
            if publication.url not in seen_urls:
                outcomes = _probes(publication, runs, repeat)
                if outcomes is not None:
                    data.add_probes(publication.url, outcomes)
                    seen_urls.add(publication.url)
            continue
        points = _points(publication, runs, grid, repeat)
        if all(p is None for p in points):
            continue  # never received: absent, not an empty series
        if isinstance(publication, CloudWatchPublication):
            data.add_cloudwatch(publication.namespace, publication.name, {k: str(v) for k, v in publication.dimensions.items()}, points)
        elif isinstance(publication, DatadogPublication):
            data.add_datadog(publication.metric, publication.tags, publication.kind, points, publication.delay)
        else:
            data.add_logs(publication.tags, [p.sum if p is not None else None for p in points])
    return data


def check_steps(scope: AwsScope, steps: Steps) -> None:
    """Every publication's points can be made from the steps (raises SeriesProblem at the first step that cannot),
    whether or not the alerts replayed read them."""
    index = 0
    for row, count in steps.runs():
        values = dict(row)
        for publication in publications(scope):
            if not isinstance(publication, ProbePublication):
                _one(publication, values, data_step(steps.step), index)
        index += count


def _points(publication: Publication, runs: list[tuple[Row, int]], grid: int, repeat: int) -> list[Optional[Sample]]:
    cache: dict[Row, Optional[Sample]] = {}
    out: list[Optional[Sample]] = []
    index = 0
    for row, count in runs:
        if row not in cache:
            cache[row] = _one(publication, dict(row), grid, index)
        out.extend([cache[row]] * (count * repeat))
        index += count
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


def _probes(publication: ProbePublication, runs: list[tuple[Row, int]], repeat: int) -> Optional[list[Probe]]:
    """Every step's outcome, or None when the scenario leaves the check out."""
    ups = [(publication.up(dict(row)), count) for row, count in runs]
    if all(up is None for up, _ in ups):
        return None
    outcomes: list[Probe] = []
    index = 0
    for up, count in ups:
        if up is None:
            raise SeriesProblem(index, "a health check's probes need an outcome (up or down) at every step", publication.shows)
        outcomes.extend([Probe.up() if up else Probe.down()] * (count * repeat))
        index += count
    return outcomes
