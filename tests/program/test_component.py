"""`ServiceMonitoring(name, args, opts)` takes resource options like every Pulumi component."""

from __future__ import annotations

from pathlib import Path

import pulumi

from program.component import ServiceMonitoring, ServiceMonitoringArgs
from program.providers import make_providers
from program.settings import parse_settings
from spec import Service
from vigil.engine import Plan, run_offline
from vigil.stack_config import StackConfig

SERVICE = Service.model_validate(
    {
        "service": "svc",
        "team": "web",
        "runbook": "docs/runbooks/svc.md",
        "routes": {"page": {"datadog": ["@pagerduty-web"], "sns": [{"protocol": "email", "endpoint": "web@example.com"}]}},
        "sources": {"datadog": {"apm_service": "svc"}, "aws": {"region": "eu-west-1", "load_balancer": "app/svc/0123456789abcdef"}},
        "alerts": {"error_rate": {"critical": "1%"}},
        "logs": {"retention": "30d"},
    }
)
SECRETS = {"monitoring:datadogApiKey": "k", "monitoring:datadogAppKey": "k"}


def _plan(tmp_path: Path, opts: pulumi.ResourceOptions) -> Plan:
    settings = parse_settings(lambda key: None, "dev")

    def program() -> None:
        deployment = settings.deployment("monitoring", "dev")
        providers = make_providers(settings, deployment, [SERVICE])
        ServiceMonitoring("svc-monitoring", ServiceMonitoringArgs(SERVICE, deployment, providers), opts)

    return run_offline(program, StackConfig("monitoring", "dev", SECRETS, frozenset(SECRETS)), tmp_path)


def test_aliases_reach_the_component_and_protect_reaches_every_child(tmp_path: Path) -> None:
    plan = _plan(tmp_path, pulumi.ResourceOptions(aliases=[pulumi.Alias(name="svc")], protect=True))
    component = plan.by_name("svc-monitoring")
    assert component.aliases == ("svc",)
    children = [r for r in plan.resources if r.parent == "svc-monitoring"]
    assert len(children) > 5 and {r.type.split(":")[0] for r in children} == {"aws", "datadog"}
    assert all(r.options["protect"] for r in children), [r.name for r in children if not r.options["protect"]]


def test_without_options_only_production_log_groups_are_protected(tmp_path: Path) -> None:
    plan = _plan(tmp_path, pulumi.ResourceOptions())
    protected = [r.name for r in plan.resources if r.options["protect"]]
    assert protected == []  # dev: not even the log group
    assert plan.by_name("svc-monitoring").aliases == ()
