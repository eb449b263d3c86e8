"""The reviewer's summary in words, on hand-made plans."""

from __future__ import annotations

import json
import os
from pathlib import Path

from diff_plans import MONITOR, SUBSCRIPTION, cw_dashboard, edited, find, plan

from vigil.diff.compare import compare
from vigil.diff.facets import format_value, signal
from vigil.diff.render import render_json, render_markdown, render_text
from vigil.diff.summary import summarise
from vigil.routing import handles_by_severity

SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"


def test_signal_words_from_logical_names() -> None:
    assert signal({"name": "api-latency-p95-page"}, "api") == "p95 latency"
    assert signal({"name": "api-error-rate"}, "api") == "error rate"
    assert signal({"name": "shared-thing"}, None) == "shared thing"


def test_values_with_units() -> None:
    assert format_value("0.5", "s") == "500 ms"
    assert format_value(1.5, "s") == "1500 ms"
    assert format_value("1.0", "%") == "1%"
    assert format_value(14.4, "×") == "14.4×"
    assert format_value(None, None) == "(none)"


def test_datadog_recipients_by_block() -> None:
    message = "x {{#is_alert}}@pagerduty-a{{/is_alert}} {{#is_warning}}@slack-b{{/is_warning}} {{#is_recovery}}@r{{/is_recovery}} @all"
    assert handles_by_severity(message) == {"page": ["@pagerduty-a"], "ticket": ["@slack-b"], "notify": ["@all"]}


def test_threshold_moved_in_words() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-latency-p95", MONITOR)["inputs"]["monitorThresholds"]["critical"] = "0.4"
    find(head, "api-latency-p95-page")["inputs"]["threshold"] = 0.4
    lines = summarise(compare(base, head)).sections["Thresholds"]
    assert lines == [
        "api · p95 latency · page at 500 ms → 400 ms  (CloudWatch metric alarm `api-latency-p95-page`)",
        "api · p95 latency · page at 500 ms → 400 ms  (Datadog monitor `api-latency-p95`)",
    ]


def test_datadog_route_change_says_who_is_paged_now() -> None:
    base = plan("api")
    head = edited(base)
    for name in ("api-error-rate", "api-latency-p95"):
        monitor = find(head, name, MONITOR)
        monitor["inputs"]["message"] = monitor["inputs"]["message"].replace("@pagerduty-platform", "@pagerduty-oncall")
    summary = summarise(compare(base, head))
    assert summary.sections["Routes"] == [
        "api · page: @pagerduty-platform → @pagerduty-oncall  (2 alerts: `api-error-rate`, `api-latency-p95`)"
    ]
    assert summary.sections["Other changes"] == []  # the message change is told as a route


def test_sns_route_change_through_subscriptions() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-ticket-email", SUBSCRIPTION)["inputs"]["endpoint"] = "platform@example.com"
    summary = summarise(compare(base, head))
    assert summary.sections["Routes"] == [
        "api · ticket: email:api-oncall@example.com → email:platform@example.com  (`api-latency-p95-ticket`)"
    ]


def test_alerts_added_and_removed() -> None:
    base = plan("api")
    head = edited(base)
    head["resources"].remove(find(head, "api-error-rate"))
    summary = summarise(compare(base, head))
    assert summary.sections["Alerts removed"] == ["api · error rate · was page at 1%, ticket at 0.5%  (Datadog monitor `api-error-rate`) removed"]
    added = summarise(compare(head, base)).sections["Alerts added"]
    assert added == [
        "api · error rate · page at 1%, ticket at 0.5% · page → @pagerduty-platform; ticket → @slack-platform-alerts  (Datadog monitor `api-error-rate`) added"
    ]


