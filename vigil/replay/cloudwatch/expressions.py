"""CloudWatch metric math, the arithmetic part: numbers, metric ids, `+ - * / ^`, unary minus and parentheses.

Per using-metric-math.html: missing values in a time series count as 0 in arithmetic; a point that would divide
by zero is dropped. A time stamp exists in the result when any input has a point there, so an expression whose
inputs are all absent is absent. Functions (`IF`, `FILL`, `METRICS`...) are refused with a clear error: the replay
evaluates what it implements, nothing approximately.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Optional, Union

from ..errors import ReplayError

_TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)|(?P<id>[a-z][A-Za-z0-9_]*)|(?P<function>[A-Z][A-Z0-9_]*)|(?P<op>[-+*/^()]))")


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Ref:
    id: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


Node = Union[Number, Ref, Negate, Binary]


class _Dropped(Exception):
    """The point divides by zero: CloudWatch drops it."""


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match or match.end() == position:
                if text[position:].strip() == "":
                    break
                raise ReplayError(f"metric math {text!r}: cannot read {text[position:].strip()[:20]!r}")
            kind = match.lastgroup or ""
            value = match.group(kind)
            if kind == "function":
                raise ReplayError(f"metric math {text!r}: the function {value} is not supported by the replay (arithmetic only)")
            self.tokens.append((kind, value))
            position = match.end()
        self.position = 0

    def parse(self) -> Node:
        node = self._sum()
        if self.position != len(self.tokens):
            raise ReplayError(f"metric math {self.text!r}: unexpected {self.tokens[self.position][1]!r}")
        return node

    def _peek(self) -> Optional[str]:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ReplayError(f"metric math {self.text!r}: ends too early")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _sum(self) -> Node:
        node = self._product()
        while self._peek() in ("+", "-"):
            op = self._take()[1]
            node = Binary(op, node, self._product())
        return node

    def _product(self) -> Node:
        node = self._unary()
        while self._peek() in ("*", "/"):
            op = self._take()[1]
            node = Binary(op, node, self._unary())
        return node

    def _unary(self) -> Node:
        if self._peek() == "-":
            self._take()
            return Negate(self._unary())
        return self._power()

    def _power(self) -> Node:
        base = self._atom()
        if self._peek() == "^":
            self._take()
            return Binary("^", base, self._unary())  # right-associative
        return base

    def _atom(self) -> Node:
        kind, value = self._take()
        if kind == "number":
            return Number(float(value))
        if kind == "id":
            return Ref(value)
        if value == "(":
            node = self._sum()
            if self._take()[1] != ")":
                raise ReplayError(f"metric math {self.text!r}: missing ')'")
            return node
        raise ReplayError(f"metric math {self.text!r}: unexpected {value!r}")


def parse(text: str) -> Node:
    return Parser(text).parse()


def references(node: Node) -> set[str]:
    if isinstance(node, Ref):
        return {node.id}
    if isinstance(node, Negate):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    return set()


def evaluate(node: Node, values: Mapping[str, Optional[float]]) -> Optional[float]:
    """The expression at one time stamp, given each referenced id's value there (None: no point)."""
    used = sorted(references(node))
    return compile_expression(node, used)([values.get(i) for i in used])


Row = Sequence[Optional[float]]


def compile_expression(node: Node, used: Sequence[str]) -> Callable[[Row], Optional[float]]:
    """The expression as a function of the values of `used` (its references, in that order) at one time stamp."""
    body = _compiled(node, {name: index for index, name in enumerate(used)})

    def run(row: Row) -> Optional[float]:
        if used and all(v is None for v in row):
            return None
        try:
            return body(row)
        except _Dropped:
            return None

    return run


def _compiled(node: Node, position: Mapping[str, int]) -> Callable[[Row], float]:
    """The node as a function of a row of values (a missing value counts as 0; a division by zero drops the point)."""
    if isinstance(node, Number):
        value = node.value
        return lambda row: value
    if isinstance(node, Ref):
        index = position[node.id]
        return lambda row: row[index] or 0.0
    if isinstance(node, Negate):
        inner = _compiled(node.operand, position)
        return lambda row: -inner(row)
    left, right = _compiled(node.left, position), _compiled(node.right, position)
    if node.op == "+":
        return lambda row: left(row) + right(row)
    if node.op == "-":
        return lambda row: left(row) - right(row)
    if node.op == "*":
        return lambda row: left(row) * right(row)
    if node.op == "/":
        return lambda row: _divide(left(row), right(row))
    return lambda row: _power(left(row), right(row))


def evaluate_columns(node: Node, columns: Mapping[str, Sequence[Optional[float]]], length: int) -> list[Optional[float]]:
    """The expression at every time stamp at once (the same values as `compile_expression` row by row): a time stamp
    where no referenced id has a point has none; a division by zero drops the point."""
    used = sorted(references(node))
    values = _column(node, columns, length)
    if not used:
        return values
    present = [any(v is not None for v in row) for row in zip(*(columns[u] for u in used), strict=True)]
    return [v if keep else None for v, keep in zip(values, present, strict=True)]


def _column(node: Node, columns: Mapping[str, Sequence[Optional[float]]], length: int) -> list[Optional[float]]:
    """One node over every time stamp; None where a division by zero (or a power without a real value) dropped it."""
    if isinstance(node, Number):
        return [node.value] * length
    if isinstance(node, Ref):
        return [v or 0.0 for v in columns[node.id]]
    if isinstance(node, Negate):
        return [None if v is None else -v for v in _column(node.operand, columns, length)]
    left, right = _column(node.left, columns, length), _column(node.right, columns, length)
    pairs = zip(left, right, strict=True)
    if node.op == "+":
        return [None if a is None or b is None else a + b for a, b in pairs]
    if node.op == "-":
        return [None if a is None or b is None else a - b for a, b in pairs]
    if node.op == "*":
        return [None if a is None or b is None else a * b for a, b in pairs]
    if node.op == "/":
        return [None if a is None or b is None or b == 0 else a / b for a, b in pairs]
    out: list[Optional[float]] = []
    for a, b in pairs:
        try:
            out.append(None if a is None or b is None else _power(a, b))
        except _Dropped:
            out.append(None)
    return out


def _divide(left: float, right: float) -> float:
    if right == 0:
        raise _Dropped
    return left / right


def _power(left: float, right: float) -> float:
    try:
        result = left**right
    except (ZeroDivisionError, OverflowError):
        raise _Dropped from None
    if isinstance(result, complex):  # a negative number to a fractional power has no real value
        raise _Dropped
    return float(result)
