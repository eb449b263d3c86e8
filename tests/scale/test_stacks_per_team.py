"""Stacks per team: `monitoring:teams` / `monitoring:services` select part of the catalog; every service is
deployed by exactly one stack per environment, checked; plan, docs and `vigil stacks` follow the selection."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from program.settings import SettingsError, parse_settings
from spec import SpecErrors, load_catalog
from vigil.cli import main
from vigil.engine import SERVICE_COMPONENT, Plan, run_offline
from vigil.planning import offline_config, plan_stack
from vigil.project import check_catalog, stack_target

from .helpers import FIXTURE, TEAM_STACKS, WHOLE_STACKS, line_of, make_project

PROVIDER = "pulumi:providers:aws"


def catalog(environment: str) -> list[Any]:
    return load_catalog(FIXTURE, ["dev", "prod"]).for_environment(environment)


def components(plan: Plan) -> set[str]:
    return {r.name for r in plan.resources if r.type == SERVICE_COMPONENT}


def own(plan: Plan, service: str) -> list[dict[str, Any]]:
    return [r.to_dict() for r in plan.resources if plan.service_of(r) == service]


@pytest.fixture(scope="module")
def team_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("teams"), TEAM_STACKS)


@pytest.fixture(scope="module")
def whole_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("whole"), WHOLE_STACKS)


@functools.cache
def planned(project: Path, stack: str) -> Plan:
    return plan_stack(project, stack)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_team_stacks_split_the_catalog_and_declare_what_one_stack_would(team_project: Path, whole_project: Path, environment: str) -> None:
    services = catalog(environment)
    whole = planned(whole_project, environment)
    seen: set[str] = set()
    for stack, settings in TEAM_STACKS.items():
        if settings["environment"] != environment:
            continue
        plan = planned(team_project, stack)
        mine = {s.service for s in services if s.team in settings["teams"]}
        assert components(plan) == mine and mine
        assert not seen & mine
        seen |= mine
        for service in mine:  # a service's resources do not depend on which stack deploys it
            assert own(plan, service) == own(whole, service)
        ours = [s for s in services if s.service in mine and s.sources.aws]
        regions = {s.sources.aws.region for s in ours if s.sources.aws} | ({"us-east-1"} if any(s.health_checks for s in ours) else set())
        assert {r.name for r in plan.resources if r.type == PROVIDER} == {f"aws-{region}" for region in regions}
    assert seen == {s.service for s in services}


def test_teams_and_services_combine(tmp_path: Path) -> None:
    services = catalog("prod")
    team = services[0].team
    other = next(s.service for s in services if s.team != team)
    project = make_project(
        tmp_path,
        {
            "prod-a": {"environment": "prod", "teams": [team], "services": [other]},
            "prod-b": {"environment": "prod", "teams": sorted({s.team for s in services} - {team})},
            "dev": {"environment": "dev"},
        },
    )
    # prod-b would deploy `other` too: a service in two stacks is an error
    with pytest.raises(SpecErrors) as raised:
        plan_stack(project, "prod-a")
    (error,) = raised.value.errors
    assert error.location is not None and error.location.file.endswith(f"{other}.yaml")
    assert "deployed by 2 stacks of environment 'prod'" in error.message and "prod-a" in error.message and "prod-b" in error.message
    # listed by name in prod-a only: prod-a deploys its team's services and that one
    (project / "Pulumi.prod-b.yaml").unlink()
    selected = {s.service for s in services if s.team == team} | {other}
    assert selected != {s.service for s in services}
    missing = sorted({s.service for s in services} - selected)
    with pytest.raises(SpecErrors) as raised:
        plan_stack(project, "prod-a")
    assert sorted(Path(e.location.file).stem for e in raised.value.errors if e.location) == missing
    assert all("deployed by no stack of environment 'prod'" in e.message for e in raised.value.errors)


def test_a_service_no_stack_deploys_is_an_error_at_its_team(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stacks = {name: settings for name, settings in TEAM_STACKS.items() if "discovery" not in name}
    project = make_project(tmp_path, stacks)
    monkeypatch.chdir(project)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    for service in (s for s in catalog("prod") if s.team == "discovery"):
        path = project / "catalog" / f"{service.service}.yaml"
        line = line_of(path, "team:")
        column = path.read_text().splitlines()[line - 1].index(service.team) + 1  # the value's position
        for environment in ("dev", "prod"):
            assert f"catalog/{service.service}.yaml:{line}:{column}: team: deployed by no stack of environment '{environment}'" in err
    assert "Traceback" not in err


def test_an_unknown_team_is_an_error_at_the_stack_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    stacks = dict(TEAM_STACKS)
    stacks["prod-payments"] = {"environment": "prod", "teams": ["paymnts"]}
    project = make_project(tmp_path, stacks)
    monkeypatch.chdir(project)
    assert main(["plan", "--stack", "prod-discovery"]) == 2  # every stack's selection is checked
    err = capsys.readouterr().err
    line = line_of(project / "Pulumi.prod-payments.yaml", "monitoring:teams")  # the key, indented under config:
    assert f"Pulumi.prod-payments.yaml:{line}:3: monitoring:teams: names paymnts: no service of environment 'prod' has that team" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ['"payments"', "[]", "[1]", '[""]', "not json", '{"a": 1}'])
def test_a_selection_is_a_non_empty_list_of_names(value: str) -> None:
    with pytest.raises(SettingsError, match="monitoring:teams must be a non-empty list of names"):
        parse_settings(lambda key: value if key == "teams" else None, "prod")


def test_a_selection_parses_to_sorted_names() -> None:
    settings = parse_settings(lambda key: {"teams": '["b", "a", "b"]', "services": '["x"]'}.get(key), "prod")
    assert (settings.teams, settings.services) == (("a", "b"), ("x",))
    assert parse_settings(lambda key: None, "prod").teams == ()


def test_the_program_selects_alone_as_under_pulumi_up(team_project: Path) -> None:
    """`pulumi up` runs `program.run()` with nothing handed in: it loads, selects and checks by itself."""
    import program

    target = stack_target(team_project, "prod-payments")
    services = [s for s in catalog("prod") if s.team == "payments"]
    from program.settings import required_secrets

    config = offline_config(target.config, required_secrets(target.settings, services))
    alone = run_offline(program.run, config, team_project)
    assert alone.to_dict() == planned(team_project, "prod-payments").to_dict()


def test_plan_of_some_services_of_a_stack(team_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    full = planned(team_project, "prod-payments")
    name = sorted(components(full))[0]
    part = plan_stack(team_project, "prod-payments", services=[name])
    assert components(part) == {name}
    assert own(part, name) == own(full, name)
    shared = [r.to_dict() for r in full.resources if r.parent is None and r.type != SERVICE_COMPONENT]
    assert [r.to_dict() for r in part.resources if r.parent is None and r.type != SERVICE_COMPONENT] == shared
    monkeypatch.chdir(team_project)
    other = next(s.service for s in catalog("prod") if s.team != "payments")
    assert main(["plan", "--stack", "prod-payments", "--service", other]) == 2
    assert f"stack 'prod-payments' does not deploy {other}" in capsys.readouterr().err


def test_vigil_stacks_lists_what_each_stack_deploys(team_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(team_project)
    assert main(["stacks", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["stack"] for row in rows] == sorted(TEAM_STACKS)
    for row in rows:
        settings = TEAM_STACKS[row["stack"]]
        assert row["environment"] == settings["environment"] and row["teams"] == settings["teams"]
        assert row["services"] == [s.service for s in catalog(row["environment"]) if s.team in settings["teams"]]
    assert main(["stacks", "--environment", "prod", "--format", "json"]) == 0
    assert {row["stack"] for row in json.loads(capsys.readouterr().out)} == {"prod-payments", "prod-discovery"}


def test_docs_name_the_stacks_that_deploy_each_service(team_project: Path) -> None:
    from vigil.docs import collect, generate

    loaded, _ = check_catalog(team_project)
    inputs = collect(team_project, plan_for=lambda stack: planned(team_project, stack))
    files = generate(inputs)
    for service in catalog("prod"):
        page = files[f"docs/services/{service.service}.md"]
        for stack, settings in TEAM_STACKS.items():
            deploys = service.team in settings["teams"]
            assert (f"### Stack `{stack}`" in page) == deploys, (service.service, stack)
    assert loaded.environments == ("dev", "prod")
