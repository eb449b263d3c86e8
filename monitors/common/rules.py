"""Vendor rules checked before any resource is declared: a violation points at the spec path it came from."""

from dataclasses import dataclass
from typing import Union

from signals import alert_signals
from spec import Service

PathKey = tuple[Union[str, int], ...]


@dataclass(frozen=True, order=True)
class Violation:
    path: PathKey  # where in the service spec the offending value was written, e.g. ("alerts", "cpu", "critical")
    message: str


def sparse_no_data(service: Service) -> list[Violation]:
    """An alert counted from a metric published only while something happens (`Signal.sparse`) comes back to OK when
    nothing is published: `no_data: keep` would hold it in alarm after a first burst, so the next burst would notify
    nobody, and `no_data: alert` would page whenever nothing fails. Both backends read silence as healthy for it."""
    out: list[Violation] = []
    for alert in alert_signals(service):
        no_data = alert.threshold.no_data
        if alert.signal.sparse and no_data not in (None, "ok"):
            out.append(
                Violation(
                    (*alert.path, "no_data"),
                    f"{alert.signal.title} is published only while it happens: silence means none happened, so the alert "
                    f"comes back to OK by itself between bursts (no_data: {no_data} would "
                    f"{'hold it after a first burst, and a second would notify nobody' if no_data == 'keep' else 'fire whenever nothing fails'}); "
                    "remove no_data or write no_data: ok",
                )
            )
    return out
