"""Every broken spec in tests/corpus/ gives one clear error at the right file:line:column and field path.

Each corpus file starts with `# expect: LINE:COLUMN PATH: MESSAGE FRAGMENT`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from spec import SpecErrors, load_catalog

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CASES = sorted(CORPUS.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (.*?): (.+)$")


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 45


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_spec_reports_location_and_message(case: Path, tmp_path: Path) -> None:
    match = EXPECT.match(case.read_bytes().split(b"\n", 1)[0].decode())  # the rest may be hostile bytes
    assert match, f"{case.name} lacks an '# expect:' header"
    line, column, path, fragment = int(match[1]), int(match[2]), match[3], match[4]
    shutil.copy(case, tmp_path / case.name)
    with pytest.raises(SpecErrors) as caught:
        load_catalog(tmp_path, ["dev", "prod"], strict=True)
    errors = caught.value.errors
    rendered = "\n".join(str(e) for e in errors)
    matching = [e for e in errors if f"{case.name}:{line}:{column}: {path}: " in str(e) and fragment in e.message]
    assert matching, f"expected {line}:{column} {path}: …{fragment}… in:\n{rendered}"
    assert "Traceback" not in rendered
