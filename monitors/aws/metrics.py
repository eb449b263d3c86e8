"""A signal's CloudWatch realisation (from the registry, `signals/`) applied to one service: the metric or
metric math it watches, and how it is evaluated over the spec's window."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from signals.cloudwatch import AwsScope, Convert, Evaluation, Source
from signals.model import CloudWatchAlarm, CloudWatchGraph, Signal
from spec import Duration
from spec.alerts import Quantity


@dataclass(frozen=True)
class Watched:
    """One alert's CloudWatch side for one service: what is watched, how thresholds convert, how it is evaluated."""

    title: str
    source: Source
    unit: str
    evaluation: Evaluation
    convert: Convert
    graph: CloudWatchGraph

    def threshold(self, value: Quantity) -> float:
        return round(self.convert(value, self.evaluation.period), 6)

    def over(self, window: Optional[Duration]) -> Watched:
        """Evaluated over the spec's window: thresholds per period follow the fitted period."""
        return replace(self, evaluation=self.evaluation.over(window))


def watched(signal: Signal, scope: AwsScope) -> Optional[Watched]:
    """The CloudWatch side of one signal (of the registry, or a custom alert's), or None when CloudWatch cannot measure
    it for this service."""
    realisation = signal.cloudwatch
    if not isinstance(realisation, CloudWatchAlarm) or realisation.missing(scope.service):
        return None
    return Watched(
        realisation.title, realisation.source(scope), realisation.unit, realisation.evaluation, realisation.convert, realisation.graph
    )
