"""Quantities with units. A bare number where a unit matters is an error, never a guess."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_NUMBER = r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"
# The largest magnitude the spec accepts anywhere: beyond 2**53 a number (a float, a JSON number) is no longer exact.
MAX_NUMBER = 2**53


def _bounded(text: str, value: float) -> float:
    if not value <= MAX_NUMBER:  # also catches inf and nan
        shown = text if len(text) <= 40 else f"{text[:20]}…{text[-2:]}"
        raise ValueError(f"{shown!r} is too large")
    return value


class _Quantity:
    """Base for a parsed quantity; subclasses say which units they accept and how to canonicalise."""

    pattern: ClassVar[str]
    expected: ClassVar[str]

    @classmethod
    def parse(cls, text: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _validate(cls, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, bool) or not isinstance(value, str):
            raise ValueError(f"expected {cls.expected}, got {value!r} (a unit is required)")
        text = value.strip()
        if not re.fullmatch(cls.pattern, text):
            raise ValueError(f"expected {cls.expected}, got {value!r}")
        return cls.parse(text)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "pattern": f"^{cls.pattern}$", "description": cls.expected}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def _key(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._key() == other._key()

    def __lt__(self, other: _Quantity) -> bool:
        return self._key() < other._key()

    def __le__(self, other: _Quantity) -> bool:
        return self._key() <= other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))


def _fmt(number: float) -> str:
    """Shortest exact decimal: 1.0 -> '1', 0.5 -> '0.5'."""
    return f"{number:.10f}".rstrip("0").rstrip(".")


class Duration(_Quantity):
    """A time span such as `500ms`, `30s`, `5m`, `1h`, `30d`, held in whole milliseconds."""

    UNITS: ClassVar[dict[str, int]] = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
    pattern = rf"{_NUMBER}(?:ms|s|m|h|d)"
    expected = "a duration with a unit: ms, s, m, h or d (e.g. '500ms', '5m', '30d')"

    def __init__(self, ms: int) -> None:
        self.ms = int(ms)

    @classmethod
    def parse(cls, text: str) -> Duration:
        number, unit = re.fullmatch(rf"({_NUMBER})(ms|s|m|h|d)", text).groups()  # type: ignore[union-attr]
        ms = _bounded(text, float(number) * cls.UNITS[unit])
        if ms != int(ms):
            raise ValueError(f"{text!r} is not a whole number of milliseconds")
        if ms <= 0:
            raise ValueError(f"{text!r} must be longer than zero")
        return cls(int(ms))

    @property
    def seconds(self) -> float:
        return self.ms / 1000

    def _key(self) -> int:
        return self.ms

    def __str__(self) -> str:
        for unit in ("d", "h", "m", "s"):
            size = self.UNITS[unit]
            if self.ms % size == 0:
                return f"{self.ms // size}{unit}"
        return f"{self.ms}ms"


class Percent(_Quantity):
    """A percentage such as `1%` or `99.9%`, between 0 and 100."""

    pattern = rf"{_NUMBER}%"
    expected = "a percentage with '%', between 0% and 100% (e.g. '1%', '99.9%')"

    def __init__(self, value: float) -> None:
        self.value = float(value)

    @classmethod
    def parse(cls, text: str) -> Percent:
        value = _bounded(text, float(text[:-1]))
        if value > 100:
            raise ValueError(f"{text!r} is above 100%")
        return cls(value)

    @property
    def fraction(self) -> float:
        return self.value / 100

    def _key(self) -> float:
        return self.value

    def __str__(self) -> str:
        return f"{_fmt(self.value)}%"


class Rate(_Quantity):
    """Events per unit of time such as `5/s`, `100/m`, `10/h`, held per second."""

    UNITS: ClassVar[dict[str, int]] = {"s": 1, "m": 60, "h": 3600}
    pattern = rf"{_NUMBER}/(?:s|m|h)"
    expected = "a rate with a unit: /s, /m or /h (e.g. '5/s', '100/m')"

    def __init__(self, count: float, unit: str) -> None:
        self.count = float(count)
        self.unit = unit

    @classmethod
    def parse(cls, text: str) -> Rate:
        number, unit = text.split("/")
        return cls(_bounded(text, float(number)), unit)

    @property
    def per_second(self) -> float:
        return self.count / self.UNITS[self.unit]

    def per(self, seconds: float) -> float:
        """The count expected in a window of that many seconds."""
        return self.per_second * seconds

    def _key(self) -> float:
        return self.per_second

    def __str__(self) -> str:
        return f"{_fmt(self.count)}/{self.unit}"
