"""Vendors for the import and drift tests: the reference project's prod plan put into a local Datadog API
(tests/vendors/datadog_server.py, through datadog-api-client) and into moto (through boto3), and a copy of the
reference project to import into."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reference import REFERENCE
from tests.vendors.datadog_server import DatadogServer

from .vendors import create_monitors, moto_composite_alarms, put_alarms

KEYS = {"DD_API_KEY": "test-api-key", "DD_APP_KEY": "test-app-key"}


@pytest.fixture(scope="session")
def prod_plan_document() -> dict[str, Any]:
    from vigil.planning import plan_stack

    return plan_stack(REFERENCE, "prod").to_dict()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the reference project (its catalog holds the api service)."""
    target = tmp_path / "project"
    shutil.copytree(REFERENCE, target)
    return target


@pytest.fixture
def vendors(monkeypatch: pytest.MonkeyPatch, prod_plan_document: dict[str, Any]) -> Iterator[DatadogServer]:
    """Datadog and CloudWatch holding exactly what the reference prod plan deploys (a clean stack)."""
    from moto import mock_aws

    for key, value in {**KEYS, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    moto_composite_alarms()
    with DatadogServer(keys=(KEYS["DD_API_KEY"], KEYS["DD_APP_KEY"])) as server, mock_aws():
        monkeypatch.setenv("VIGIL_DATADOG_API_URL", server.url)
        create_monitors(prod_plan_document, server.url)
        put_alarms(prod_plan_document)
        yield server
