"""The typed mirrors of the providers' SDKs (monitors/common/sdk.py) held to the SDKs themselves. The one module of the
project that imports pulumi_datadog, pulumi_aws and pulumiverse_sentry (about 6 s of CPU, paid once by the process).

1. Every mirror class and field exists in its SDK under the same names, with the same Pulumi (wire) name, the same
   type and the same required-ness; the resources' type tokens, the outputs the program reads, the providers'
   secrets, plugin versions and download URLs are the SDKs'.
2. Every resource and provider of the fixture projects' plans, declared through the SDKs' own classes
   (`pulumi_datadog.Monitor(name, args, opts=opts)` with the SDK's Args, `pulumi_aws.Provider(name, **args)`) instead
   of by type token, sends the engine the very same registration: inputs byte for byte (secrets as secrets, provider
   settings JSON-encoded as the SDK encodes them, the SDK's own defaults), dependencies, parent, provider, plugin
   version and download URL. So every planned input is one the provider's SDK accepts and sends as the program does.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import shutil
import types
import typing
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any, Optional

import pulumi
import pytest
from google.protobuf import json_format
from pulumi import _types
from pulumi.type_token import get_type_token

import monitors.aws.sdk
import monitors.aws.sdk.cloudwatch
import monitors.aws.sdk.route53
import monitors.aws.sdk.sns
import monitors.datadog.sdk
import monitors.sentry.sdk
from monitors.common.sdk import Provider, Resource, camel, flagged, pulumi_name
from program import registry
from tests.reference import REFERENCE, ROOT
from vigil import engine
from vigil.planning import plan_checked
from vigil.project import check_rules, load_project
from vigil.testkit import stack_plan

# each mirror module and the SDK module it mirrors
# Each mirror and the SDK module it mirrors, by name: the SDKs are imported when a test first asks for one, so a test
# process that only collects this module (every pytest-xdist worker does) does not pay for them.
MIRRORS: dict[types.ModuleType, str] = {
    monitors.datadog.sdk: "pulumi_datadog",
    monitors.aws.sdk: "pulumi_aws",
    monitors.aws.sdk.cloudwatch: "pulumi_aws.cloudwatch",
    monitors.aws.sdk.sns: "pulumi_aws.sns",
    monitors.aws.sdk.route53: "pulumi_aws.route53",
    monitors.sentry.sdk: "pulumiverse_sentry",
}
SDKS = registry.PROVIDERS
SDK_ROOTS = {"datadog": "pulumi_datadog", "aws": "pulumi_aws", "sentry": "pulumiverse_sentry"}


def sdk(mirror: Any) -> Any:
    """The SDK module a mirror module mirrors, or the root SDK module of a provider package (`datadog`), imported."""
    return importlib.import_module(MIRRORS[mirror] if isinstance(mirror, types.ModuleType) else SDK_ROOTS[mirror])

CLASSES = [
    (mirror, c)
    for mirror in MIRRORS
    for c in vars(mirror).values()
    if inspect.isclass(c) and dataclasses.is_dataclass(c) and c.__module__ == mirror.__name__
]
RESOURCES = [(mirror, r) for mirror in MIRRORS for r in vars(mirror).values() if isinstance(r, Resource)]
HINT_NAMES = {"pulumi": pulumi, "Output": pulumi.Output, "T": Any}  # what the hints name (`Input`'s `Output[T]`)


def sdk_class(mirror_class: type) -> Any:
    return getattr(sdk(inspect.getmodule(mirror_class)), mirror_class.__name__)


# ---- 1. the mirrors' names and types are the SDKs' ------------------------------------------------------------------


def shape(hint: Any) -> str:
    """A type as `str`, `int`, `list[str]`, `map[str]`, `MonitorMonitorThresholdsArgs`: the value inside
    `Optional[Input[...]]`, whether written as the SDK writes it (forward references) or as the mirror does."""
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
    if origin is not None and issubclass(origin, typing.Mapping):  # type: ignore[arg-type]
        return f"map[{shape(typing.get_args(hint)[1])}]"
    if origin is not None and issubclass(origin, typing.Sequence):  # type: ignore[arg-type]
        return f"list[{shape(typing.get_args(hint)[0])}]"
    return str(hint.__name__)


@pytest.mark.parametrize(("mirror", "cls"), CLASSES, ids=lambda c: getattr(c, "__name__", ""))
def test_every_mirror_field_is_the_sdks_with_its_name_type_and_required_ness(mirror: types.ModuleType, cls: type) -> None:
    theirs = sdk_class(cls)
    wire = _types.input_type_py_to_pulumi_names(theirs)
    parameters = inspect.signature(theirs.__init__).parameters
    hints = typing.get_type_hints(cls, localns=HINT_NAMES)
    for item in dataclasses.fields(cls):
        where = f"{mirror.__name__}.{cls.__name__}.{item.name}"
        assert item.name in parameters, f"{where} is no field of {theirs.__module__}.{theirs.__name__}"
        assert pulumi_name(item) == wire[item.name], where
        assert shape(hints[item.name]) == shape(parameters[item.name].annotation), where
        required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        assert required == (parameters[item.name].default is inspect.Parameter.empty), where
    required_by_sdk = {n for n, p in parameters.items() if n != "__self__" and p.default is inspect.Parameter.empty}
    assert required_by_sdk <= {f.name for f in dataclasses.fields(cls)}, f"{cls.__name__} lacks a field the SDK requires"


def sdk_token(cls: type) -> Optional[str]:
    """The type token an SDK class registers with: its `pulumi.type_token`, or (older code generators) the one its
    constructor passes on."""
    found = get_type_token(cls)
    if found is None:
        match = re.search(r"super\(\w+, __self__\).__init__\(\s*'([^']+)'", inspect.getsource(cls))
        found = match.group(1) if match else None
    return found


@pytest.mark.parametrize(("mirror", "resource"), RESOURCES, ids=lambda r: getattr(r, "token", ""))
def test_every_resource_token_and_output_is_the_sdks(mirror: types.ModuleType, resource: Resource) -> None:
    theirs = getattr(sdk(mirror), resource.args.__name__.removesuffix("Args"))
    assert sdk_token(theirs) == resource.token
    assert resource.package in SDKS
    for name in resource.outputs:
        assert isinstance(getattr(theirs, name, None), property), f"{resource.token} has no output {name}"


@pytest.mark.parametrize("provider", list(registry.PROVIDERS.values()), ids=lambda p: p.package)
def test_every_provider_plugin_and_secret_is_the_sdks(provider: Provider) -> None:
    utilities = sdk(provider.package)._utilities
    assert registry.plugin_version(provider.distribution) == utilities.get_version()
    assert provider.plugin_download_url == utilities.get_plugin_download_url()
    source = inspect.getsource(sdk(provider.package).Provider._internal_init)
    for item in dataclasses.fields(provider.args):
        wrapped = re.search(rf'__props__.__dict__\["{item.name}"\] = (.*)', source)
        assert wrapped is not None, item.name
        assert bool(item.metadata.get("secret")) == ("Output.secret(" in wrapped.group(1)), f"{provider.package}: {item.name} secret"
        assert bool(item.metadata.get("json")) == ("to_json" in wrapped.group(1)), f"{provider.package}: {item.name} JSON-encoded"
    secrets = re.search(r"additional_secret_outputs=\[([^]]*)\]", source)
    assert set(flagged(provider.args, "secret")) <= set(re.findall(r'"(\w+)"', secrets.group(1) if secrets else ""))


def test_every_mirror_the_program_registers_is_checked_here() -> None:
    from program import aws_resources, datadog_resources, sentry_resources

    tables = (aws_resources.RESOURCES, datadog_resources.RESOURCES, sentry_resources.RESOURCES)
    registered = {r for table in tables for r in table.values()}
    assert registered <= {r for _, r in RESOURCES}
    assert {inspect.getmodule(p.args) for p in registry.PROVIDERS.values()} <= set(MIRRORS)


SDK_IMPORT = re.compile(r"^\s*(?:import|from)\s+(?:pulumi_datadog|pulumi_aws|pulumiverse_sentry)\b", re.M)


def test_no_other_test_imports_a_provider_sdk() -> None:
    """Builders hand the rules mirror instances, so tests build their inputs from the mirrors too (`from monitors.aws
    import sdk as aws`); the SDKs' own classes are this module's business alone."""
    here = Path(__file__).resolve()
    found = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "tests").rglob("*.py")) if p.resolve() != here and SDK_IMPORT.search(p.read_text())]
    assert found == []


def test_the_mirrors_name_fields_as_pulumis_codegen_does() -> None:
    assert [camel(n) for n in ("monitor_thresholds", "timeout_h", "notify_bies", "name")] == ["monitorThresholds", "timeoutH", "notifyBies", "name"]


# ---- 2. the plans' registrations are the SDKs' ----------------------------------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures"
FORWARDING = Path("reference-forwarding-logs")  # the reference project, its prod logs forwarded (a subscription filter)
FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
# (project, stack, catalog): the fixture projects and catalogs, between them every kind of resource and provider
PLANS: list[tuple[Path, str, Optional[Path]]] = [
    (REFERENCE, "dev", None),
    (REFERENCE, "prod", None),
    (FIXTURES / "families", "dev", None),
    (FIXTURES / "families", "prod", None),
    (FIXTURES / "teams", "dev", None),
    (FIXTURES / "teams", "prod", None),
    *((REFERENCE, "prod", FIXTURES / name) for name in ("alerts", "backends", "caches", "signals", "words", "replay")),
    (FORWARDING, "prod", None),
]
PACKAGES = tuple(f"{p}:" for p in SDKS) + tuple(f"pulumi:providers:{p}" for p in SDKS)


def to_sdk(value: Any) -> Any:
    """A mirror value as its SDK's own Args (lists and maps inside converted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sdk_class(type(value))(**{f.name: to_sdk(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, (list, tuple)):
        return [to_sdk(v) for v in value]
    if isinstance(value, dict):
        return {k: to_sdk(v) for k, v in value.items()}
    return value


