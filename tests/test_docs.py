"""`vigil docs`: fresh on main (the CI check), stale after a catalog change, anchors for every alert link.

The committed docs/ are generated from the project's own catalog, which is the user's: it is held here only to
invariants (fresh, every link resolves, every alert has its section, runbooks exist). Known values come from the
reference project (tests/fixtures/reference/).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from monitors.common.runbook import anchor
from tests.reference import REFERENCE
from vigil.cli import main
from vigil.docs import DocsInput, collect, generate, stale, write
from vigil.docs.model import DOC_LINK, doc_links, strings
from vigil.docs.slos import budget_words, tier_words
from vigil.docs.words import anchors_of, duration_words, github_slug
from vigil.testkit import stack_plan as plan_of

pytestmark = pytest.mark.slow  # end to end: `make test` runs it, `make check` leaves it out

ROOT = Path(__file__).resolve().parent.parent
product = pytest.mark.product_catalog


def _collect(project: Path) -> DocsInput:
    return collect(project, plan_for=lambda stack: plan_of(stack, project=project).plan)


@pytest.fixture(scope="session")
def docs_input() -> DocsInput:
    """The reference project's docs input: known values."""
    return _collect(REFERENCE)


@pytest.fixture(scope="session")
def generated(docs_input: DocsInput) -> dict[str, str]:
    return generate(docs_input)


Docs = tuple[Path, DocsInput, dict[str, str]]  # a project, what `vigil docs` reads there, what it generates


@pytest.fixture(scope="session")
def product_docs() -> Docs:
    """The project's own catalog and stacks, as `vigil docs` sees them (only for tests marked product_catalog)."""
    inp = _collect(ROOT)
    return ROOT, inp, generate(inp)


@pytest.fixture(params=[pytest.param("product", marks=product), "reference"])
def any_docs(request: pytest.FixtureRequest, docs_input: DocsInput, generated: dict[str, str]) -> Docs:
    """Invariants of generated docs hold for the user's catalog, and for the reference one (where they are not vacuous)."""
    if request.param == "product":
        return request.getfixturevalue("product_docs")  # type: ignore[no-any-return]
    return REFERENCE, docs_input, generated


@product
def test_committed_docs_are_fresh(product_docs: Docs) -> None:
    """What CI runs (`vigil docs --check`), in-process: regenerate with `vigil docs` when this fails."""
    assert stale(ROOT, product_docs[2]) == []


def test_generation_is_deterministic(any_docs: Docs) -> None:
    project, _, generated = any_docs
    assert generate(_collect(project)) == generated


def test_every_link_in_the_plans_points_at_a_generated_anchor(any_docs: Docs) -> None:
    _, docs_input, generated = any_docs
    links = {link for s in docs_input.stacks for r in s.plan.resources for link in doc_links(r)}
    monitors = [r for s in docs_input.stacks for r in s.plan.resources if r.type == "datadog:index/monitor:Monitor"]
    assert links or not monitors, "the plans have monitors but none links its generated doc section"
    for service, section in sorted(links):
        page = generated.get(f"docs/services/{service}.md")
        assert page is not None, f"a resource links docs/services/{service}.md, which is not generated"
        assert section in anchors_of(page), f"docs/services/{service}.md has no anchor #{section}"


def test_every_alert_of_the_spec_has_its_section(any_docs: Docs) -> None:
    """The anchors builders link: one per threshold signal, slo-<name>, health-<name>, service-unhealthy."""
    _, docs_input, generated = any_docs
    for name in docs_input.service_names():
        anchors = anchors_of(generated[f"docs/services/{name}.md"])
        expected = {"service-unhealthy"}
        for _, svc in docs_input.versions(name):
            expected |= {anchor(signal) for signal, _ in svc.alerts.items()}
            expected |= {anchor("slo", s.name) for s in svc.slos} | {anchor("health", c.name) for c in svc.health_checks}
        assert expected - anchors == set()


@product
def test_service_runbooks_in_the_repository_exist(product_docs: Docs) -> None:
    docs_input = product_docs[1]
    for name in docs_input.service_names():
        for _, svc in docs_input.versions(name):
            if not svc.runbook.startswith("https://"):
                assert (ROOT / svc.runbook.split("#")[0]).is_file(), f"{name}: runbook {svc.runbook} does not exist"


