"""Monitor messages: what fired, its value against the threshold, who is notified, and where the runbook is.

Handles sit inside Datadog's conditional blocks so each state notifies its route: the alert state its
severity's route, the warning state the ticket route, recovery everyone who was told.
"""

from dataclasses import dataclass
from typing import Optional

from monitors.common.context import Deployment
from monitors.common.runbook import alert_doc_url, runbook_url
from spec import Service
from spec.grammar import HANDLE_IN_TEXT
from spec.routes import Route, Severity
from spec.slos import Slo

HANDLE = HANDLE_IN_TEXT  # a Datadog @-handle as it appears inside a message (spec.grammar, one home)


def route_handles(service: Service, severity: Severity) -> list[str]:
    route = service.routes.get(severity)
    return list(route.datadog) if route else []


def links(service: Service, deployment: Deployment, section: str) -> str:
    return f"Runbook: {runbook_url(service, deployment)}\nThis alert: {alert_doc_url(service, deployment, section)}"


def block(tag: str, text: str, handles: list[str]) -> str:
    """A conditional block: its text, then the handles it notifies."""
    line = " ".join([text, *handles])
    return f"{{{{#{tag}}}}}\n{line}\n{{{{/{tag}}}}}"


@dataclass(frozen=True)
class Level:
    """One threshold of a monitor as people read it: '1%' pages the page route."""

    severity: Severity
    shown: str  # the spec's own spelling, e.g. '500ms'
    value: str  # the number in the query, e.g. '0.5'

    def described(self, unit: str) -> str:
        """'0.5 s (500ms)' when the query's unit differs from the spec's spelling, else just '1%'."""
        inline = f"{self.value}{unit}"
        return inline if self.shown in (self.value, inline.replace(" ", "")) else f"{inline} ({self.shown})"


def threshold_message(
    service: Service,
    deployment: Deployment,
    *,
    title: str,
    unit: str,
    relation: str,
    alert: Level,
    warning: Optional[Level],
    section: str,
    no_data: bool,
    own_route: Optional[Route] = None,
    recovery: bool = True,
    through: Optional[str] = None,
    requests: Optional[int] = None,
) -> str:
    """Message of a threshold monitor; `relation` is 'above' or 'below'. An alert with a route of its own notifies
    its handles at every level; otherwise each level notifies the service's route of its severity. Without `recovery`
    the message has no recovery block: Datadog tells nobody when the alert recovers. `through`: the composite monitor
    that notifies for it (low traffic: the monitor itself tells nobody). `requests`: the message of that composite —
    the alert over a window holding at least so many requests (a composite has no `{{value}}`)."""

    def handles_of(severity: Severity) -> list[str]:
        if through is not None:
            return []
        return list(own_route.datadog) if own_route is not None else route_handles(service, severity)

    value = "" if requests is not None else f" {{{{value}}}}{unit}"
    head = f"{service.service} ({deployment.environment}): {title} is {{{{value}}}}{unit}, {relation} its threshold."
    if requests is not None:
        head = f"{service.service} ({deployment.environment}): {title} is {relation} its threshold, over at least {requests} requests."
    if through is not None:
        head += f" Tells nobody itself: the composite monitor {through} does while the window holds enough requests."
    parts = [head]
    alert_handles = handles_of(alert.severity)
    parts.append(
        block(
            "is_alert",
            f"{title}{value} is {relation} {alert.described(unit)}: "
            f"{'page' if alert.severity == 'page' else 'ticket'}.",
            alert_handles,
        )
    )
    told = list(alert_handles)
    if warning is not None:
        warning_handles = handles_of(warning.severity)
        parts.append(
            block(
                "is_warning",
                f"{title}{value} is {relation} the warning threshold {warning.described(unit)}: ticket.",
                warning_handles,
            )
        )
        told += [h for h in warning_handles if h not in told]
    if no_data:
        no_data_handles = alert_handles if through is None else (list(own_route.datadog) if own_route is not None else route_handles(service, alert.severity))
        parts.append(block("is_no_data", f"No data for {title}: the service may receive no traffic.", no_data_handles))  # its own, guarded or not
    if recovery:
        back = f"back to{value}" if value else f"back within its threshold, or the window holds fewer than {requests} requests"
        parts.append(block("is_recovery", f"Recovered: {title} is {back}.", told))
    parts.append(links(service, deployment, section))
    return "\n".join(parts)


