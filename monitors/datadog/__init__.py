"""Datadog builders: threshold monitors, SLOs, burn-rate alerts, synthetics."""
