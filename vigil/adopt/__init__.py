"""Adopting an existing estate: `vigil import` (vendor objects → spec YAML and Pulumi's bulk import file) and
`vigil drift` (what the vendors hold against a stack's plan).

- `vendors`: the vendors' own formats, read from files (`GET /api/v1/monitor`'s JSON, `aws cloudwatch describe-alarms`'s)
  or live through `datadog-api-client` and `boto3`, read-only (imported lazily: the offline commands never pay them);
- `reverse`: a vendor object back to a spec alert, through the signal registry (each signal's Datadog expression and
  CloudWatch metric, rendered for a probe service whose sources are sentinels, matched against the object);
- `compare`: a planned resource against a vendor object, as the vendor stores things (docs/adopt.md says how);
- `importer` and `drift`: the two commands.
"""
