"""Environment overlays: maps merge, lists replace, null removes; the merged result is validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec import SpecErrors, load_catalog
from spec.overlay import merge

from .helpers import service, write_catalog


def test_merge_semantics() -> None:
    base = {"a": {"x": 1, "y": 2}, "l": [1, 2], "gone": {"k": 1}, "keep": 1}
    overlay = {"a": {"y": 3, "z": 4}, "l": [9], "gone": None}
    assert merge(base, overlay) == {"a": {"x": 1, "y": 3, "z": 4}, "l": [9], "keep": 1}
    assert base["a"] == {"x": 1, "y": 2}  # the base is not modified


def test_overlay_applies_per_environment(tmp_path: Path) -> None:
    routes = {"page": {"datadog": ["@pagerduty-web"]}, "ticket": {"datadog": ["@slack-web"]}}
    spec = service(
        routes=routes,
        alerts={"cpu": {"critical": "80%", "warning": "70%"}, "memory": {"critical": "85%"}},
        environments={
            "dev": {"routes": {"page": {"datadog": ["@slack-web-dev"]}}, "alerts": {"memory": None}, "logs": {"retention": "7d"}},
            "prod": {"alerts": {"cpu": {"critical": "90%"}}},
        },
    )
    catalog = load_catalog(write_catalog(tmp_path, spec), ["dev", "prod"], strict=True)
    [dev], [prod] = catalog.for_environment("dev"), catalog.for_environment("prod")
    assert dev.routes.page.datadog == ["@slack-web-dev"] and dev.routes.ticket.datadog == ["@slack-web"]  # type: ignore[union-attr]
    assert dev.alerts.memory is None and prod.alerts.memory is not None
    assert dev.logs.retention_days == 7 and prod.logs.retention_days == 30
    assert str(prod.alerts.cpu.critical) == "90%" and str(prod.alerts.cpu.warning) == "70%"  # type: ignore[union-attr]


def test_environment_without_overlay_gets_the_base(tmp_path: Path) -> None:
    catalog = load_catalog(write_catalog(tmp_path, service()), ["staging"])
    [svc] = catalog.for_environment("staging")
    assert svc.logs.retention_days == 30


def test_overlay_lists_replace_and_positions_point_at_the_overlay(tmp_path: Path) -> None:
    spec = service(
        routes={"page": {"datadog": ["@a"]}},
        health_checks=[{"name": "live", "url": "https://x.example.com/live"}],
        environments={"dev": {"health_checks": [{"name": "live", "url": "http://x.example.com/live"}]}},
    )
    with pytest.raises(SpecErrors) as caught:
        load_catalog(write_catalog(tmp_path, spec), ["dev"])
    [error] = caught.value.errors
    assert error.path == "environments.dev.health_checks[0].url" and "in environment 'dev'" in error.message


def test_overlay_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(SpecErrors) as caught:
        load_catalog(write_catalog(tmp_path, service(environments={"dev": ["x"]})), ["dev"])
    assert [e.path for e in caught.value.errors] == ["environments.dev"]
