"""CloudWatch metric math as vigil's alarms write it: numbers, metric ids, `+ - * / ^`, unary minus, parentheses,
the comparison operators `== != <= >= < >`, the logical `AND`/`&&` and `OR`/`||`, and `IF(condition, true, false)`.

Per using-metric-math.html: missing values in a time series count as 0 in arithmetic; a point that would divide
by zero is dropped. A time stamp exists in the result when any input has a point there, so an expression whose
inputs are all absent is absent. Comparisons give 1 or 0 per time stamp, a missing value on one side counting as 0.
`IF(c, a, b)`: where the condition has no point, no point; where it is true (not 0), `a` (0 where `a` has no point);
where it is false, `b` — dropped where `b` has no point or is left out (the page's three tables are tests).
`FILL(x, n)` "Fills the missing values of a time series" with the number n: a point at every period of the range, so an
alarm on it never sees missing data; `DIFF(x)` "Returns the difference between each value in the time series and the
preceding value from that time series" (no point where x has none, nor at its first). Other functions (`METRICS`,
`RATE`, FILL with REPEAT or LINEAR...) are refused with a clear error: the replay evaluates what it implements, nothing
approximately.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Optional, Union

from ..errors import ReplayError

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)|(?P<id>[a-z][A-Za-z0-9_]*)|(?P<function>[A-Z][A-Z0-9_]*)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[-+*/^()<>,]))"
)
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}
_LOGICAL = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR"}


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
    op: str  # + - * / ^, a comparison, AND or OR
    left: Node
    right: Node


@dataclass(frozen=True)
class If:
    condition: Node
    true: Node
    false: Optional[Node]  # left out: the point is dropped where the condition is false


@dataclass(frozen=True)
class Fill:
    operand: Node
    value: float  # FILL(x, n) with a number; REPEAT, LINEAR and a series are not replayed


@dataclass(frozen=True)
class Diff:
    operand: Node


FUNCTIONS = ("IF", "FILL", "DIFF")
Node = Union[Number, Ref, Negate, Binary, If, Fill, Diff]


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
            if kind == "function" and value in ("AND", "OR"):
                kind = "op"
            elif kind == "function" and value not in FUNCTIONS:
                raise ReplayError(f"metric math {text!r}: the function {value} is not supported by the replay (arithmetic, comparisons, AND, OR, IF, FILL and DIFF)")
            self.tokens.append((kind, value))
            position = match.end()
        self.position = 0

    def parse(self) -> Node:
        node = self._or()
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

    def _or(self) -> Node:
        node = self._and()
        while _LOGICAL.get(self._peek() or "") == "OR":
            self._take()
            node = Binary("OR", node, self._and())
        return node

    def _and(self) -> Node:
        node = self._comparison()
        while _LOGICAL.get(self._peek() or "") == "AND":
            self._take()
            node = Binary("AND", node, self._comparison())
        return node

    def _comparison(self) -> Node:
        node = self._sum()
        while self._peek() in _COMPARISONS:
            op = self._take()[1]
            node = Binary(op, node, self._sum())
        return node

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
        if kind == "function":  # IF, FILL or DIFF: the functions the tokenizer lets through
            return self._if() if value == "IF" else self._function(value)
        if value == "(":
            node = self._or()
            if self._take()[1] != ")":
                raise ReplayError(f"metric math {self.text!r}: missing ')'")
            return node
        raise ReplayError(f"metric math {self.text!r}: unexpected {value!r}")


    def _arguments(self, name: str) -> list[Node]:
        if self._take()[1] != "(":
            raise ReplayError(f"metric math {self.text!r}: {name} needs '('")
        arguments = [self._or()]
        while self._peek() == ",":
            self._take()
            arguments.append(self._or())
        if self._take()[1] != ")":
            raise ReplayError(f"metric math {self.text!r}: missing ')' after {name}'s arguments")
        return arguments

    def _function(self, name: str) -> Node:
        arguments = self._arguments(name)
        if name == "DIFF":
            if len(arguments) != 1:
                raise ReplayError(f"metric math {self.text!r}: DIFF takes one time series")
            return Diff(arguments[0])
        if len(arguments) != 2 or not isinstance(arguments[1], (Number, Negate)) or references(arguments[1]):
            raise ReplayError(f"metric math {self.text!r}: the replay fills with a number only (FILL(m1, 0)), not REPEAT, LINEAR or a series")
        value = arguments[1]
        return Fill(arguments[0], value.value if isinstance(value, Number) else -_scalar(value.operand))

    def _if(self) -> Node:
        if self._take()[1] != "(":
            raise ReplayError(f"metric math {self.text!r}: IF needs '('")
        arguments = [self._or()]
        while self._peek() == ",":
            self._take()
            arguments.append(self._or())
        if self._take()[1] != ")":
            raise ReplayError(f"metric math {self.text!r}: missing ')' after IF's arguments")
        if len(arguments) not in (2, 3):
            raise ReplayError(f"metric math {self.text!r}: IF takes a condition, a value if true and one if false, got {len(arguments)} arguments")
        return If(arguments[0], arguments[1], arguments[2] if len(arguments) == 3 else None)


def _scalar(node: Node) -> float:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Negate):
        return -_scalar(node.operand)
    raise ReplayError("FILL's value must be a number")


def parse(text: str) -> Node:
    return Parser(text).parse()


def references(node: Node) -> set[str]:
    if isinstance(node, Ref):
        return {node.id}
    if isinstance(node, Negate):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    if isinstance(node, If):
        return references(node.condition) | references(node.true) | (references(node.false) if node.false is not None else set())
    if isinstance(node, (Fill, Diff)):
        return references(node.operand)
    return set()


def fills(node: Node) -> bool:
    """Whether the expression has a point even where its series have none (FILL somewhere in it)."""
    if isinstance(node, Fill):
        return True
    if isinstance(node, (Negate, Diff)):
        return fills(node.operand)
    if isinstance(node, Binary):
        return fills(node.left) or fills(node.right)
    if isinstance(node, If):
        return any(fills(n) for n in (node.condition, node.true, *([node.false] if node.false is not None else [])))
    return False


def _over_time(node: Node) -> bool:
    """Whether the node needs the whole series (FILL, DIFF), not one time stamp."""
    if isinstance(node, (Fill, Diff)):
        return True
    if isinstance(node, Negate):
        return _over_time(node.operand)
    if isinstance(node, Binary):
        return _over_time(node.left) or _over_time(node.right)
    if isinstance(node, If):
        return any(_over_time(n) for n in (node.condition, node.true, *([node.false] if node.false is not None else [])))
    return False


def evaluate(node: Node, values: Mapping[str, Optional[float]]) -> Optional[float]:
    """The expression at one time stamp, given each referenced id's value there (None: no point)."""
    used = sorted(references(node))
    return compile_expression(node, used)([values.get(i) for i in used])


