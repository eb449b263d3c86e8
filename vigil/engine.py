"""The offline engine: runs the real program under Pulumi's mocks and records every registered resource.

What plan, diff, docs and tests read is what `pulumi up` would send to the providers: the same program,
the same config (from `Pulumi.<stack>.yaml`), with placeholders where only a cloud could fill in a value.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime import rpc
from pulumi.runtime.sync_await import _sync_await

from .stack_config import StackConfig

SECRET = "[secret]"
SERVICE_COMPONENT = "vigil:index:ServiceMonitoring"
_SECRET_SIG = rpc._special_secret_sig  # how a secret value is marked in registered inputs
_SIG_KEY = rpc._special_sig_key


@dataclass(frozen=True)
class PlannedResource:
    type: str
    name: str
    parent: Optional[str]
    inputs: dict[str, Any]
    options: dict[str, Any]
    custom: bool
    aliases: tuple[str, ...] = ()  # earlier logical names (`aliases=[pulumi.Alias(name=...)]`): a rename, not delete + add

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "name": self.name, "parent": self.parent, "inputs": self.inputs, "options": self.options}
        if self.aliases:  # only when present, so plans without renames keep the exact contract
            out["aliases"] = list(self.aliases)
        return out


@dataclass(frozen=True)
class Plan:
    project: str
    stack: str
    resources: tuple[PlannedResource, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"project": self.project, "stack": self.stack, "resources": [r.to_dict() for r in self.resources]}

    @functools.cached_property
    def _by_name(self) -> dict[str, PlannedResource]:
        return {r.name: r for r in self.resources}

    def service_of(self, resource: PlannedResource) -> Optional[str]:
        """The service component a resource belongs to (through its parents), or None for shared ones."""
        current: Optional[PlannedResource] = resource
        while current is not None:
            if current.type == SERVICE_COMPONENT:
                return current.name
            current = self._by_name.get(current.parent) if current.parent else None
        return None

    def by_name(self, name: str) -> PlannedResource:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


def placeholder(name: str, attribute: str) -> str:
    """A stable stand-in for a value only the cloud knows, naming the resource it belongs to."""
    return f"${{{name}.{attribute}}}"


def normalise(value: Any) -> Any:
    """Plan-ready values: secrets hidden, integral floats as ints, maps sorted, unknowns named."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return SECRET
        if _SIG_KEY in value:  # a resource reference or other special value
            return normalise({k: v for k, v in value.items() if k != _SIG_KEY})
        return {str(k): normalise(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is rpc.UNKNOWN or value == rpc.UNKNOWN:
        return "[unknown]"
    return value


def _alias_names(request: Any) -> tuple[str, ...]:
    """The logical names a resource was known by, from its alias specs or alias URNs."""
    names: set[str] = set()
    for alias in getattr(request, "aliases", ()):
        if alias.HasField("spec"):
            names.add(alias.spec.name or request.name)
        elif alias.urn:
            names.add(_name_of(alias.urn) or request.name)
    for urn in getattr(request, "aliasURNs", ()):
        names.add(_name_of(urn) or request.name)
    names.discard("")
    names.discard(request.name)  # same name under another parent or type: not a rename
    return tuple(sorted(names))


def _name_of(urn: str) -> Optional[str]:
    """The logical name at the end of a URN (mock URNs are never shown as real ones)."""
    if not urn or "::" not in urn:
        return None
    return urn.split("::")[-1]


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, stack_outputs: Optional[dict[str, list[str]]] = None) -> None:
        self.stack_outputs = stack_outputs or {}  # stack -> output names the program reads (StackReference)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict[str, Any]]:
        state = dict(args.inputs)
        if args.typ == "pulumi:pulumi:StackReference":  # another stack's outputs: named placeholders
            stack = str(args.inputs.get("name") or args.resource_id or args.name)
            outputs = {name: placeholder(stack, name) for name in self.stack_outputs.get(stack, [])}
            return stack, {"name": stack, "outputs": outputs, "secretOutputNames": []}
        if args.typ.startswith("aws:"):
            state.setdefault("arn", placeholder(args.name, "arn"))
        return placeholder(args.name, "id"), state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], Optional[list[tuple[str, str]]]]:
        return {"id": placeholder(args.token, "id")}, None


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """Keeps every registration request: inputs as sent, parent, provider and resource options."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.records: list[PlannedResource] = []
        self.thread_loops: list[asyncio.AbstractEventLoop] = []

    def _own_thread_loop(self) -> None:
        """Give a worker thread a loop we close afterwards (the SDK would leave one to the garbage collector)."""
        try:
            asyncio.get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self.thread_loops.append(loop)

    def Invoke(self, request: Any) -> Any:
        self._own_thread_loop()
        return super().Invoke(request)

    def RegisterResource(self, request: Any) -> Any:
        self._own_thread_loop()
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        parent = _name_of(request.parent)
        if request.parent and request.parent.split("::")[2].endswith("pulumi:pulumi:Stack"):
            parent = None
        provider = _name_of(request.provider.rsplit("::", 1)[0]) if request.provider else None  # "<urn>::<id>"
        self.records.append(
            PlannedResource(
                type=request.type,
                name=request.name,
                parent=parent,
                inputs=normalise(inputs),
                options={
                    "protect": bool(request.protect),
                    "retainOnDelete": bool(request.retainOnDelete),
                    "deleteBeforeReplace": bool(request.deleteBeforeReplace),
                    "provider": provider,
                    # the existing resource it adopts (Pulumi's `import` option): only when there is one, so plans
                    # without adoptions keep the exact contract
                    **({"import": request.importId} if request.importId else {}),
                },
                custom=bool(request.custom),
                aliases=_alias_names(request),
            )
        )
        return response


# Young-generation collections every 700 allocations, each walking everything the run holds, cost a plan about
# half its time: during a run the collector runs rarely, and a run's garbage is collected once, at its end.
_RUN_GC_THRESHOLD = 100_000


@contextlib.contextmanager
def _quiet_runtime() -> Iterator[None]:
    """What only a real engine reads is not computed: the Python stack of every registration (the engine's
    source positions; never part of a plan). What lives before the run (imported modules, the catalog) is
    frozen out of the collector's walks; what the run leaves behind is collected when it ends."""
    stack_trace = pulumi_resource._get_stack_trace
    thresholds = gc.get_threshold()
    pulumi_resource._get_stack_trace = pulumi_resource.source_pb2.StackTrace
    # the first run collects what the imports left; later runs, what the caller left since (young, so cheap)
    gc.collect(1 if gc.get_freeze_count() else 2)
    gc.freeze()
    gc.set_threshold(_RUN_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        pulumi_resource._get_stack_trace = stack_trace
        gc.set_threshold(*thresholds)
        gc.collect()


def run_offline(
    program: Callable[[], None],
    config: StackConfig,
    project_dir: Path,
    stack_outputs: Optional[dict[str, list[str]]] = None,
) -> Plan:
    """Run `program` as `pulumi preview` would, without an engine, cloud or credentials.

    `stack_outputs` names, per referenced stack, the outputs the program reads: each reads as `${<stack>.<output>}`.
    """
    pulumi.runtime.settings.reset_options(project=config.project, stack=config.stack)
    pulumi.runtime.set_all_config(dict(config.values), sorted(config.secret_keys))
    loop = asyncio.new_event_loop()  # a fresh loop per run: nothing of an earlier run leaks in
    asyncio.set_event_loop(loop)
    monitor = _RecordingMonitor(_Mocks(stack_outputs))
    try:
        with _quiet_runtime():
            try:
                pulumi.runtime.set_mocks(monitor.mocks, project=config.project, stack=config.stack, preview=False, monitor=monitor)
                with contextlib.chdir(project_dir):
                    _sync_await(pulumi.runtime.stack.run_pulumi_func(program))
            finally:
                loop.run_until_complete(loop.shutdown_default_executor())
                asyncio.set_event_loop(asyncio.new_event_loop())  # leave callers a usable, unused loop
                for used in [loop, *monitor.thread_loops]:
                    used.close()
                pulumi.runtime.settings.reset_options(project=config.project, stack=config.stack)  # drop the run's root resource
        resources = sorted(monitor.records, key=lambda r: (r.type, r.name))
    finally:
        monitor.records = []
    return Plan(config.project, config.stack, tuple(resources))
