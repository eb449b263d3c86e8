"""Dashboard builders: one Datadog and one CloudWatch dashboard per service."""
