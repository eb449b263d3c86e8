"""The offline engine records aliases (renames), and the plan JSON shows them only when there are some."""

from __future__ import annotations

from pathlib import Path

import pulumi

from vigil.engine import run_offline
from vigil.stack_config import StackConfig


def _program() -> None:
    parent = pulumi.ComponentResource("vigil:index:ServiceMonitoring", "api")
    pulumi.CustomResource(
        "aws:cloudwatch/logGroup:LogGroup",
        "api-log-group",
        {"name": "/platform/api/prod"},
        opts=pulumi.ResourceOptions(parent=parent, aliases=[pulumi.Alias(name="api-logs"), pulumi.Alias(name="api-log-group")]),
    )
    pulumi.CustomResource("datadog:index/monitor:Monitor", "api-error-rate", {"name": "x"}, opts=pulumi.ResourceOptions(parent=parent))


def test_aliases_recorded_and_shown_only_when_present(tmp_path: Path) -> None:
    plan = run_offline(_program, StackConfig("monitoring", "prod", {}, frozenset()), tmp_path)
    renamed = plan.by_name("api-log-group")
    assert renamed.aliases == ("api-logs",)  # its own name (another parent or type) is not a rename
    assert renamed.to_dict()["aliases"] == ["api-logs"]
    plain = plan.by_name("api-error-rate").to_dict()
    assert set(plain) == {"type", "name", "parent", "inputs", "options"}  # the contract, unchanged
    assert set(plain["options"]) == {"protect", "retainOnDelete", "deleteBeforeReplace", "provider"}
