"""Vendor rules checked before any resource is declared: a violation points at the spec path it came from."""

from dataclasses import dataclass
from typing import Union

PathKey = tuple[Union[str, int], ...]


@dataclass(frozen=True, order=True)
class Violation:
    path: PathKey  # where in the service spec the offending value was written, e.g. ("alerts", "cpu", "critical")
    message: str
