"""What the back-test cannot fetch history for is said, never replayed on no data and counted as quiet."""

from __future__ import annotations

from vigil.backtest.reads import alert_reads

from .helpers import PROJECT

FAMILIES = PROJECT.parent / "families"


def test_an_alarm_on_a_metrics_insights_query_is_not_backtested() -> None:
    """DynamoDB's alerts sum every operation with a Metrics Insights query, which reads only the latest three hours
    (cloudwatch_limits.html): no history to fetch, so said, never replayed on no data and counted as quiet."""
    from vigil.replay.stack import load_stack

    stack = load_stack(FAMILIES, "prod")
    reads = {(r.alert, r.backend): r for r in alert_reads(stack.service("payments-webhook"), {})}
    for alert in ("table_throttles", "table_system_errors"):
        refused = reads[(alert, "aws")].refused
        assert refused is not None and "Metrics Insights" in refused and "3 hours" in refused and "cloudwatch_limits.html" in refused
        assert reads[(alert, "datadog")].refused is None and reads[(alert, "datadog")].datadog  # Datadog's series are fetched
    assert reads[("function_error_rate", "aws")].refused is None
