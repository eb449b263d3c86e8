"""A vendor's documented limit, once: its value, the page that says so, and where vigil enforces it.

Each backend lists its limits in one module (`monitors/aws/limits.py`, `monitors/datadog/limits.py`); its rules read
the values from there, and `vigil docs` renders the same lists as docs/limits.md, so the table and the checks cannot
drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

Vendor = Literal["AWS", "Datadog"]


@dataclass(frozen=True)
class Limit:
    vendor: Vendor
    resource: str  # as people name it: "CloudWatch metric alarm", "Datadog composite monitor"
    what: str  # "metrics a metric-math alarm references"
    value: Union[int, str]  # the number the rules compare with (or the allowed values, in words)
    url: str  # the vendor's page that says so
    enforced: str  # where vigil checks it, or why it cannot be reached ("not reached: one topic per severity")
    hard: bool = True  # False: a default quota the account can raise (listed, never refused)

    @property
    def number(self) -> int:
        assert isinstance(self.value, int), f"{self.what} is no number"
        return self.value


def table_rows(limits: tuple[Limit, ...]) -> list[list[str]]:
    """Rows of docs/limits.md: resource, limit, value, kind, where vigil enforces it, the vendor's page."""
    return [
        [limit.resource, limit.what, f"{limit.value:,}" if isinstance(limit.value, int) else str(limit.value),
         "hard" if limit.hard else "default quota", limit.enforced, f"[{_page(limit.url)}]({limit.url})"]
        for limit in limits
    ]  # fmt: skip


def _page(url: str) -> str:
    """The page's own name: `alarm-limits.html`, `monitors/types/composite`."""
    path = url.split("://", 1)[-1].split("#", 1)[0].rstrip("/")
    parts = path.split("/")
    return parts[-1] if parts[-1].endswith(".html") else "/".join(parts[-3:] if len(parts) > 3 else parts[1:])
