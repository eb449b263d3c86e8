"""The Datadog mirror (monitors/datadog/sdk.py) held to the SDK it mirrors: the one module of the project that imports
pulumi_datadog (about 5 s of CPU, paid once by the process that runs it).

1. Every mirror class and field exists in the SDK under the same names, with the same Pulumi (wire) name, the same
   type and the same required-ness; the resources' type tokens and the outputs the program reads are the SDK's.
2. Every Datadog resource and the provider of the fixture projects' plans, declared through the SDK's own classes
   (`pulumi_datadog.Monitor(name, **args, opts=opts)`, the Args the SDK's own classes) instead of by type token,
   send the engine the very same registration: inputs byte for byte (secrets as secrets), dependencies, provider,
   plugin version. So every planned input is one the provider's SDK accepts and sends as the program does.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any, Optional

import pulumi
import pulumi_datadog
import pytest
from google.protobuf import json_format
from pulumi import _types
from pulumi.type_token import get_type_token

import program.datadog_resources as datadog_resources
import program.providers as providers
from monitors.datadog import sdk
from tests.reference import REFERENCE, ROOT
from vigil import engine
from vigil.planning import plan_checked
from vigil.project import check_rules, load_project

FIXTURES = ROOT / "tests" / "fixtures"
# (project, stack, catalog): every fixture catalog that plans Datadog resources
PLANS: list[tuple[Path, str, Optional[Path]]] = [
    (REFERENCE, "dev", None),
    (REFERENCE, "prod", None),
    (FIXTURES / "families", "dev", None),
    (FIXTURES / "families", "prod", None),
    (FIXTURES / "teams", "dev", None),
    (FIXTURES / "teams", "prod", None),
    *((REFERENCE, "prod", FIXTURES / name) for name in ("alerts", "backends", "caches", "signals", "words", "replay")),
]

MIRRORED = [c for c in vars(sdk).values() if inspect.isclass(c) and dataclasses.is_dataclass(c) and c.__name__.endswith("Args")]
INPUT_NAMES = {"Output": pulumi.Output, "T": Any}  # what `pulumi.Input`'s forward reference `Output[T]` names
RESOURCES = [r for r in vars(sdk).values() if isinstance(r, sdk.Resource)]


# ---- 1. the mirror's names and types are the SDK's ------------------------------------------------------------------


def shape(hint: Any) -> str:
    """A type as `str`, `int`, `list[str]`, `MonitorMonitorThresholdsArgs`: the value inside `Optional[Input[...]]`,
    whether written as the SDK writes it (forward references) or as the mirror does (classes)."""
    if isinstance(hint, typing.ForwardRef):
        return hint.__forward_arg__
    if isinstance(hint, str):
        return hint
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        members = [
            a
            for a in typing.get_args(hint)
            if a is not type(None)
            and typing.get_origin(a) not in (Awaitable, pulumi.Output)
            and not (isinstance(a, typing.ForwardRef) and a.__forward_arg__.startswith("Output["))
        ]
        assert len(members) == 1, hint
        return shape(members[0])
    if origin is not None and issubclass(origin, typing.Sequence):  # type: ignore[arg-type]
        return f"list[{shape(typing.get_args(hint)[0])}]"
    return str(hint.__name__)


@pytest.mark.parametrize("mirror", MIRRORED, ids=lambda c: c.__name__)
def test_every_mirror_field_is_the_sdks_with_its_name_type_and_required_ness(mirror: type) -> None:
    theirs = getattr(pulumi_datadog, mirror.__name__)
    wire = _types.input_type_py_to_pulumi_names(theirs)
    parameters = inspect.signature(theirs.__init__).parameters
    hints = typing.get_type_hints(mirror, localns=INPUT_NAMES)
    for item in dataclasses.fields(mirror):
        assert item.name in parameters, f"{mirror.__name__}.{item.name} is no field of the SDK's"
        assert sdk.pulumi_name(item) == wire[item.name], f"{mirror.__name__}.{item.name}"
        assert shape(hints[item.name]) == shape(parameters[item.name].annotation), f"{mirror.__name__}.{item.name}"
        required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        assert required == (parameters[item.name].default is inspect.Parameter.empty), f"{mirror.__name__}.{item.name}"
    required_by_sdk = {n for n, p in parameters.items() if n != "__self__" and p.default is inspect.Parameter.empty}
    assert required_by_sdk <= {f.name for f in dataclasses.fields(mirror)}, f"{mirror.__name__} lacks a required field"


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.token)
def test_every_resource_token_and_output_is_the_sdks(resource: sdk.Resource) -> None:
    theirs = getattr(pulumi_datadog, resource.args.__name__.removesuffix("Args"))
    assert get_type_token(theirs) == resource.token
    assert getattr(pulumi_datadog, resource.args.__name__) is not None
    for name in resource.outputs:
        assert isinstance(getattr(theirs, name, None), property), f"{resource.token} has no output {name}"


def test_the_provider_is_the_sdks_and_sends_only_strings() -> None:
    """The SDK JSON-encodes a provider's other inputs: the registration by token sends them as they are, so every
    mirrored provider field must be a string."""
    assert all(shape(h) == "str" for h in typing.get_type_hints(sdk.ProviderArgs, localns=INPUT_NAMES).values())
    assert datadog_resources.plugin_version() == pulumi_datadog._utilities.get_version()
    assert set(sdk.secrets(sdk.ProviderArgs)) == {"apiKey", "appKey"}


def test_the_mirror_names_fields_as_pulumis_codegen_does() -> None:
    assert [sdk.camel(n) for n in ("monitor_thresholds", "timeout_h", "notify_bies", "name")] == [
        "monitorThresholds",
        "timeoutH",
        "notifyBies",
        "name",
    ]


# ---- 2. the plans' registrations are the SDK's ---------------------------------------------------------------------


def to_sdk(value: Any) -> Any:
    """A mirror value as the SDK's own Args (each class by its name), lists inside converted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        theirs = getattr(pulumi_datadog, type(value).__name__)
        return theirs(**{f.name: to_sdk(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, (list, tuple)):
        return [to_sdk(v) for v in value]
    return value


def sdk_register(resource: sdk.Resource, name: str, args: Any, opts: Optional[pulumi.ResourceOptions] = None) -> pulumi.CustomResource:
    theirs = getattr(pulumi_datadog, resource.args.__name__.removesuffix("Args"))
    return theirs(name, to_sdk(args), opts=opts)  # type: ignore[no-any-return]


def sdk_provider(name: str, args: sdk.ProviderArgs) -> pulumi.ProviderResource:
    return pulumi_datadog.Provider(name, **{f.name: getattr(args, f.name) for f in dataclasses.fields(args)})


def registrations(project: Path, stack: str, catalog: Optional[Path], monkeypatch: pytest.MonkeyPatch, through_sdk: bool) -> dict[tuple[str, str], str]:
    """The Datadog registration requests of a plan, as the engine receives them (a source position aside), by (type,
    name); dependencies sorted (the SDK sends a set); secret outputs only of the inputs sent (the SDK names every
    secret its provider has)."""
    seen: dict[tuple[str, str], str] = {}
    recording = engine._RecordingMonitor.RegisterResource

    def register(self: Any, request: Any) -> Any:
        if request.type.startswith(("datadog:", "pulumi:providers:datadog")):
            copy = type(request)()
            copy.CopyFrom(request)
            copy.ClearField("sourcePosition")
            sent = set(json_format.MessageToDict(request.object))
            del copy.additionalSecretOutputs[:]
            copy.additionalSecretOutputs.extend(sorted(sent & set(request.additionalSecretOutputs)))
            for urns in [copy.dependencies, *(d.urns for d in copy.propertyDependencies.values())]:  # sets, sent in any order
                urns.sort()
            seen[(request.type, request.name)] = json_format.MessageToJson(copy, sort_keys=True)
        return recording(self, request)

    with monkeypatch.context() as patch:
        patch.setattr(engine._RecordingMonitor, "RegisterResource", register)
        if through_sdk:
            patch.setattr(datadog_resources, "register", sdk_register)
            patch.setattr(providers, "datadog_provider", sdk_provider)
        loaded, targets = load_project(project, catalog)
        (target,) = [t for t in targets if t.stack == stack]
        check_rules(loaded, [target], None)
        plan_checked(project, loaded, target)
    return seen


@pytest.fixture(params=PLANS, ids=lambda p: f"{p[0].name}-{p[1]}" + (f"-{p[2].name}" if p[2] else ""))
def both(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]]:
    project, stack, catalog = request.param
    yield registrations(project, stack, catalog, monkeypatch, False), registrations(project, stack, catalog, monkeypatch, True)


def test_every_datadog_registration_is_the_one_the_sdks_classes_send(both: tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]) -> None:
    ours, theirs = both
    assert any(t.startswith("datadog:") for t, _ in ours), "the fixture plans Datadog resources"
    assert ("pulumi:providers:datadog", "datadog") in ours
    assert sorted(ours) == sorted(theirs)
    for key in ours:
        assert ours[key] == theirs[key], key
