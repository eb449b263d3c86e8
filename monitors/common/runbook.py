"""Links from every monitor and alarm to its runbook: the service's own, and the generated section for the alert."""

from monitors.common.context import Deployment
from spec import Service


def anchor(*parts: str) -> str:
    """A Markdown heading anchor: lowercase words joined by '-', e.g. anchor('latency_p95') -> 'latency-p95'."""
    return "-".join(p.replace("_", "-").replace(" ", "-").lower() for p in parts if p)


def runbook_url(service: Service, deployment: Deployment) -> str:
    """The service's runbook as an absolute URL (paths under docs/ are resolved against the docs base URL)."""
    if service.runbook.startswith("https://"):
        return service.runbook
    return f"{deployment.docs_base_url}{service.runbook}"


def alert_doc_url(service: Service, deployment: Deployment, section: str) -> str:
    """The generated alert-catalog section for one alert: docs/services/<service>.md#<section>."""
    return f"{deployment.docs_base_url}docs/services/{service.service}.md#{section}"
