"""What the typed mirrors of the providers' SDKs share (monitors/datadog/sdk.py, monitors/aws/sdk/, monitors/sentry/sdk.py).

A mirror is a set of frozen dataclasses with the SDK's class names, its snake_case field names and types
(`pulumi.Input[...]`), holding only the fields vigil uses. Why: importing a provider's SDK costs seconds of CPU for
pulumi-datadog (its generated `_inputs` module declares every Args class of the provider), and every SDK imports
`pulumi` itself; the builders and rules need plain typed data, and mypy checks it against the mirror as it would
against the SDK. The program registers each resource by its type token with `inputs(args)`, as Pulumi YAML does
(program/registry.py); tests/program/test_sdk_mirrors.py holds every mirror to its SDK (names, Pulumi names, types,
tokens) and proves that the SDKs' own classes send the engine the very registrations the program sends.

Nothing here imports pulumi at run time: validating a catalog needs none of it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

SECRET = {"secret": True}  # field metadata: the SDK sends the value as a secret and keeps its output secret
JSON = {"json": True}  # field metadata (providers): the SDK sends the value JSON-encoded, as a string
SECRET_JSON = {"secret": True, "json": True}

_HUMP = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """A Python name as Pulumi's codegen derived it from the schema's camelCase name: `monitor_thresholds` →
    `monitorThresholds`, `timeout_h` → `timeoutH`."""
    return _HUMP.sub(lambda m: m.group(1).upper(), name)


def pulumi_name(item: dataclasses.Field[Any]) -> str:
    """The property's name on the wire: its metadata's `pulumi` name, else the camelCase of its Python name."""
    return str(item.metadata.get("pulumi") or camel(item.name))


def inputs(value: Any) -> Any:
    """Args as the SDK serialises them: mirror classes become maps of their Pulumi names (fields left None are
    absent, as the SDK leaves them out), lists and maps are converted inside, anything else (strings, numbers,
    Outputs) stays as it is for the engine to serialise."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for item in dataclasses.fields(value):
            got = getattr(value, item.name)
            if got is not None:
                out[pulumi_name(item)] = inputs(got)
        return out
    if isinstance(value, (list, tuple)):
        return [inputs(v) for v in value]
    if isinstance(value, Mapping):
        return {k: inputs(v) for k, v in value.items()}
    return value


def flagged(args_type: type, flag: str) -> list[str]:
    """The Pulumi names of the fields whose metadata sets `flag` (`secret`, `json`)."""
    return [pulumi_name(item) for item in dataclasses.fields(args_type) if item.metadata.get(flag)]


@dataclass(frozen=True)
class Resource:
    """A resource type: its type token (the SDK class's `pulumi.type_token`), its Args, the output properties the
    program reads of it, and the SDK package whose provider plugin serves it."""

    token: str
    args: type
    outputs: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        return self.token.split(":", 1)[0]


@dataclass(frozen=True)
class Provider:
    """A provider as its SDK's `Provider` class registers it (`pulumi:providers:<package>`): its Args (fields flagged
    `secret` sent as secrets, `json` JSON-encoded, defaults the SDK fills in as field defaults), the distribution
    whose version names the plugin, and where the engine downloads a plugin not published by Pulumi."""

    package: str
    args: type
    distribution: str
    plugin_download_url: Optional[str] = None
