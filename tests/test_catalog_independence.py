"""The suite survives the user's catalog (issue #10, item 1).

Three guards: (1) tests/conftest.py fails any test not marked `product_catalog` that loads the product catalog;
(2) no test file reads a file under the product's catalog/ directly; (3) the invariants the marked tests hold the
product catalog to survive what users do — move a threshold, add a service, replace the catalog with their own (a
teams file, a queue worker, a Lambda function, a table) — followed by `vigil docs`.
`python tests/user_catalog.py threshold --full` (or `services`, `new-user`) runs the whole suite on such a copy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from policy import rules
from spec import load_catalog
from tests.reference import PRODUCT_CATALOG, REFERENCE_CATALOG, ROOT
from tests.test_policies import as_policy_resource
from tests.user_catalog import CHANGES, NEW_USER, copy_project
from vigil.cli import main
from vigil.docs import collect, generate, stale, write
from vigil.docs.signal_tables import refreshed
from vigil.stack_config import stacks
from vigil.testkit import stack_plan

TESTS = ROOT / "tests"
# `ROOT / "catalog"`, `CODE_ROOT / "catalog/api.yaml"`, `project_root / 'catalog'`: a path into the product's catalog
PRODUCT_PATH = re.compile(r"""\b(?:ROOT|CODE_ROOT|parents\[\d\]|parent\.parent)\s*/\s*["']catalog\b""")


def test_an_unmarked_test_cannot_load_the_product_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AssertionError, match="reads the product catalog"):
        load_catalog(PRODUCT_CATALOG)
    monkeypatch.chdir(ROOT)
    with pytest.raises(AssertionError, match="test_an_unmarked_test_cannot_load_the_product_catalog reads the product catalog"):
        main(["validate"])  # the CLI from the project folder reads its catalog
    assert load_catalog(REFERENCE_CATALOG).services  # the reference fixture is always fine


@pytest.mark.product_catalog
def test_a_marked_test_may_load_it() -> None:
    load_catalog(PRODUCT_CATALOG)  # whatever it holds: no assertion on its values


def test_no_test_file_reads_the_product_catalog_directly() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted(TESTS.rglob("*.py"))
        if path not in (Path(__file__), TESTS / "reference.py")  # reference.py: the one home of the product's path
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRODUCT_PATH.search(line)
    ]
    assert offenders == [], "tests read the user's catalog; use tests/reference.py:\n" + "\n".join(offenders)


def test_the_pattern_finds_product_paths() -> None:
    assert PRODUCT_PATH.search('text = (ROOT / "catalog" / "api.yaml").read_text()')
    assert PRODUCT_PATH.search("load_catalog(Path(__file__).resolve().parents[2] / 'catalog')")
    assert not PRODUCT_PATH.search('(PROJECT / "catalog" / "api.yaml")')
    assert not PRODUCT_PATH.search('(repo / "catalog/api.yaml")')


@pytest.mark.slow
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_invariants_hold_after_a_users_change_and_vigil_docs(
    change: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the product_catalog tests check — the catalog validates, committed docs are fresh, the policies hold for
    every stack — on a copy of the project changed as a user would change it, after `vigil docs`. Each stack is planned
    once: the docs are written from the plans the policies read (as `vigil docs` writes them), and the generation is
    proved deterministic by tests/test_docs.py; `python tests/user_catalog.py <change> --full` runs the whole suite."""
    copy_project(tmp_path)
    done = CHANGES[change](tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 0, capsys.readouterr().err
    plans = {stack: stack_plan(stack, project=tmp_path) for stack in stacks(tmp_path)}
    files = {**generate(collect(tmp_path, plan_for=lambda stack: plans[stack].plan)), **refreshed(tmp_path)}
    write(tmp_path, files)  # `vigil docs`, as docs/oncall.md tells users to run
    assert stale(tmp_path, files) == []  # what `vigil docs --check` then checks
    services = {name for plan in plans.values() for name in plan.services()}
    assert all(f"docs/services/{name}.md" in files for name in services), done
    for stack, plan in plans.items():
        assert rules.check_stack([as_policy_resource(r) for r in plan.resources if r.custom], rules.read_config()) == [], f"{done}: {stack}"


def test_a_new_users_catalog_is_one_the_suite_has_not_seen() -> None:
    """The new-user change is a catalog with a teams file, a queue worker, a Lambda function and a DynamoDB table, none
    of them writing `logs` (issue 21): what the suite must hold for, whatever the product catalog holds."""
    documents = {path.name: yaml.safe_load(path.read_text()) for path in NEW_USER.glob("*.yaml")}
    assert "teams" in documents.pop("teams.yaml")
    sources = [doc["sources"]["aws"] for doc in documents.values()]
    assert any("sqs" in s for s in sources) and any("lambda_function" in s for s in sources) and any("dynamodb" in s for s in sources)
    assert not any("logs" in doc for doc in documents.values())