def test_docs_check_fails_after_a_threshold_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], generated: dict[str, str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(REFERENCE, project)
    write(project, generated)  # the reference project with its docs committed
    monkeypatch.chdir(project)
    catalog = tmp_path / "catalog"
    shutil.copytree(project / "catalog", catalog)
    spec = yaml.safe_load((catalog / "api.yaml").read_text())
    spec["alerts"]["error_rate"]["critical"] = "2%"
    (catalog / "api.yaml").write_text(yaml.safe_dump(spec))
    capsys.readouterr()
    assert main(["docs", "--check", "--catalog", str(catalog)]) == 1
    assert "stale: docs/services/api.md" in capsys.readouterr().err
    assert main(["docs", "--check"]) == 0


@pytest.mark.parametrize("check", [True, False])
def test_docs_of_a_broken_catalog_exit_2_with_the_problem_and_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], check: bool
) -> None:
    for stack_file in REFERENCE.glob("Pulumi*.yaml"):
        shutil.copy(stack_file, tmp_path)
    catalog = tmp_path / "catalog"
    shutil.copytree(REFERENCE / "catalog", catalog)
    (catalog / "api.yaml").write_text((catalog / "api.yaml").read_text() + "  bogus: [\n")
    monkeypatch.chdir(tmp_path)
    assert main(["docs", *(["--check"] if check else []), "--catalog", str(catalog)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("catalog/api.yaml:") and "invalid YAML" in err[0] and err[1:] == ["1 problem(s) found"]
    assert main(["docs", "--catalog", str(tmp_path / "missing")]) == 2
    assert "catalog folder" in capsys.readouterr().err
    assert not (tmp_path / "docs").exists()


def test_write_then_check_and_orphans(tmp_path: Path, generated: dict[str, str]) -> None:
    (tmp_path / "docs/services").mkdir(parents=True)
    (tmp_path / "docs/services/gone.md").write_text("a removed service\n")
    assert set(stale(tmp_path, generated)) == set(generated) | {"docs/services/gone.md"}
    write(tmp_path, generated)
    assert stale(tmp_path, generated) == []
    assert not (tmp_path / "docs/services/gone.md").exists()
    page = tmp_path / "docs/services/api.md"
    page.write_text(page.read_text().replace("> 1%", "> 2%"))
    assert stale(tmp_path, generated) == ["docs/services/api.md"]


def test_words() -> None:
    assert duration_words(0.001 * 30 * 86400) == "43m 12s"
    assert duration_words(0.01 * 30 * 86400) == "7h 12m"
    assert duration_words(86400 * 2 + 7200) == "2d 2h"
    assert github_slug("error-rate") == "error-rate"
    assert github_slug("Stack `dev`") == "stack-dev"
    assert github_slug("Service level objectives") == "service-level-objectives"
    assert anchors_of("## a\n## a\n```\n## b\n```\n<a id=\"c\"></a>\n") == {"a", "a-1", "c"}


def test_slo_words(docs_input: DocsInput) -> None:
    slo = next(s for s in docs_input.service("api", "prod").slos if s.name == "availability")  # type: ignore[union-attr]
    assert budget_words(slo) == "0.1% of requests may fail: 43m 12s of complete downtime per 30d"
    fast = min(slo.burn_rate, key=lambda t: t.long)
    words = tier_words(slo, fast)
    assert words.startswith("Pages when 2% of the 30d error budget is spent within 1h: burn rate 14.4")
    assert "more than 1.44% of requests failing" in words and "whole budget lasts 2d 2h" in words


def test_doc_links_are_found_anywhere_in_inputs() -> None:
    text = "see https://x/blob/main/docs/services/api.md#slo-availability now"
    assert [(m.group("service"), m.group("anchor")) for m in DOC_LINK.finditer(text)] == [("api", "slo-availability")]
    assert list(strings({"b": ["x", {"c": "y"}], "a": 1})) == ["x", "y"]


def test_pages_document_any_resource_type_that_links_them(docs_input: DocsInput) -> None:
    """Generic over resource types: what the Datadog and CloudWatch builders add lands in the linked sections."""
    from vigil.docs.model import StackDocs
    from vigil.engine import Plan, PlannedResource

    opts = {"protect": False, "retainOnDelete": False, "deleteBeforeReplace": False, "provider": None}
    base = "https://github.com/example/monitoring/blob/main/docs/services/api.md#"

    def r(type_: str, logical: str, **inputs: object) -> PlannedResource:
        return PlannedResource(type_, logical, "api", dict(inputs), dict(opts), True)

    resources = (
        PlannedResource("vigil:index:ServiceMonitoring", "api", None, {}, dict(opts), False),
        r("aws:sns/topic:Topic", "api-page"),
        r("aws:sns/topicSubscription:TopicSubscription", "api-page-email", topic="${api-page.arn}", protocol="email", endpoint="oncall@example.com"),
        r("aws:cloudwatch/metricAlarm:MetricAlarm", "api-cpu-critical", alarmName="api-cpu-critical", alarmActions=["${api-page.arn}"], alarmDescription=f"CPU {base}cpu"),
        r("aws:sns/topic:Topic", "api-deaf"),  # nobody subscribes to it
        r("aws:cloudwatch/metricAlarm:MetricAlarm", "api-latency-p95-critical", alarmName="api-latency-p95-critical", alarmActions=["${api-deaf.arn}"], alarmDescription=f"p95 {base}latency-p95"),
        r("aws:cloudwatch/compositeAlarm:CompositeAlarm", "api-unhealthy", alarmName="api-unhealthy", alarmActions=["${api-page.arn}"], alarmDescription=f"{base}service-unhealthy"),
        r("datadog:index/syntheticsTest:SyntheticsTest", "api-health-live", name="live", message=f"{base}health-live @pagerduty-platform"),
        r("datadog:index/monitor:Monitor", "api-slo-availability-1h", type="slo alert", query="burn_rate(...)", message=f"{base}slo-availability @pagerduty-platform"),
        r("datadog:index/dashboard:Dashboard", "api-dashboard", title="api"),
    )
    fake = tuple(StackDocs(s.stack, s.environment, s.backends, Plan("monitoring", s.stack, resources)) for s in docs_input.stacks)
    page = generate(DocsInput(docs_input.catalog, fake))["docs/services/api.md"]

    def section(anchor_: str) -> str:
        return page.split(f"### {anchor_}\n", 1)[1].split("\n### ", 1)[0]

    assert "`api-cpu-critical`" in section("cpu") and "`email:oncall@example.com`" in section("cpu")
    assert "`api-latency-p95-critical`" in section("latency-p95") and "**nobody**" in section("latency-p95")
    assert "`api-unhealthy`" in section("service-unhealthy")
    assert "`api-health-live`" in section("health-live") and "`api-health-live`" not in section("health-ready")
    assert "`api-slo-availability-1h`" in section("slo-availability")
    assert "`api-dashboard`" in page.split("## Dashboards", 1)[1].split("## Deployed resources", 1)[0]
    assert "`aws:MetricAlarm`" in section("cpu") and "no resource of the planned stacks links this section" in section("memory")


def test_how_fast_it_pages_is_on_every_service_page_with_its_chart(generated: dict[str, str]) -> None:
    pages = {path: text for path, text in generated.items() if path.startswith("docs/services/") and path.endswith(".md") and not path.endswith("README.md")}
    for path, text in pages.items():
        name = path.rsplit("/", 1)[1][: -len(".md")]
        assert "## How fast it pages" in text
        chart = generated.get(f"docs/services/{name}-paging.svg")
        if chart is not None:
            assert f"]({name}-paging.svg)" in text
            assert chart.startswith("<?xml") and "<svg" in chart
            assert "dc:date" not in chart and "Matplotlib v" not in chart  # no dates, no tool stamp: the same bytes each time
            assert "total outage" in chart or "every alert past its threshold" in chart


def test_the_chart_is_the_same_bytes_drawn_twice() -> None:
    from vigil.docs.paging import Panel, Row, draw

    panel = Panel("total outage", (Row("error_rate · Datadog", ((60, 3600),), ((60, "page"),)),), 3600, 7200, 60)
    first, second = draw("api", [panel, panel]), draw("api", [panel, panel])
    assert first == second and "error_rate · Datadog" in first


# --- the pages tell the truth (issue 21, item 5) -------------------------------------------------------------------


def test_the_timing_tables_say_it_in_words(generated: dict[str, str]) -> None:
    page = generated["docs/services/api.md"]
    paging = page.split("## How fast it pages", 1)[1].split("\n## ", 1)[0]
    assert "at its rate" not in paging and "lb outage" not in paging and "*" not in paging.split("\n\n| ", 1)[1].split("\n\n", 1)[0]
    assert "| pages when the last 1h and the last 5m both burn 14.4× too fast | CloudWatch | quiet | quiet | quiet | quiet | borderline |" in paging
    assert "| total outage | load balancer failing |" in paging and "(already told)" in paging


def test_slo_rows_of_the_chart_show_when_someone_was_told(docs_input: DocsInput) -> None:
    """An SLO's tiers tell through the composite over their severity: the chart puts its notifications on the tiers in
    alert then (they showed none before: the composite's own row was never drawn)."""
    from vigil.docs import paging
    from vigil.replay.standard import incident

    (prod,) = [s for s in docs_input.stacks if s.stack == "prod"]
    replay = paging._replay(docs_input, prod, "api")
    assert replay is not None
    panel = paging._panel(replay, incident(replay, "total", paging.OUTAGE_MINUTES, paging.OUTAGE_AFTER), paging.OUTAGE_AFTER, 60)
    told = {row.label: row.told for row in panel.rows}
    for backend in ("Datadog", "CloudWatch"):
        assert [route for _, route in told[f"slo.availability 1h tier · {backend}"]] == ["page"]


def test_maintenance_windows_in_words_and_their_time_zone() -> None:
    from spec.maintenance import MaintenanceWindow
    from vigil.docs.windows import window_words

    def words(**fields: str) -> str:
        return window_words(MaintenanceWindow.model_validate({"name": "win", **fields}))

    assert words(timezone="Europe/London", start="2025-01-05T22:00", duration="3h", rrule="FREQ=WEEKLY;BYDAY=SU") == "Sundays 22:00–01:00 Europe/London, from 2025-01-05"
    assert words(timezone="UTC", start="2025-01-06T02:00", duration="30m", rrule="FREQ=WEEKLY;BYDAY=MO,TH;INTERVAL=2") == "Every 2 weeks on Mondays and Thursdays 02:00–02:30 UTC, from 2025-01-06"
    assert words(timezone="America/New_York", start="2025-01-31T20:00", duration="6h", rrule="FREQ=MONTHLY;BYMONTHDAY=-1").startswith("The last day of every month 20:00–02:00 America/New_York")
    assert words(timezone="UTC", start="2025-01-05T02:00", duration="1h", rrule="FREQ=MONTHLY;BYDAY=1SU;COUNT=3") == "The first Sunday of every month 02:00–03:00 UTC, from 2025-01-05, 3 times"
    assert words(timezone="UTC", start="2025-01-05T02:00", duration="1h", rrule="FREQ=DAILY;UNTIL=20261231T000000Z") == "Every day 02:00–03:00 UTC, from 2025-01-05, until 2026-12-31 (UTC)"
    assert words(timezone="Europe/Berlin", start="2030-03-01T22:00", end="2030-03-02T02:00") == "once: 2030-03-01 22:00 to 2030-03-02 02:00 Europe/Berlin"
    assert words(timezone="UTC", start="2025-01-05T02:00", duration="15m", rrule="FREQ=DAILY;BYHOUR=2,14").startswith("by the rule `FREQ=DAILY;BYHOUR=2,14`")


def test_docs_never_write_or_delete_through_a_symlink(tmp_path: Path) -> None:
    """A checked-out pull request can commit docs/services as a link to any folder, or a page as a link to any file:
    `vigil docs` overwrote the file and deleted the folder's *.md as orphans."""
    from vigil.docs import DocsError

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.md").write_text("mine")
    (outside / "bashrc").write_text("mine")
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "services").symlink_to(outside)
    with pytest.raises(DocsError, match="docs/services is a symlink"):
        write(project, {"docs/services/api.md": "# api\n", "docs/oncall.md": "# on-call\n"})
    assert (outside / "notes.md").read_text() == "mine" and not (outside / "api.md").exists()
    (project / "docs" / "services").unlink()
    (project / "docs" / "services").mkdir()
    (project / "docs" / "services" / "api.md").symlink_to(outside / "bashrc")
    with pytest.raises(DocsError, match=r"docs/services/api\.md is a symlink"):
        write(project, {"docs/services/api.md": "# api\n"})
    assert (outside / "bashrc").read_text() == "mine"