Row = Sequence[Optional[float]]


def compile_expression(node: Node, used: Sequence[str]) -> Callable[[Row], Optional[float]]:
    """The expression as a function of the values of `used` (its references, in that order) at one time stamp."""
    if _over_time(node):
        raise ReplayError("FILL and DIFF read the whole series: evaluate them with evaluate_columns")
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
    if isinstance(node, If):
        return _compiled_if(node, position)
    if isinstance(node, (Fill, Diff)):
        raise ReplayError("FILL and DIFF read the whole series: evaluate them with evaluate_columns")
    left, right = _compiled(node.left, position), _compiled(node.right, position)
    if node.op in _COMPARISONS:
        compare = _COMPARISONS[node.op]
        return lambda row: 1.0 if compare(left(row), right(row)) else 0.0
    if node.op == "AND":
        return lambda row: 1.0 if left(row) != 0 and right(row) != 0 else 0.0
    if node.op == "OR":
        return lambda row: 1.0 if left(row) != 0 or right(row) != 0 else 0.0
    if node.op == "+":
        return lambda row: left(row) + right(row)
    if node.op == "-":
        return lambda row: left(row) - right(row)
    if node.op == "*":
        return lambda row: left(row) * right(row)
    if node.op == "/":
        return lambda row: _divide(left(row), right(row))
    return lambda row: _power(left(row), right(row))


def _present(node: Node, position: Mapping[str, int]) -> Callable[[Row], bool]:
    """Whether a sub-expression has a point at the time stamp: a scalar always; else when any id it uses has one."""
    used = [position[name] for name in sorted(references(node))]
    if not used:
        return lambda row: True
    return lambda row: any(row[i] is not None for i in used)


def _compiled_if(node: If, position: Mapping[str, int]) -> Callable[[Row], float]:
    condition, true = _compiled(node.condition, position), _compiled(node.true, position)
    has_condition = _present(node.condition, position)
    false = _compiled(node.false, position) if node.false is not None else None
    has_false = _present(node.false, position) if node.false is not None else None

    def run(row: Row) -> float:
        if not has_condition(row):
            raise _Dropped
        if condition(row) != 0:
            return true(row)  # a missing value of the true branch counts as 0
        if false is None or has_false is None or not has_false(row):
            raise _Dropped
        return false(row)

    return run


