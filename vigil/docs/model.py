"""What the docs are generated from: the catalog for every environment, and the offline plan of every stack."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

from monitors.common.context import Deployment
from spec import Catalog, Service
from spec.service import Backend

from ..engine import Plan, PlannedResource

DOC_LINK = re.compile(r"docs/services/(?P<service>[A-Za-z0-9_.\-]+)\.md#(?P<anchor>[A-Za-z0-9_\-]+)")


@dataclass(frozen=True)
class StackDocs:
    stack: str
    environment: str
    backends: tuple[Backend, ...]
    plan: Plan
    services: Optional[frozenset[str]] = None  # the services the stack deploys (monitoring:teams/services); None: all
    deployment: Optional[Deployment] = None  # what the program deployed for (the replay of "How fast it pages")

    def deploys(self, service: str) -> bool:
        return self.services is None or service in self.services


@dataclass(frozen=True)
class DocsInput:
    catalog: Catalog
    stacks: tuple[StackDocs, ...]  # sorted by stack name

    @property
    def environments(self) -> tuple[str, ...]:
        return self.catalog.environments

    def service_names(self) -> list[str]:
        return sorted({name for env in self.environments for name in self.catalog.services.get(env, {})})

    def service(self, name: str, environment: str) -> Optional[Service]:
        return self.catalog.services.get(environment, {}).get(name)

    def backends_of(self, service: Service, environment: str) -> set[str]:
        """The backends that monitor the service in the environment's stacks."""
        return {b for stack in self.stacks if stack.environment == environment for b in service.monitored_by(stack.backends)}

    def versions(self, name: str) -> list[tuple[str, Service]]:
        """(environment, service) for every environment that has the service."""
        return [(env, svc) for env in self.environments if (svc := self.service(name, env)) is not None]

    def stacks_of(self, environment: str) -> list[StackDocs]:
        return [s for s in self.stacks if s.environment == environment]

    def stacks_deploying(self, service: str) -> list[StackDocs]:
        """The stacks that deploy the service: every stack, unless stacks select part of the catalog."""
        return [s for s in self.stacks if s.deploys(service)]

    def resources(self, service: str) -> list[tuple[StackDocs, PlannedResource]]:
        """Every custom resource a stack declares for the service, by stack then (type, name)."""
        return [
            (stack, r) for stack in self.stacks for r in stack.plan.resources if r.custom and stack.plan.service_of(r) == service
        ]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from strings(value[key])
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def doc_links(resource: PlannedResource) -> list[tuple[str, str]]:
    """(service, anchor) of every link to a generated service page in the resource's inputs."""
    found = {(m.group("service"), m.group("anchor")) for text in strings(resource.inputs) for m in DOC_LINK.finditer(text)}
    return sorted(found)
