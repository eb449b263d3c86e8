"""Fixtures for the Datadog tests: the reference catalog's service as each environment sees it, and edits of it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from monitors.common.context import Deployment
from spec import Service, load_catalog
from tests.reference import REFERENCE_CATALOG


@pytest.fixture(scope="session")
def catalog_services() -> dict[str, Service]:
    catalog = load_catalog(REFERENCE_CATALOG, ["dev", "prod"])
    return {env: catalog.for_environment(env)[0] for env in ("dev", "prod")}


@pytest.fixture(scope="session")
def api(catalog_services: dict[str, Service]) -> Service:
    """The operations report's service, as prod sees it."""
    return catalog_services["prod"]


@pytest.fixture(scope="session")
def prod() -> Deployment:
    return Deployment(project="monitoring", stack="prod", environment="prod", production=True)


@pytest.fixture(scope="session")
def dev() -> Deployment:
    return Deployment(project="monitoring", stack="dev", environment="dev", production=False)


@pytest.fixture
def edit(api: Service) -> Callable[[Callable[[dict[str, Any]], None]], Service]:
    """A valid variant of the api service: edit its JSON form, validate it again."""

    def _edit(change: Callable[[dict[str, Any]], None]) -> Service:
        data = copy.deepcopy(api.model_dump(mode="json", exclude_none=True))
        change(data)
        return Service.model_validate(data)

    return _edit
