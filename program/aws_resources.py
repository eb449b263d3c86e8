"""Declares a service's CloudWatch resources as children of its component.

The walk (program/aws_walk.py) says what to declare; this file turns each declaration into a
resource with the right provider (per region) and safety options (program/inputs.py's declaration_options, which the
policy checks read too):
- log groups are retained on delete always, and protected in production: logs outlive the spec; a group the spec adopts
  (`logs.adopt`: Lambda's own, an ECS task's) is imported by its name (Pulumi's `import` option) instead of created;
- anything with a fixed cloud name is deleted before it is replaced (two cannot share the name);
- composites, mute rules and filters depend on what they name, so CloudWatch never sees a rule over a missing alarm.
"""

from __future__ import annotations

import pulumi

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from signals.cloudwatch import AwsScope, resolve_targets
from spec import Service

from . import inputs, registry
from .aws_walk import declare_service
from .inputs import declaration_options
from .outputs import Reader
from .providers import Providers, options
from .settings import secret

RESOURCES = inputs.RESOURCES  # one table of what each kind registers as


def declare_aws(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, providers: Providers, region: str, read: Reader
) -> dict[str, pulumi.Input[object]]:
    """`read`: another stack's outputs (program/outputs.py), which the dimension values of `{output: name}` sources take."""
    declared: dict[str, pulumi.CustomResource] = {}
    account = deployment.account_of(service)

    def declare(declaration: Declaration) -> Ref:
        extra = declaration_options(declaration, deployment, adopt=service.logs.adopt)
        depends = [declared[name] for name in declaration.depends_on]
        opts = options(parent, providers.aws(declaration.aws_region, account), depends_on=depends or None, **extra)
        resource = registry.register(RESOURCES[declaration.kind], declaration.logical, declaration.args, opts)
        declared[declaration.logical] = resource
        return Ref(id=resource.id, arn=getattr(resource, "arn", resource.id))

    scope = AwsScope(service, resolve_targets(service.sources.aws, read), deployment.environment)
    return declare_service(service, deployment, region=region, scope=scope, secret=secret, declare=declare, sns_kms_key=providers.settings.sns_kms_key)
