"""docs/limits.md's table: every documented vendor limit of what vigil creates, from the one list each backend's rules
read (monitors/aws/limits.py, monitors/datadog/limits.py), so the page cannot drift from the checks."""

from __future__ import annotations

from monitors.aws import limits as aws_limits
from monitors.common.limits import table_rows
from monitors.datadog import limits as datadog_limits

from .words import table

PATH = "docs/limits.md"
BEGIN, END = "<!-- limits:begin -->", "<!-- limits:end -->"


def limits_table() -> list[str]:
    header = ["resource", "limit", "value", "kind", "vigil enforces it in", "vendor's page"]
    lines: list[str] = []
    for vendor, found in (("AWS", aws_limits.limits()), ("Datadog", datadog_limits.limits())):
        lines += [f"### {vendor}", "", *table(header, table_rows(found)), ""]
    return lines[:-1]
