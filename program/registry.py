"""Resources and providers registered by type token, as Pulumi YAML does: `pulumi.CustomResource(token, name,
inputs)` with the inputs of the builders' typed mirror Args (monitors/common/sdk.py), instead of the providers' SDK
classes, whose import alone costs seconds (pulumi-datadog: about 5 s of CPU).

What the engine receives is what the SDK's classes would send — the same inputs under the same names, secrets as
secrets, provider settings JSON-encoded where the SDK encodes them, the same plugin version and download URL (read
from the installed SDK's package metadata, not by importing it) — so `pulumi up` loads the same plugins and sees the
same resources; tests/program/test_sdk_mirrors.py proves it for every resource of the fixture projects' plans.
"""

from __future__ import annotations

import dataclasses
import functools
from importlib.metadata import version
from typing import Any, Optional

import pulumi

from monitors.aws import sdk as aws
from monitors.common.sdk import Provider, Resource, flagged, inputs, pulumi_name
from monitors.datadog import sdk as datadog
from monitors.sentry import sdk as sentry

PROVIDERS: dict[str, Provider] = {p.package: p for p in (aws.PROVIDER, datadog.PROVIDER, sentry.PROVIDER)}
PRERELEASE = {"a": "alpha", "b": "beta", "rc": "rc"}


@functools.cache
def plugin_version(distribution: str) -> str:
    """An installed SDK's version as the semver its resources register with, read from its package metadata as its
    `_utilities.py` reads it (PEP 440 → semver: `5.17.0`, `5.18.0-alpha.1`), without importing it."""
    from packaging.version import Version  # pulumi's own dependency, as the SDKs' _utilities.py use it

    pep440 = Version(version(distribution))
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


def _plugin(provider: Provider) -> pulumi.ResourceOptions:
    """The options every resource of a provider's SDK registers with (its `get_resource_opts_defaults`)."""
    return pulumi.ResourceOptions(version=plugin_version(provider.distribution), plugin_download_url=provider.plugin_download_url)


def register(resource: Resource, name: str, args: Any, opts: Optional[pulumi.ResourceOptions] = None) -> pulumi.CustomResource:
    """One resource: its mirror Args' inputs, plus the outputs the program reads (None until the engine knows them)."""
    assert isinstance(args, resource.args), f"{name}: {resource.token} takes {resource.args.__name__}, not {type(args).__name__}"
    props = {**inputs(args), **dict.fromkeys(resource.outputs)}
    return pulumi.CustomResource(resource.token, name, props, pulumi.ResourceOptions.merge(_plugin(PROVIDERS[resource.package]), opts))


def register_provider(provider: Provider, name: str, args: Any) -> pulumi.ProviderResource:
    """A provider as its SDK's `Provider` registers it: fields flagged `json` JSON-encoded, `secret` ones as secrets
    (and their outputs kept secret)."""
    assert isinstance(args, provider.args), f"{name}: provider {provider.package} takes {provider.args.__name__}"
    props: dict[str, Any] = {}
    for item in dataclasses.fields(provider.args):
        value = getattr(args, item.name)
        if value is None:
            continue
        value = inputs(value)
        if item.metadata.get("json"):
            value = pulumi.Output.from_input(value).apply(pulumi.runtime.to_json)
        if item.metadata.get("secret"):
            value = pulumi.Output.secret(value)
        props[pulumi_name(item)] = value
    secret = pulumi.ResourceOptions(additional_secret_outputs=flagged(provider.args, "secret"))
    return pulumi.ProviderResource(provider.package, name, props, pulumi.ResourceOptions.merge(_plugin(provider), secret))
