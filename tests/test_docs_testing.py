"""docs/testing.md shows the kit's examples exactly as the suite runs them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def included_block(markdown: str, path: str) -> str:
    match = re.search(
        rf"<!-- begin {re.escape(path)} -->\n```python\n(.*?)```\n<!-- end {re.escape(path)} -->", markdown, re.S
    )
    assert match, f"docs/testing.md has no included block for {path}"
    return match.group(1)


def test_testing_doc_shows_the_examples_verbatim() -> None:
    doc = (ROOT / "docs/testing.md").read_text()
    assert included_block(doc, "tests/test_testkit_examples.py") == (ROOT / "tests/test_testkit_examples.py").read_text()


def test_examples_are_tests_pytest_collects() -> None:
    source = (ROOT / "tests/test_testkit_examples.py").read_text()
    names = re.findall(r"^def (test_\w+)\(stack_plan", source, re.M)
    assert len(names) >= 5


def test_included_block_detects_a_changed_example() -> None:
    doc = "<!-- begin x.py -->\n```python\na = 1\n```\n<!-- end x.py -->\n"
    assert included_block(doc, "x.py") == "a = 1\n"
    assert included_block(doc, "x.py") != "a = 2\n"
