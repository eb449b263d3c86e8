"""Teams declared once: services inherit their routes (their own win per severity) and tags; the errors around them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spec import SpecErrors, load_catalog
from vigil.cli import main

from .helpers import FIXTURE, ROOT, problems, project, service

TEAM = {
    "teams": {
        "web": {
            "routes": {
                "page": {"datadog": ["@pagerduty-web-team"], "sns": [{"protocol": "email", "endpoint": "team-page@example.com"}]},
                "ticket": {"datadog": ["@slack-web-team"], "sns": [{"protocol": "email", "endpoint": "team@example.com"}]},
            },
            "tags": {"cost-center": "cc-1", "tier": "team-tier"},
            "environments": {"dev": {"routes": {"page": {"datadog": ["@slack-web-dev"], "sns": [{"protocol": "email", "endpoint": "dev@example.com"}]}}}},
        }
    }
}


def test_a_service_inherits_its_teams_routes_and_tags_its_own_winning(tmp_path: Path) -> None:
    own_ticket = {"ticket": {"datadog": ["@slack-web-own"]}}
    root = project(tmp_path, {"teams.yaml": TEAM, "web.yaml": service(routes=own_ticket, tags={"tier": "own"})})
    catalog = load_catalog(root / "catalog", ["dev", "prod"], strict=True)
    dev, prod = catalog.services["dev"]["web"], catalog.services["prod"]["web"]
    assert prod.routes.page is not None and prod.routes.page.datadog == ["@pagerduty-web-team"]
    assert dev.routes.page is not None and dev.routes.page.datadog == ["@slack-web-dev"]  # the team's dev overlay
    assert prod.routes.ticket is not None and prod.routes.ticket.datadog == ["@slack-web-own"]  # replaced whole, per severity
    assert prod.routes.ticket.sns == []
    assert prod.tags == {"cost-center": "cc-1", "tier": "own"}
    assert catalog.inherits_route("web", "prod", "page") and not catalog.inherits_route("web", "prod", "ticket")


def test_an_overlay_removing_a_services_route_falls_back_to_the_teams(tmp_path: Path) -> None:
    web = service(routes={"page": {"datadog": ["@pagerduty-own"]}}, environments={"dev": {"routes": {"page": None}}})
    catalog = load_catalog(project(tmp_path, {"teams.yaml": TEAM, "web.yaml": web}) / "catalog", ["dev", "prod"])
    prod, dev = catalog.services["prod"]["web"].routes.page, catalog.services["dev"]["web"].routes.page
    assert prod is not None and prod.datadog == ["@pagerduty-own"]
    assert dev is not None and dev.datadog == ["@slack-web-dev"]


def test_without_a_teams_file_team_names_are_free(tmp_path: Path) -> None:
    assert problems(project(tmp_path, {"web.yaml": service(team="anyone", alerts={"cpu": {"critical": "90%"}})})) == []


def test_an_unknown_team_is_an_error_at_its_line(tmp_path: Path) -> None:
    found = problems(project(tmp_path, {"teams.yaml": TEAM, "web.yaml": service(team="wbe")}))
    assert any(re.search(r"web\.yaml:2:7: team: unknown team 'wbe'; did you mean 'web'\? teams declared in .*teams\.yaml: web$", e) for e in found), found


def test_a_teams_file_holding_a_service_is_an_error(tmp_path: Path) -> None:
    found = problems(project(tmp_path, {"teams.yaml": service(), "other.yaml": service(service="other")}))
    assert any(
        re.search(r"teams\.yaml:1:1: <teams file>: teams\.yaml declares the catalog's teams: expected a mapping 'teams: .*got a service", e)
        for e in found
    ), found


def test_a_team_declared_twice_is_an_error_at_the_second(tmp_path: Path) -> None:
    found = problems(project(tmp_path, {"teams.yaml": TEAM, "z-teams.yaml": {"teams": {"web": {}}}, "web.yaml": service()}))
    assert any(re.search(r"z-teams\.yaml:2:3: teams\.web: team 'web' is already declared at .*/teams\.yaml:\d+:\d+", e) for e in found), found


@pytest.mark.parametrize(
    ("escalation", "path", "message"),
    [
        ([{"notify": "primary"}, {"notify": "secondary"}], "escalation[1]", "step 2 ('secondary') needs 'after'"),
        ([{"notify": "a"}, {"notify": "b", "after": "30m"}, {"notify": "c", "after": "15m"}], "escalation[2].after", "step 3 comes after 15m, which is not later than step 2's 30m"),
    ],
)
def test_escalation_steps_come_later_and_later(tmp_path: Path, escalation: list[dict[str, str]], path: str, message: str) -> None:
    """Each problem at the step at fault (it was at the first step, the list's line)."""
    teams = {"teams": {"web": {"escalation": escalation}}}
    found = problems(project(tmp_path, {"teams.yaml": teams, "web.yaml": service()}))
    assert any("teams.yaml" in e and f"teams.web.{path}: " in e and message in e for e in found), found


def test_a_route_neither_the_service_nor_its_team_defines(tmp_path: Path) -> None:
    teams = {"teams": {"web": {"routes": {"ticket": {"datadog": ["@slack-web"]}}}}}
    found = problems(project(tmp_path, {"teams.yaml": teams, "web.yaml": service(routes={}, alerts={"cpu": {"critical": "90%"}})}))
    assert any("web.yaml:1:1: <service>: route 'page' is used by alerts.cpu.critical but not defined under routes, nor by team 'web'" in e for e in found), found


def test_a_vendor_rule_on_an_inherited_route_points_at_the_teams_file(tmp_path: Path) -> None:
    teams = {"teams": {"web": {"routes": {"page": {"datadog": ["@pagerduty-web"]}}}}}  # no SNS subscriber for CloudWatch
    found = problems(project(tmp_path, {"teams.yaml": teams, "web.yaml": service(routes={}, alerts={"cpu": {"critical": "90%"}})}, ("datadog", "aws")))
    assert any(
        re.search(r"/teams\.yaml:4:\d+: teams\.web\.routes\.page: .*CloudWatch alarms notify the page route \(web-.*which has no sns subscriber", e)
        for e in found
    ), found


def test_a_team_overlay_for_an_unknown_environment_is_an_error(tmp_path: Path) -> None:
    teams = {"teams": {"web": {"environments": {"staging": {}}}}}
    found = problems(project(tmp_path, {"teams.yaml": teams, "web.yaml": service()}))
    assert any("teams.web.environments.staging: unknown environment" in e for e in found), found


def test_the_teams_schema_is_committed_and_the_fixture_teams_file_uses_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "teams"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert json.loads((ROOT / "schema" / "teams.schema.json").read_text()) == printed, "run `python -m vigil schema teams > schema/teams.schema.json`"
    assert printed["required"] == ["teams"] and printed["additionalProperties"] is False
    assert set(printed["$defs"]["TeamFile"]["properties"]) == {"description", "routes", "escalation", "tags", "environments"}
    assert (FIXTURE / "catalog" / "teams.yaml").read_text().startswith("# yaml-language-server: $schema=../../../../schema/teams.schema.json")


def test_the_fixture_catalog_loads_for_every_environment() -> None:
    catalog = load_catalog(FIXTURE / "catalog", ["dev", "prod"], strict=True)
    assert sorted(catalog.team_declarations) == ["data", "payments"]
    assert catalog.teams["prod"]["payments"].escalation[0].notify.startswith("primary on-call")
    with pytest.raises(SpecErrors):
        load_catalog(FIXTURE / "catalog", ["dev"], strict=True)  # the checkout's prod overlay names an environment dev alone lacks
