"""Progress of long work (plan, diff, docs, replay) on stderr, on a terminal only.

Nothing is written when stderr is not a terminal, so CI logs, pipes and JSON output stay clean.

    with Bar("plan prod", unit="service") as bar:
        plan_stack(project, "prod", progress=bar.step)     # bar.step(done_now, total)
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, Never, Optional, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm


def on_terminal(stream: Optional[TextIO] = None) -> bool:
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Bar:
    """A progress bar on stderr that appears at its first step, only on a terminal, and is gone when done."""

    def __init__(self, what: str, unit: str = "service") -> None:
        self.what = what
        self.unit = unit
        self.enabled = on_terminal()
        self._bar: Optional[tqdm[Never]] = None

    def step(self, done: int, total: int) -> None:
        """`done` more of `total` (the total may grow: a later stage knows more)."""
        if not self.enabled:
            return
        bar = self._bar
        if bar is None:
            from tqdm import tqdm  # on a terminal only: a pipe or CI log never pays its import

            bar = tqdm(total=total, desc=self.what, unit=self.unit, file=sys.stderr, leave=False, dynamic_ncols=True)
            self._bar = bar
        elif total != bar.total:
            bar.total = total
            bar.refresh()
        bar.update(done)

    def at(self, done: int, total: int) -> None:
        """Progress given as a position (`done` of `total` so far) rather than a step."""
        self.step(done - (int(self._bar.n) if self._bar is not None else 0), total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, kind: Optional[type[BaseException]], value: Optional[BaseException], trace: Optional[TracebackType]) -> None:
        self.close()