def sdk_register(resource: Resource, name: str, args: Any, opts: Optional[pulumi.ResourceOptions] = None) -> pulumi.CustomResource:
    theirs = getattr(sdk(inspect.getmodule(resource.args)), resource.args.__name__.removesuffix("Args"))
    return theirs(name, to_sdk(args), opts=opts)  # type: ignore[no-any-return]


def sdk_provider(provider: Provider, name: str, args: Any) -> pulumi.ProviderResource:
    """The SDK's Provider, given what the program set (a field at its mirror default is left to the SDK's own)."""
    given = {f.name: to_sdk(getattr(args, f.name)) for f in dataclasses.fields(args) if getattr(args, f.name) != f.default}
    return sdk(provider.package).Provider(name, **given)  # type: ignore[no-any-return]


def registrations(project: Path, stack: str, catalog: Optional[Path], monkeypatch: pytest.MonkeyPatch, through_sdk: bool) -> dict[tuple[str, str], str]:
    """The provider resources' registration requests of a plan, as the engine receives them (a source position
    aside), by (type, name); dependencies sorted (the SDKs send sets); secret outputs only of the inputs sent (the SDKs
    name every secret their provider has)."""
    seen: dict[tuple[str, str], str] = {}
    recording = engine._RecordingMonitor.RegisterResource

    def register(self: Any, request: Any) -> Any:
        if request.type.startswith(PACKAGES):
            copy = type(request)()
            copy.CopyFrom(request)
            copy.ClearField("sourcePosition")
            sent = set(json_format.MessageToDict(request.object))
            del copy.additionalSecretOutputs[:]
            copy.additionalSecretOutputs.extend(sorted(sent & set(request.additionalSecretOutputs)))
            for urns in [copy.dependencies, *(d.urns for d in copy.propertyDependencies.values())]:
                urns.sort()
            seen[(request.type, request.name)] = json_format.MessageToJson(copy, sort_keys=True)
        return recording(self, request)

    with monkeypatch.context() as patch:
        patch.setattr(engine._RecordingMonitor, "RegisterResource", register)
        if through_sdk:
            patch.setattr(registry, "register", sdk_register)
            patch.setattr(registry, "register_provider", sdk_provider)
        _, resolved = load_project(project, catalog)
        (target,) = [t for t in resolved if t.name == stack]
        check_rules([target], None)
        plan_checked(project, target)
    return seen