def evaluate_columns(node: Node, columns: Mapping[str, Sequence[Optional[float]]], length: int) -> list[Optional[float]]:
    """The expression at every time stamp at once (the same values as `compile_expression` row by row): a time stamp
    where no referenced id has a point has none; a division by zero drops the point."""
    values = _column(node, columns, length)
    present = _presence(node, columns, length)
    return [v if keep else None for v, keep in zip(values, present, strict=True)]


def _column(node: Node, columns: Mapping[str, Sequence[Optional[float]]], length: int) -> list[Optional[float]]:
    """One node over every time stamp; None where a division by zero (or a power without a real value) dropped it."""
    if isinstance(node, Number):
        return [node.value] * length
    if isinstance(node, Ref):
        return [v or 0.0 for v in columns[node.id]]
    if isinstance(node, Negate):
        return [None if v is None else -v for v in _column(node.operand, columns, length)]
    if isinstance(node, If):
        return _if_column(node, columns, length)
    if isinstance(node, Fill):
        inner, present = _column(node.operand, columns, length), _presence(node.operand, columns, length)
        return [v if keep and v is not None else node.value for v, keep in zip(inner, present, strict=True)]
    if isinstance(node, Diff):
        return _diff_column(node, columns, length)
    left, right = _column(node.left, columns, length), _column(node.right, columns, length)
    pairs = zip(left, right, strict=True)
    if node.op in _COMPARISONS:
        compare = _COMPARISONS[node.op]
        return [None if a is None or b is None else (1.0 if compare(a, b) else 0.0) for a, b in pairs]
    if node.op in ("AND", "OR"):
        both = node.op == "AND"
        return [None if a is None or b is None else (1.0 if ((a != 0 and b != 0) if both else (a != 0 or b != 0)) else 0.0) for a, b in pairs]
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


def _series_presence(node: Node, columns: Mapping[str, Sequence[Optional[float]]], length: int) -> Optional[list[bool]]:
    """Where the node's time series has a point: where any series it reads has one (a missing value counting as 0),
    everywhere after FILL, where DIFF has a preceding point; None for a scalar (no series at all)."""
    if isinstance(node, Number):
        return None
    if isinstance(node, Ref):
        return [v is not None for v in columns[node.id]]
    if isinstance(node, Fill):
        return [True] * length
    if isinstance(node, Diff):
        return [v is not None for v in _diff_column(node, columns, length)]
    parts = [node.operand] if isinstance(node, Negate) else [node.left, node.right] if isinstance(node, Binary) else \
        [node.condition, node.true, *([node.false] if node.false is not None else [])]
    found = [p for p in (_series_presence(part, columns, length) for part in parts) if p is not None]
    if not found:
        return None
    return [any(row) for row in zip(*found, strict=True)]


def _presence(node: Node, columns: Mapping[str, Sequence[Optional[float]]], length: int) -> list[bool]:
    found = _series_presence(node, columns, length)
    return [True] * length if found is None else found


def _diff_column(node: Diff, columns: Mapping[str, Sequence[Optional[float]]], length: int) -> list[Optional[float]]:
    """Each point less the series' preceding point; none at the first point, nor where the series has none."""
    inner, present = _column(node.operand, columns, length), _presence(node.operand, columns, length)
    out: list[Optional[float]] = []
    previous: Optional[float] = None
    for value, keep in zip(inner, present, strict=True):
        if not keep or value is None:
            out.append(None)
            continue
        out.append(None if previous is None else value - previous)
        previous = value
    return out


def _if_column(node: If, columns: Mapping[str, Sequence[Optional[float]]], length: int) -> list[Optional[float]]:
    condition = _column(node.condition, columns, length)
    has_condition = _presence(node.condition, columns, length)
    true = _column(node.true, columns, length)
    false = _column(node.false, columns, length) if node.false is not None else [None] * length
    has_false = _presence(node.false, columns, length) if node.false is not None else [False] * length
    out: list[Optional[float]] = []
    for c, known, a, b, b_known in zip(condition, has_condition, true, false, has_false, strict=True):
        if c is None or not known:
            out.append(None)
        elif c != 0:
            out.append(a)
        else:
            out.append(b if b_known else None)
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
