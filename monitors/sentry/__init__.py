"""Sentry: issue alerts for new and regressed issues and a metric alert on the error count (pulumiverse-sentry)."""
