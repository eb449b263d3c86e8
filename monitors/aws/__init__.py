"""CloudWatch builders: log groups, metric filters, alarms, health checks, composites, SNS routing."""
