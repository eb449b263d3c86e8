"""Text a pull request controls (names and values in a preview's URNs and states, a fork's spec) cannot change what a
reviewer's comment or terminal shows: no control character reaches a terminal, and nothing in Markdown becomes a
heading, a tag, a link, a mention or the end of a code span. Checked by rendering the Markdown with a CommonMark
parser (markdown-it-py, GitHub's flavour's tables), as GitHub would."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from vigil.cli import main
from vigil.diff.preview import from_preview, load_preview
from vigil.diff.render import render_json, render_markdown, render_text
from vigil.render.escape import code, printable

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "preview"
# What a hostile name carries: a terminal escape (clear screen), a bidi override, a backtick to end a code span,
# a pipe to end a table cell, a newline and a heading, a tag, a link and a mention.
HOSTILE = "api\x1b[2J\u202e`</details><img src=x onerror=alert(1)>|x\n# owned [click](https://evil.example) @org/admins\x07"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_preview() -> dict[str, Any]:
    """The changes fixture, a monitor renamed by its URN and given a hostile query, and a hostile stack name."""
    document = load_preview(FIXTURES / "prod-changes.json")
    for step in document["steps"]:
        step["urn"] = step["urn"].replace("urn:pulumi:prod::", "urn:pulumi:prod`<b>\x1b[31m::")
        if step["urn"].endswith("::api-latency-p99"):
            step["urn"] = step["urn"].replace("::api-latency-p99", f"::{HOSTILE}")
            step["newState"] = {**step["newState"], "urn": step["urn"], "type": f"datadog:index/monitor:Monitor{HOSTILE}"}
        if step["urn"].endswith("::api-latency-p95"):
            step["newState"] = json.loads(json.dumps(step["newState"]))
            step["newState"]["inputs"]["query"] = HOSTILE
            step["newState"]["inputs"][f"x{HOSTILE}"] = HOSTILE
    return document


def html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_hostile_names_and_values_stay_text_in_the_markdown_summary() -> None:
    diff = from_preview(hostile_preview())
    markdown = render_markdown(diff)
    assert not CONTROL.search(markdown), repr(CONTROL.search(markdown))
    rendered = html(markdown)
    assert "<img" not in rendered and "<b>" not in rendered and "<h1>" not in rendered and "<a href" not in rendered
    assert rendered.count("</details>") == 1  # ours; the name's own is text
    assert "@org/admins" not in re.sub(r"<code>.*?</code>", "", rendered, flags=re.S)  # a mention only inside code
    assert "\\x1b[2J" in rendered  # shown, visibly, not dropped
    for row in [line for line in markdown.splitlines() if line.startswith("| ")]:
        assert len(re.findall(r"(?<!\\)\|", row)) == 6, row  # five cells: no pipe of a value splits one


def test_hostile_names_reach_a_terminal_without_control_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diff = from_preview(hostile_preview())
    text = render_text(diff)
    assert not CONTROL.search(text) and "\\x1b[2J" in text and "\\u202e" in text
    assert not any(line.startswith("# owned") for line in text.splitlines())
    assert json.loads(render_json(diff))  # JSON escapes by itself
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(hostile_preview()))
    assert main(["preview-summary", str(path)]) == 2
    out = capsys.readouterr().out
    assert not CONTROL.search(out)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("api-errors", "`api-errors`"),
        ("a`b", "`` a`b ``"),
        ("a``b`", "``` a``b` ```"),
        ("line\nnext", "`line\\nnext`"),
        ("\x1b[31m\u202e", "`\\x1b[31m\\u202e`"),
        ("bad\udcff", "`bad\\udcff`"),  # a file name's byte that is not UTF-8, as Python reads it: printable, not an encoding error
    ],
)
def test_a_code_span_holds_any_text(text: str, span: str) -> None:
    assert code(text) == span
    assert html(f"x {code(text)} y") == f"<p>x <code>{printable(text).replace('<', '&lt;')}</code> y</p>\n"


def test_a_plan_as_markdown_and_as_a_table_keeps_hostile_text_as_text() -> None:
    """`vigil plan --format markdown` goes into pull requests too: a description in a monitor's message or query
    (a fork's spec) never becomes markup or a mention; its handles did (`@pagerduty-x` raw pinged a GitHub user)."""
    from vigil.engine import Plan, PlannedResource
    from vigil.render.markdown import render_markdown as plan_markdown
    from vigil.render.table import render_table

    inputs = {"type": "query alert", "query": HOSTILE, "message": "{{#is_alert}}@pagerduty-x{{/is_alert}}", "monitorThresholds": {"critical": "1"}}
    resource = PlannedResource("datadog:index/monitor:Monitor", HOSTILE, None, inputs, {}, True)
    plan = Plan("monitoring", "prod`<b>", (resource,))
    markdown = plan_markdown(plan)
    assert not CONTROL.search(markdown)
    rendered = html(markdown)
    assert "<img" not in rendered and "<b>" not in rendered and "<h1>" not in rendered and "<a href" not in rendered
    assert "@pagerduty-x" not in re.sub(r"<code>.*?</code>", "", rendered, flags=re.S)
    rows = [line for line in markdown.splitlines() if line.startswith("| datadog")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", row)) == 4 for row in rows), rows
    table = render_table(plan)
    assert not CONTROL.search(table) and "\\x1b[2J" in table
