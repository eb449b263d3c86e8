"""The families fixture's generated docs read right: written into a temporary folder, then read as a user would —
each new alert has its section with what it watches, where it is measured, its thresholds per environment and its
notification behaviour; custom alerts too; teams and maintenance windows; every link of the plans resolves."""

from __future__ import annotations

import pytest

from monitors.common.runbook import anchor
from vigil.docs import collect, generate, write
from vigil.docs.model import doc_links
from vigil.docs.words import anchors_of
from vigil.testkit import stack_plan

from .conftest import FAMILIES


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return generate(collect(FAMILIES, plan_for=lambda stack: stack_plan(stack, project=FAMILIES).plan))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, files: dict[str, str]) -> dict[str, str]:
    out = tmp_path_factory.mktemp("families-docs")
    written = write(out, files)
    assert written, "vigil docs wrote nothing"
    return {str(path.relative_to(out)): path.read_text(encoding="utf-8") for path in (out / "docs").rglob("*.md")}


def section(page: str, name: str) -> str:
    start = page.index(f"### {name}\n")
    rest = page[start + 1:]
    return page[start: start + 1 + rest.index("\n### ")] if "\n### " in rest else page[start:]


def test_every_service_has_a_page_and_the_index_lists_it(pages: dict[str, str]) -> None:
    for name in ("orders-worker", "payments-webhook", "ledger-reports"):
        assert f"docs/services/{name}.md" in pages
        assert f"({name}.md)" in pages["docs/services/README.md"]


def test_a_queue_workers_page(pages: dict[str, str]) -> None:
    page = pages["docs/services/orders-worker.md"]
    backlog = section(page, "queue-backlog")
    assert "Messages waiting in the service's SQS queue" in backlog
    assert "`avg(last_10m):max:aws.sqs.approximate_number_of_messages_visible{queuename:orders-prod}`" not in backlog  # the query, not the monitor
    assert "`max:aws.sqs.approximate_number_of_messages_visible{queuename:orders-prod}`" in backlog
    assert "`AWS/SQS` `ApproximateNumberOfMessagesVisible` (Maximum) of QueueName=`orders-prod`" in backlog
    assert "| critical | > 5000 | > 5000 |" in backlog
    assert "keep: silence changes nothing" in backlog  # no_data: keep
    dead = section(page, "dead-letters")
    assert "| reminders | never | never |" in dead and "**not told** (`recovery: false`)" in dead
    assert "| reminders | every 15m | every 15m |" in section(page, "memory")
    assert "ok: silence is healthy" in section(page, "queue-age")
    assert "the signal's own: Datadog sends no No Data; CloudWatch treats missing data as missing" in section(page, "cpu")
    assert "## Maintenance windows" in page and "weekly-patching" in page


def test_a_lambdas_page(pages: dict[str, str]) -> None:
    page = pages["docs/services/payments-webhook.md"]
    for name in ("function-error-rate", "function-throttles", "function-duration-p95", "function-concurrency", "gateway-error-rate",
                 "gateway-latency-p95", "table-throttles", "table-system-errors", "webhook-rejections"):
        assert f"### {name}\n" in page, name
    # the Metrics Insights query over every operation, said in words
    throttles = section(page, "table-throttles")
    assert "`AWS/DynamoDB` `SUM(ThrottledRequests)` of TableName=`payments-prod`, over every Operation (Metrics Insights, `FILL(q1, 0)`)" in throttles
    assert "published only while it happens, so silence is healthy and each burst alerts anew; Datadog shows OK" in throttles
    custom = section(page, "webhook-rejections")
    assert "(`webhook_rejections`, custom alert): Webhooks the service rejects because their signature does not verify." in custom
    assert "`sum:payments.webhook.rejected{reason:signature,env:<environment>}.as_count()`" in custom
    assert "`Payments/Webhook` `Rejected` (Sum) of Reason=`signature`" in custom
    assert "| critical | > 30/m | > 30/m |" in custom
    assert "table-migration" in page  # prod's one-off window


def test_a_datadog_only_pages_custom_alerts(pages: dict[str, str]) -> None:
    page = pages["docs/services/ledger-reports.md"]
    share = section(page, "reconciled-share")
    assert "| critical | < 95% | < 95% |" in share and "CloudWatch" not in share.split("Deployed as:")[0]
    assert "`100 * min:ledger.reports.reconciled{ledger:main}`" in share
    lag = section(page, "report-lag")
    assert "alert: silence is a failure" in lag and "| reminders | every 30m | every 30m |" in lag
    assert "month-end-close" in page


def test_the_oncall_page_groups_the_services_by_team(pages: dict[str, str]) -> None:
    oncall = pages["docs/oncall.md"]
    payments, data = oncall.index("payments"), oncall.index("## data") if "## data" in oncall else oncall.index("data")
    assert "orders-worker" in oncall and "payments-webhook" in oncall and "ledger-reports" in oncall
    assert payments >= 0 and data >= 0


def test_every_link_of_the_plans_has_its_section(pages: dict[str, str]) -> None:
    for stack in ("dev", "prod"):
        for resource in stack_plan(stack, project=FAMILIES).resources:
            for service, target in doc_links(resource):
                assert target in anchors_of(pages[f"docs/services/{service}.md"]), (resource.name, target)
    assert anchor("webhook_rejections") == "webhook-rejections"


def test_a_service_without_slos_or_health_checks_shows_what_pages_it(files: dict[str, str]) -> None:
    """A queue worker: a total outage and an SLO burn would leave its chart empty; it shows every alert past its
    threshold instead — each alert's row, and when someone was told."""
    page = files["docs/services/orders-worker.md"].split("## How fast it pages", 1)[1].split("\n## ", 1)[0]
    assert "no SLO whose burns" in page and "every alert past its threshold at once" in page and "(orders-worker-paging.svg)" in page
    chart = files["docs/services/orders-worker-paging.svg"]
    assert "total outage" not in chart and all(f"{alert} · {backend}" in chart for alert in ("queue_backlog", "dead_letters") for backend in ("Datadog", "CloudWatch"))
    for name in ("orders-worker", "payments-webhook", "ledger-reports"):  # no chart without a row
        assert f"docs/services/{name}-paging.svg" in files, name


def test_maintenance_windows_read_in_words_with_what_the_end_of_a_window_tells(pages: dict[str, str]) -> None:
    worker = pages["docs/services/orders-worker.md"].split("## Maintenance windows", 1)[1]
    assert "| when | Sundays 02:00–04:00 Europe/Berlin, from 2025-01-05 |" in worker
    assert not [line for page in pages.values() for line in page.splitlines() if line.startswith("| when |") and "FREQ=" in line]
    assert "the alarm remains in the same state (ALARM) in which it was originally muted" in worker
    assert "alarm-mute-rules-behaviour.html" in worker
    ledger = pages["docs/services/ledger-reports.md"].split("## Maintenance windows", 1)[1]
    assert "The last day of every month 20:00–02:00 America/New_York" in ledger
    webhook = pages["docs/services/payments-webhook.md"].split("## Maintenance windows", 1)[1]
    assert "once: 2030-03-01 22:00 to 2030-03-02 02:00 Europe/Berlin" in webhook
    assert "Sundays 02:00–04:00 Europe/Berlin" in pages["docs/oncall.md"]
