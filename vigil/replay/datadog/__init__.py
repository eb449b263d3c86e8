"""Datadog's side of the replay: query and log alerts, SLOs and their burn-rate and error-budget alerts,
synthetic API tests, and composite monitors."""
