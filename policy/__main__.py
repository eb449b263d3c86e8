"""CrossGuard policy pack: the organisation's monitoring policies, at `pulumi preview --policy-pack policy`.

Thin adapters only: every rule is a pure function in rules.py (unit-tested, and applied by the project's tests to
the offline plans of both stacks). Never import this file: constructing PolicyPack serves gRPC and blocks.
The organisation's policy config is `config.json` beside rules.py (rules.CONFIG_FILE), read here and by `vigil
validate` alike, e.g. {"prod-critical-alerts-page": {"page_handles": "^@pagerduty"}}, with each policy's enforcement
level (rules.enforcement: "disabled" is off in validation too); a `--policy-pack-config` given to `pulumi preview`
applies on top of it, here only.
"""

import os
import sys
from typing import TYPE_CHECKING

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

if TYPE_CHECKING:  # the project imports it as policy.rules (vigil validate applies it: program/policies.py)
    from policy import rules
else:  # the pack runs in its own environment, from this folder
    import rules

ORGANISATION = rules.read_config()  # policy/config.json: one home with `vigil validate`

CONFIG = PolicyConfigSchema(
    properties={
        "page_handles": {"type": "string", "description": "regex of Datadog handles that page"},
        "page_targets": {"type": "string", "description": "regex of alarm actions (SNS topics) that page"},
        "runbook_link": {"type": "string", "description": "regex of a runbook link in messages and descriptions"},
        "required_tags": {"type": "array", "items": {"type": "string"}},
        "production": {"type": "array", "items": {"type": "string"}, "description": "env tag values that are production"},
        "min_prod_retention_days": {"type": "integer"},
    }
)


def _resource(args) -> rules.Resource:  # ResourceValidationArgs
    protect = getattr(args.opts, "protect", None) if args.opts is not None else None
    # retainOnDelete is not part of CrossGuard's resource options: None = cannot be seen
    return rules.Resource(args.resource_type, args.name, args.props, protect=protect, retain_on_delete=None)


def _resource_policy(rule: rules.PolicyRule) -> ResourceValidationPolicy:
    def validate(args, report_violation) -> None:
        for message in rule.check(_resource(args), rules.org_for(ORGANISATION, rule.name, args.get_config())):
            report_violation(message, None)

    return ResourceValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        enforcement_level=EnforcementLevel(rules.enforcement(ORGANISATION, rule.name)),
        config_schema=CONFIG,
    )


def _stack_resource(resource) -> rules.Resource:  # PolicyResource: references come as property_dependencies
    depends = {key: [dep.name for dep in deps] for key, deps in (resource.property_dependencies or {}).items()}
    protect = getattr(resource.opts, "protect", None) if resource.opts is not None else None
    return rules.Resource(resource.resource_type, resource.name, resource.props, protect=protect, depends=depends)


def _stack_policy(name: str, description: str, check) -> StackValidationPolicy:
    def validate(args, report_violation) -> None:
        resources = [_stack_resource(r) for r in args.resources]
        for message in check(resources, rules.org_for(ORGANISATION, name, args.get_config())):
            report_violation(message, None)

    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=EnforcementLevel(rules.enforcement(ORGANISATION, name)),
        config_schema=CONFIG,
    )


PolicyPack(
    name="vigil-monitoring",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[_resource_policy(rule) for rule in rules.RESOURCE_RULES]
    + [_stack_policy(name, description, check) for name, description, check in rules.STACK_RULES],
)