def test_slo_objective_and_burn_rate_tier() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-availability-slo")["inputs"]["thresholds"][0]["target"] = 99.95
    find(head, "api-availability-slo")["inputs"]["thresholds"][0]["warning"] = 99.97
    burn = find(head, "api-availability-burn-1h-page")["inputs"]
    burn["monitorThresholds"]["critical"] = "10"
    burn["query"] = burn["query"].replace("> 14.4", "> 10")
    lines = summarise(compare(base, head)).sections["SLOs and burn rates"]
    assert lines == [
        "api · availability burn 1h (1h/5m) · page at 14.4× → 10×  (Datadog monitor `api-availability-burn-1h-page`)",
        "api · availability SLO · 30d objective 99.9% → 99.95%  (Datadog service level objective `api-availability-slo`)",
        "api · availability SLO · 30d warning 99.95% → 99.97%  (Datadog service level objective `api-availability-slo`)",
    ]


def test_dashboard_changed() -> None:
    base = plan("api")
    head = edited(base)
    head["resources"] = [r for r in head["resources"] if r["name"] != "api-cw-dashboard"] + [cw_dashboard("api", 5)]
    assert summarise(compare(base, head)).sections["Dashboards"] == [
        "api · CloudWatch dashboard `api-cw-dashboard` changed (widgets 4 → 5): dashboardBody"
    ]


def test_rename_hint_without_aliases() -> None:
    base = plan("api")
    head = edited(base)
    find(head, "api-logs")["name"] = "api-log-group"
    hints = summarise(compare(base, head)).hints
    assert hints == [
        '`api-logs` → `api-log-group` looks like a rename: without `aliases=[pulumi.Alias(name="api-logs")]` '
        "Pulumi deletes `api-logs` and creates `api-log-group`"
    ]


def _rich_pair() -> tuple[dict, dict]:
    """A change touching every section: the reviewed Markdown snapshot."""
    base = plan("api", "web")
    head = edited(base)
    head["resources"] = [r for r in head["resources"] if not (r["parent"] == "web" or r["name"] == "web")]
    find(head, "api-latency-p95", MONITOR)["inputs"]["monitorThresholds"]["critical"] = "0.4"
    find(head, "api-latency-p95", MONITOR)["inputs"]["query"] = find(head, "api-latency-p95", MONITOR)["inputs"]["query"].replace("> 0.5", "> 0.4")
    message = find(head, "api-error-rate")["inputs"]["message"]
    find(head, "api-error-rate")["inputs"]["message"] = message.replace("@pagerduty-platform", "@pagerduty-oncall")
    find(head, "api-availability-slo")["inputs"]["thresholds"][0]["target"] = 99.95
    find(head, "api-logs")["inputs"]["retentionInDays"] = 365
    head["resources"] = [r for r in head["resources"] if r["name"] != "api-cw-dashboard"] + [cw_dashboard("api", 5)]
    return base, head


def test_markdown_snapshot() -> None:
    base, head = _rich_pair()
    text = render_markdown(compare(base, head, "main", "feature", "prod"))
    snapshot = SNAPSHOTS / "diff_prod.md"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text)
    assert snapshot.is_file(), "run with UPDATE_SNAPSHOTS=1 to create the snapshot, then review it"
    assert text == snapshot.read_text()


def test_text_and_json_tell_the_same_danger_first() -> None:
    base, head = _rich_pair()
    diff = compare(base, head, "main", "feature", "prod")
    text = render_text(diff)
    assert text.index("DANGER") < text.index("== Thresholds")
    assert "/platform/web/prod" in text
    document = json.loads(render_json(diff))
    assert document["counts"]["removed"] > 0 and document["stack"] == "prod"
    assert document["summary"]["danger"][0]["kind"] == "data-loss"
    assert {"kind", "type", "name", "fields"} <= set(document["changes"][0])


def test_markdown_fits_a_pr_comment() -> None:
    base = plan(*[f"s{i:03d}" for i in range(60)])
    head = plan(*[f"t{i:03d}" for i in range(60)])
    diff = compare(base, head, "main", "feature", "prod")
    full = render_markdown(diff)
    assert len(full) > 100_000
    short = render_markdown(diff, max_length=30_000)
    assert len(short) <= 30_000
    assert short.startswith(full.split("\n", 3)[0]) and "#### ⚠️ Danger" in short
    assert "more" in short and "run `vigil diff` locally for all" in short
    assert render_markdown(diff, max_length=10**9) == full
