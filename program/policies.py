"""The organisation's policies (policy/rules.py, the CrossGuard pack's rules) applied to a service's declarations, so
`vigil validate` and every plan reject what the pack would: one home for the rules, checked before anything is
planned, each violation at the spec line that causes it.

A declaration is turned into what the pack sees of a resource — its type token and camelCase inputs
(program/inputs.py), the options the program gives it, the resources its inputs reference — and the rules run
over one service's declarations as over a stack (a service's alarms, topics and composites reference only each
other). tests/test_policies.py proves the verdicts equal those over the offline plan.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration
from monitors.common.rules import PathKey, Violation
from policy import rules
from spec import Service, SpecError, SpecErrors
from spec.yaml_source import Location

from .inputs import TYPE_TOKENS, declaration_inputs, declaration_options, placeholders


@functools.cache
def organisation() -> dict[str, Any]:
    """The organisation's policy config (policy/config.json, which the pack reads too); a wrong one is an error at
    its line, exit 2, before anything is planned."""
    try:
        return rules.read_config()
    except rules.ConfigError as exc:
        path = rules.CONFIG_FILE
        shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
        raise SpecErrors([SpecError(Location(shown, exc.line, exc.column), "policy config", str(exc))]) from None


def policy_resources(declarations: Sequence[Declaration], deployment: Deployment) -> list[rules.Resource]:
    """What CrossGuard sees of each declared resource, as the offline plan records it (with retainOnDelete)."""
    names = placeholders(declarations)
    out = []
    for declaration in declarations:
        inputs = declaration_inputs(declaration, names)
        options = declaration_options(declaration, deployment)
        out.append(
            rules.Resource(
                TYPE_TOKENS[declaration.kind],
                declaration.logical,
                inputs,
                protect=bool(options.get("protect")),
                retain_on_delete=bool(options.get("retain_on_delete")),
                depends=rules.from_placeholders(inputs),
            )
        )
    return out


def _route_path(service: Service, declaration: Declaration) -> PathKey:
    """Where the targets a critical alert notifies are written: the alert's own route, else the service's page
    route for the declaration's backend (in the teams file when the service inherits it: Catalog.locate)."""
    alert = declaration.alert
    threshold = service.threshold(alert.id) if alert is not None else None
    if threshold is not None and threshold.own_route is not None and declaration.path[:1] in (("alerts",), ("custom_alerts",)):
        return (*declaration.path[:2], "route")
    return ("routes", "page", "datadog" if declaration.region is None else "sns")


def _cause(rule: str, service: Service, declaration: Declaration) -> PathKey:
    """The spec field that decides what a rule read: a log group's retention, the route a critical alert reaches;
    else the declaration's own path."""
    if rule == "prod-logs-retained":  # the program always protects and retains: only the retention is the spec's
        return (*declaration.path, "retention")
    if rule == "prod-critical-alerts-page":
        return _route_path(service, declaration)
    return declaration.path


# What the spec may write instead, for the policies a spec value can break.
HINTS: dict[str, Callable[[rules.Org], str]] = {
    "prod-logs-retained": lambda org: f"; production keeps logs {org.min_prod_retention_days}d or longer",
    "prod-critical-alerts-page": lambda org: f"; in production the page route names a paging handle (matching {org.page_handles})",
}
# What each stack rule's messages are about (a monitor and an alarm may share a logical name: they differ in type).
STACK_RULE_SUBJECTS = {"alarms-heard": rules.is_alarm, "monitors-heard": rules.is_monitor, "alarm-topics-have-subscribers": rules.is_alarm}


def policy_violations(service: Service, deployment: Deployment, declarations: Sequence[Declaration], stack_rules: bool = True) -> list[Violation]:
    """Every policy of the pack over the service's declarations (all backends), at the spec line of each cause; one
    violation per cause, naming the resources it concerns (a page route without a paging handle is one problem).
    `stack_rules=False` leaves out the stack-wide ones (every alert heard, every alarm topic subscribed): when the
    vendor rules already refuse the service, they have said what notifies nobody, and what to add."""
    resources = policy_resources(declarations, deployment)
    config = organisation()
    found: dict[tuple[PathKey, str, str], list[str]] = {}  # (path, rule, what is wrong) -> resources

    def add(rule: str, declaration: Declaration, message: str) -> None:
        name, _, what = message.partition(": ")
        found.setdefault((_cause(rule, service, declaration), rule, what), []).append(name)

    for declaration, resource in zip(declarations, resources, strict=True):
        for rule in rules.RESOURCE_RULES:
            if not rules.enabled(config, rule.name):
                continue
            for message in rule.check(resource, rules.org_for(config, rule.name)):
                add(rule.name, declaration, message)
    for name, _, check in rules.STACK_RULES if stack_rules else ():
        if not rules.enabled(config, name):
            continue
        subject = STACK_RULE_SUBJECTS[name]
        for message in check(resources, rules.org_for(config, name)):
            named = message.partition(": ")[0]
            add(name, next(d for d, r in zip(declarations, resources, strict=True) if r.name == named and subject(r.type)), message)
    return [
        Violation(path, f"{', '.join(sorted(set(names)))}: {what}{HINTS[rule](rules.org_for(config, rule)) if rule in HINTS else ''} (the organisation's policy {rule}, policy/rules.py)")
        for (path, rule, what), names in found.items()
    ]

