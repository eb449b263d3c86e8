"""Each command, in a fresh process as a user runs it, imports only what it uses: no provider SDK anywhere (the program
registers resources by type token, program/registry.py), nothing of Pulumi to validate a catalog or list stacks, the
replay's numpy where scenarios are replayed, matplotlib only where charts are drawn (docs), tqdm only on a terminal.

Not timed (benchmarks/cli.py measures the commands cold): this keeps the imports that made them slow from coming back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reference import REFERENCE, ROOT

pytestmark = pytest.mark.slow  # end to end: `make test` runs it, `make check` leaves it out

CACHES = str(ROOT / "tests" / "fixtures" / "caches")  # a one-service catalog: replay and docs stay quick
SDKS = {"pulumi_datadog", "pulumi_aws", "pulumiverse_sentry"}
NOT_IMPORTED: list[tuple[list[str], set[str], tuple[int, ...]]] = [
    (["validate"], SDKS | {"pulumi", "grpc", "numpy", "matplotlib", "tqdm"}, (0,)),
    (["stacks"], SDKS | {"pulumi", "grpc", "numpy", "matplotlib", "tqdm"}, (0,)),
    (["plan", "--stack", "prod"], SDKS | {"numpy", "matplotlib", "tqdm"}, (0,)),
    (["replay", "--standard", "--catalog", CACHES], SDKS | {"matplotlib", "tqdm"}, (0,)),
    (["docs", "--check", "--catalog", CACHES], SDKS | {"tqdm"}, (0, 1)),  # 1: the fixture has no generated docs
]
RUN = """
import json, sys
from vigil.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


@pytest.mark.parametrize(("argv", "absent", "codes"), NOT_IMPORTED, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_a_command_in_a_fresh_process_imports_only_what_it_uses(argv: list[str], absent: set[str], codes: tuple[int, ...], tmp_path: Path) -> None:
    report = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(report), *argv], cwd=REFERENCE, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(report.read_text())
    assert found["code"] in codes, done.stderr
    imported = {name.split(".")[0] for name in found["modules"]}
    assert not absent & imported, f"vigil {' '.join(argv)} imported {sorted(absent & imported)}"
    if argv[0] in ("plan", "replay", "docs"):
        assert "pulumi" in imported  # the offline engine runs the program: the test would not see a broken probe
