"""What the Datadog and CloudWatch builders share: the deployment context, names, tags and burn-rate math."""
