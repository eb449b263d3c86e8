"""Declares a service's Datadog resources (program/datadog_walk.py) as children of its component, and the Datadog
provider, by type token, as Pulumi YAML does: `pulumi.CustomResource("datadog:index/monitor:Monitor", name, inputs)`.

The builders' Args are the typed mirror of the SDK's (monitors/datadog/sdk.py); their inputs are what the SDK's own
classes would send (tests/program/test_datadog_sdk_mirror.py proves it on every fixture plan), and every resource
and the provider register with the installed pulumi-datadog's plugin version, as the SDK's do, so `pulumi up` loads
the same plugin. Importing pulumi_datadog itself (about 5 s of CPU) is left to the test that proves it.
"""

from __future__ import annotations

import functools
from importlib.metadata import version
from typing import Any, Optional

import pulumi

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from monitors.datadog import sdk as datadog
from spec import Service

from .datadog_walk import declare_service

RESOURCES: dict[str, datadog.Resource] = {
    "monitor": datadog.Monitor,
    "slo": datadog.ServiceLevelObjective,
    "synthetic": datadog.SyntheticsTest,
    "datadog_dashboard": datadog.Dashboard,
    "downtime": datadog.DowntimeSchedule,
}


PRERELEASE = {"a": "alpha", "b": "beta", "rc": "rc"}


@functools.cache
def plugin_version() -> str:
    """The installed pulumi-datadog's version as the semver its resources register with, read from the package's
    metadata as its `_utilities.py` reads it (PEP 440 → semver: `5.17.0`, `5.18.0-alpha.1`), without importing it."""
    from packaging.version import Version  # the SDK's own dependency, as its _utilities.py uses it

    pep440 = Version(version("pulumi_datadog"))
    major, minor, patch = (*pep440.release, 0, 0)[:3]
    pre: Optional[str] = None
    if pep440.pre is not None:
        tag, number = pep440.pre
        pre = f"{PRERELEASE[tag]}.{number}"
    elif pep440.dev is not None:
        pre = f"dev.{pep440.dev}"
    elif pep440.local is not None:
        pre = pep440.local
    return f"{major}.{minor}.{patch}" + (f"-{pre}" if pre else "")


def register(
    resource: datadog.Resource, name: str, args: Any, opts: Optional[pulumi.ResourceOptions] = None
) -> pulumi.CustomResource:
    """One Datadog resource: its mirror Args' inputs, plus the outputs the program reads (None until known)."""
    assert isinstance(args, resource.args), f"{name}: {resource.token} takes {resource.args.__name__}, not {type(args).__name__}"
    props = {**datadog.inputs(args), **dict.fromkeys(resource.outputs)}
    defaults = pulumi.ResourceOptions(version=plugin_version())
    return pulumi.CustomResource(resource.token, name, props, pulumi.ResourceOptions.merge(defaults, opts))


def datadog_provider(name: str, args: datadog.ProviderArgs) -> pulumi.ProviderResource:
    """The Datadog provider as the SDK's `datadog.Provider` registers it: secrets sent and kept as secrets."""
    secret = set(datadog.secrets(datadog.ProviderArgs))
    props = {k: pulumi.Output.secret(v) if k in secret else v for k, v in datadog.inputs(args).items()}
    opts = pulumi.ResourceOptions(version=plugin_version(), additional_secret_outputs=sorted(secret))
    return pulumi.ProviderResource(datadog.PROVIDER_PACKAGE, name, props, opts)


def declare_datadog(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, provider: pulumi.ProviderResource
) -> dict[str, pulumi.Input[object]]:
    opts = pulumi.ResourceOptions(parent=parent, provider=provider)

    def declare(declaration: Declaration) -> Ref:
        resource = register(RESOURCES[declaration.kind], declaration.logical, declaration.args, opts)
        return Ref(id=resource.id, arn=resource.id, url=getattr(resource, "url", None))

    return declare_service(service, deployment, declare)