Registrations = dict[tuple[str, str], str]


@pytest.fixture(scope="module")
def forwarding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("projects") / FORWARDING.name
    shutil.copytree(REFERENCE, project)
    with (project / "Pulumi.prod.yaml").open("a") as stack:
        stack.write(f"  monitoring:logForwarderArn: {FORWARDER}\n")
    return project


@pytest.fixture(params=PLANS, ids=lambda p: f"{p[0].name}-{p[1]}" + (f"-{p[2].name}" if p[2] else ""))
def both(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, forwarding: Path) -> Iterator[tuple[Registrations, Registrations]]:
    project, stack, catalog = request.param
    project = forwarding if project == FORWARDING else project
    yield registrations(project, stack, catalog, monkeypatch, False), registrations(project, stack, catalog, monkeypatch, True)


@pytest.mark.slow
def test_every_registration_is_the_one_the_sdks_classes_send(both: tuple[Registrations, Registrations]) -> None:
    ours, theirs = both
    assert any(t.startswith("datadog:") for t, _ in ours) and any(t.startswith("aws:") for t, _ in ours), "the fixture plans both"
    assert sorted(ours) == sorted(theirs)
    for key in ours:
        assert ours[key] == theirs[key], key


@pytest.mark.slow
def test_the_fixtures_register_every_mirrored_resource_and_provider(forwarding: Path) -> None:
    """The proof above covers every resource type and provider the program can declare."""
    projects = [(forwarding if project == FORWARDING else project, stack, catalog) for project, stack, catalog in PLANS]
    seen = {r.type for project, stack, catalog in projects for r in stack_plan(stack, catalog, project).plan.resources}
    assert {r.token for _, r in RESOURCES} <= seen
    assert {f"pulumi:providers:{p}" for p in SDKS} <= seen
