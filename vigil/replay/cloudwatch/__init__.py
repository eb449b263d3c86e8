"""CloudWatch's side of the replay: metric alarms (statistics, metric math, M of N, missing data), composite alarms
with their actions suppressor, and Route 53 health checks feeding `HealthCheckStatus`."""
