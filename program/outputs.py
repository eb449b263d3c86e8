"""Another stack's outputs in a service's resources: one StackReference per service, read by CloudWatch's dimension
values and by Datadog's queries alike.

CloudWatch's builders take the outputs as `pulumi.Input`s (signals/cloudwatch.py `resolve_targets`). Datadog's
queries are text: a name read from an output is written there as the output's placeholder, `${<stack>.<output>}`
(signals/datadog.py `aws_tag`), and `with_outputs` rebuilds every such text of a resource's arguments as a
`pulumi.Output.concat` of its parts, each placeholder the output's value as Datadog tags it (lowercase). Offline,
the engine's StackReference answers with the same placeholder: the plan shows `${org/infra/prod.albName}`.

An output holding the Lambda function's timeout is a number of whole seconds (Lambda's configuration,
`aws_lambda_function.timeout`), which both vendors' arithmetic divides by: read as its digits (a JSON number arrives
as a float), and anything else — a fraction, text, a value outside Lambda's 1 to 900 seconds — stops the deployment
with its name rather than sending a query that divides by it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pulumi

from signals.datadog import OUTPUT, output_tag
from spec import Service
from spec.sources import LAMBDA_MAX_TIMEOUT_MS, StackOutput

from .settings import SettingsError

Reader = Callable[[str], pulumi.Input[str]]


def stack_reader(parent: pulumi.Resource, service: Service) -> Reader:
    """Reads `{output: name}` sources from the stack `sources.aws.from_stack` names (one reference per service)."""
    source = service.sources.aws
    if source is None or source.from_stack is None or not source.stack_outputs():
        def unused(name: str) -> pulumi.Input[str]:
            raise SettingsError(f"{service.service}: sources.aws reads output {name!r} without from_stack")

        return unused
    reference = pulumi.StackReference(
        f"{service.service}-sources", stack_name=source.from_stack, opts=pulumi.ResourceOptions(parent=parent)
    )
    function = source.lambda_function
    timeout = function.timeout.output if function is not None and isinstance(function.timeout, StackOutput) else None
    where = f"{service.service}: sources.aws.lambda_function.timeout (output {timeout} of {source.from_stack})"

    def read(name: str) -> pulumi.Input[str]:
        value = reference.require_output(name)
        return value.apply(lambda v: timeout_seconds(v, where)) if name == timeout else value.apply(str)

    return read


def timeout_seconds(value: object, where: str) -> str:
    """A timeout output's value as the queries write it: whole seconds from 1 to 900 (the engine's placeholder as is)."""
    text = str(value)
    if OUTPUT.fullmatch(text):
        return text
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = float(value.strip())
    if number is None or not number.is_integer() or not 1 <= number <= LAMBDA_MAX_TIMEOUT_MS // 1000:
        raise SettingsError(f"{where} is {value!r}: a Lambda timeout is whole seconds from 1 to {LAMBDA_MAX_TIMEOUT_MS // 1000}")
    return str(int(number))


def _text(text: str, read: Reader) -> pulumi.Input[str]:
    parts: list[pulumi.Input[str]] = []
    at = 0
    for found in OUTPUT.finditer(text):
        parts.append(text[at : found.start()])
        parts.append(pulumi.Output.from_input(read(found.group("output"))).apply(output_tag))
        at = found.end()
    if not parts:
        return text
    parts.append(text[at:])
    return pulumi.Output.concat(*parts)


def with_outputs(value: Any, read: Reader) -> Any:
    """`value` (a builder's Args, nested) with every text holding an output's placeholder as an Output of the text with
    the output's value; the same object when nothing reads an output."""
    if isinstance(value, str):
        return _text(value, read) if "${" in value else value
    if isinstance(value, (list, tuple)):
        items = [with_outputs(v, read) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)
    if isinstance(value, dict):
        mapped = {k: with_outputs(v, read) for k, v in value.items()}
        return value if all(mapped[k] is value[k] for k in value) else mapped
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: new for f in dataclasses.fields(value) if (new := with_outputs(getattr(value, f.name), read)) is not getattr(value, f.name)}
        return dataclasses.replace(value, **changes) if changes else value
    if hasattr(value, "__dict__") and not isinstance(value, (pulumi.Output, pulumi.Resource)):
        fields = vars(value)
        changes = {k: new for k, v in fields.items() if (new := with_outputs(v, read)) is not v}
        if not changes:
            return value
        out = copy.copy(value)
        vars(out).update(changes)  # an SDK input type keeps its fields in __dict__ (pulumi.set)
        return out
    return value