def _alert_message(
    service: Service, deployment: Deployment, head: str, *, alerting: str, recovered: str, handles: list[str], section: str
) -> str:
    """The shape of every single-level message: what it watches, whom the alert tells, whom its recovery, the links."""
    return "\n".join([head, block("is_alert", alerting, handles), block("is_recovery", recovered, handles), links(service, deployment, section)])


def _told(service: Service, severity: Severity, through: Optional[str]) -> tuple[list[str], str]:
    """Whom a tier tells, and how its alert block ends: its route's handles, or nobody when a composite over its
    severity's tiers tells them, once for all (one page for one problem)."""
    if through is None:
        return route_handles(service, severity), f"{severity}."
    return [], f"{severity}, told through the composite monitor {through} (one {severity} for all the SLO's {severity} tiers)."


def burn_rate_message(
    service: Service, deployment: Deployment, slo: Slo, *, rate: str, windows: str, severity: Severity, section: str, through: Optional[str] = None
) -> str:
    """Burn-rate alerts have no {{value}}: Datadog gives the rate seen over each window instead. `through`: the
    composite monitor that notifies for the tier, which then notifies nobody itself."""
    handles, told = _told(service, severity, through)
    observed = "{{long_window_burn_rate}}x (long window) and {{short_window_burn_rate}}x (short window)"
    head = (
        f"{service.service} ({deployment.environment}): SLO {slo.name} ({slo.objective} over {{{{timeframe}}}}) "
        f"burns its error budget at {observed}, threshold {rate}x over {windows}."
    )
    alerting, recovered = f"Error budget burning faster than {rate}x over {windows}: {told}", f"Recovered: SLO {slo.name} burn rate is back under {rate}x."
    return _alert_message(service, deployment, head, alerting=alerting, recovered=recovered, handles=handles, section=section)


def error_budget_message(
    service: Service, deployment: Deployment, slo: Slo, *, spent: str, tier: str, severity: Severity, section: str, through: Optional[str] = None
) -> str:
    """The error-budget alert: `{{value}}` is the share of the window's budget spent."""
    handles, told = _told(service, severity, through)
    head = (
        f"{service.service} ({deployment.environment}): SLO {slo.name} ({slo.objective} over {{{{timeframe}}}}) has spent "
        f"{{{{value}}}}% of its error budget, threshold {spent}% (Datadog's watch of the {tier} slow-burn tier)."
    )
    alerting, recovered = f"Error budget over {spent}% spent: {told}", f"Recovered: SLO {slo.name} has spent under {spent}% of its error budget."
    return _alert_message(service, deployment, head, alerting=alerting, recovered=recovered, handles=handles, section=section)


def tiers_message(
    service: Service, deployment: Deployment, slo: Slo, *, severity: Severity, tiers: list[str], section: str, requests: Optional[int] = None
) -> str:
    """The composite over an SLO's tiers of one severity: it notifies once, whichever of them fires. `requests`: the
    burn-rate tiers count only while their short window holds so many requests (min_requests)."""
    handles = route_handles(service, severity)
    head = (
        f"{service.service} ({deployment.environment}): SLO {slo.name} ({slo.objective} over {slo.window}) burns its error budget: "
        f"one of its {severity} tiers ({', '.join(tiers)}) is firing."
    )
    if requests:
        head += f" A burn-rate tier counts while its short window holds at least {requests} requests."
    alerting, recovered = f"SLO {slo.name} error budget burning (tiers {', '.join(tiers)}): {severity}.", f"Recovered: no {severity} tier of SLO {slo.name} is firing."
    return _alert_message(service, deployment, head, alerting=alerting, recovered=recovered, handles=handles, section=section)


def synthetic_message(service: Service, deployment: Deployment, check_name: str, url: str, severity: Severity, section: str) -> str:
    handles = route_handles(service, severity)
    head = f"{service.service} ({deployment.environment}): health check {check_name} ({url}) is failing."
    alerting, recovered = f"{url} fails its status or response-time assertion: {severity}.", f"Recovered: {url} passes again."
    return _alert_message(service, deployment, head, alerting=alerting, recovered=recovered, handles=handles, section=section)
