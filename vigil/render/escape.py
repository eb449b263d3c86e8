"""Untrusted text shown safely: names and values from a `pulumi preview --json` (its URNs and states) or from the
plans of a pull request's spec reach terminals and pull-request comments.

- `printable`: for terminals (and first of all): control characters (C0, DEL, C1: ANSI escapes, a newline that
  would start a line of its own), bidirectional overrides and invisible characters are shown escaped (`\\x1b`,
  `\\u202e`), never sent raw.
- `code`: a Markdown code span holding any text literally (its fence longer than any run of backticks inside).
- `markdown`: a line of text whose code spans were made by `code`: everything outside them is escaped, so nothing
  becomes a tag, a link, emphasis or a heading, and Datadog handles (`@pagerduty-x`) become code, never GitHub
  mentions. `table=True` for a table cell: its pipes, inside code spans too, never end the cell.
"""

from __future__ import annotations

import re

from spec.grammar import HANDLE_IN_TEXT as HANDLE

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ud800-\udfff\ufeff]")
_TICKS = re.compile(r"`+")
_MARKUP = re.compile(r"([\\`*_\[\]<>&~|#!])")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    point = ord(char)
    return _NAMED.get(char) or (f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}")


def printable(text: str) -> str:
    return _UNPRINTABLE.sub(_escaped, text)


def code(value: object) -> str:
    """A value as a code span: `api-errors` → `` `api-errors` ``; with backticks inside, a longer fence and spaces."""
    text = printable(str(value))
    longest = max((len(run) for run in _TICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    padded = longest > 0 or not text.strip(" ") or (text[:1] == " " and text[-1:] == " ")
    return f"{fence} {text} {fence}" if padded else f"{fence}{text}{fence}"


def _plain(text: str) -> str:
    """Text outside code spans: markup escaped, handles as code."""
    out, last = [], 0
    for match in HANDLE.finditer(text):
        out += [_MARKUP.sub(r"\\\1", text[last : match.start()]), code(match.group())]
        last = match.end()
    out.append(_MARKUP.sub(r"\\\1", text[last:]))
    return "".join(out)


def markdown(line: str, table: bool = False) -> str:
    """A line of text with code spans (CommonMark's rule: a run of backticks closes at the next run of the same
    length; an unmatched run is literal), escaped for Markdown."""
    line = printable(line)
    out: list[str] = []
    plain_from = position = 0
    while (opening := _TICKS.search(line, position)) is not None:
        closing = next((m for m in _TICKS.finditer(line, opening.end()) if len(m.group()) == len(opening.group())), None)
        if closing is None:  # literal backticks: escaped with the plain text around them
            position = opening.end()
            continue
        out.append(_plain(line[plain_from : opening.start()]))
        span = line[opening.start() : closing.end()]
        out.append(span.replace("|", "\\|") if table else span)
        plain_from = position = closing.end()
    out.append(_plain(line[plain_from:]))
    return "".join(out)
