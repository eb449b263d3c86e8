"""Runbook steps shared by several signals' docs (and by the docs of SLOs and health checks)."""

FIRST = "Acknowledge the alert, then look at the service's dashboard for what else moved at the same time."
DEPLOY = "Check what changed recently (deploys, config and feature flags, infrastructure); if the alert started with a change, roll it back first and investigate afterwards."
ESCALATE = "If users are affected for more than 15 minutes or the cause is outside the team, declare an incident and escalate (see the on-call page)."
GENERIC_STEPS = (FIRST, DEPLOY, ESCALATE)
