"""docs/oncall.md: routes and escalation per service and environment, silencing, changing a threshold."""

from __future__ import annotations

from spec.routes import Severity
from spec.teams import Team

from ..routing import is_alarm, is_monitor, is_sentry_alert
from .model import DocsInput
from .service_page import HEADER
from .windows import window_words
from .words import code, route_words, table


def _counts(inp: DocsInput, name: str, env: str) -> str:
    """How many alert conditions go to each route in an environment (from the spec); alerts with routes of their own
    are counted apart."""
    svc = inp.service(name, env)
    if svc is None:
        return "—"
    counts = {"page": 0, "ticket": 0}
    own = 0
    for _, threshold in svc.threshold_alerts():
        for level, _ in threshold.levels():
            if threshold.own_route is not None:
                own += 1
            else:
                counts[threshold.severity(level)] += 1
    for check in svc.health_checks:
        counts[check.severity] += 1
    for slo in svc.slos:
        for tier in slo.burn_rate:
            counts[tier.severity] += 1
    sentry = svc.sources.sentry
    if sentry is not None and any("sentry" in s.backends for s in inp.stacks_of(env)):
        rules = [r for r in (sentry.new_issues, sentry.regressions) if r.enabled]
        levels = [sentry.errors.severity(level) for level, _ in sentry.errors.levels()] if sentry.errors.enabled else []
        for rule in rules:
            own, counts[rule.severity] = (own + 1, counts[rule.severity]) if rule.own_route else (own, counts[rule.severity] + 1)
        for severity in levels:
            own, counts[severity] = (own + 1, counts[severity]) if sentry.errors.own_route else (own, counts[severity] + 1)
    return f"{counts['page']} page, {counts['ticket']} ticket" + (f", {own} to their own routes" if own else "")


def _route_cell(inp: DocsInput, name: str, env: str, severity: Severity) -> str:
    svc = inp.service(name, env)
    assert svc is not None
    words = route_words(svc.routes.get(severity), svc.backends)
    return f"{words} (the team's)" if inp.catalog.inherits_route(name, env, severity) else words


def _teams(inp: DocsInput) -> dict[str, list[tuple[str, str]]]:
    """(service, environment) pairs by the team they belong to there."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name in inp.service_names():
        for env, svc in inp.versions(name):
            out.setdefault(svc.team, []).append((name, env))
    return dict(sorted(out.items()))


def _escalation(team: Team) -> list[str]:
    lines = []
    for number, step in enumerate(team.escalation, 1):
        when = f"after {step.after} unacknowledged" if step.after is not None else "first"
        lines.append(f"{number}. {step.notify} ({when})")
    return lines


def team_section(inp: DocsInput, team: str, members: list[tuple[str, str]]) -> list[str]:
    """One team: what its teams file declares (per environment when it differs), then its services' routes."""
    lines = [f"### {team}", ""]
    declared = inp.catalog.team_declarations.get(team)
    if declared is None:
        lines += ["Not declared in a teams file: each service of the team names its own routes.", ""]
    else:
        versions = {env: t for env in inp.environments if (t := inp.catalog.teams.get(env, {}).get(team)) is not None}
        first = next(iter(versions.values()), None)
        if first is not None and first.description:
            lines += [first.description, ""]
        lines += [f"Declared in {code(declared.document.file)}; its services inherit its routes (a service's own route replaces it per severity).", ""]
        escalations = {env: _escalation(t) for env, t in versions.items()}
        if len({tuple(v) for v in escalations.values()}) == 1:
            steps = next(iter(escalations.values()))
            lines += (["Escalation, when a page stays unacknowledged:", "", *steps, ""] if steps else [])
        else:
            for env, steps in escalations.items():
                lines += [f"Escalation in {env}:", "", *(steps or ["(none declared)"]), ""]
        tags = {env: ", ".join(f"{k}:{v}" for k, v in t.tags.items()) for env, t in versions.items()}
        if any(tags.values()):
            shown = next(iter(tags.values())) if len(set(tags.values())) == 1 else "; ".join(f"{env}: {v or '—'}" for env, v in tags.items())
            lines += [f"Tags on every resource of its services: {shown}.", ""]
    rows = [
        [f"[{name}](services/{name}.md)", env, _route_cell(inp, name, env, "page"), _route_cell(inp, name, env, "ticket"), _counts(inp, name, env)]
        for name, env in members
    ]
    return [*lines, *table(["service", "environment", "page (critical)", "ticket (warning)", "conditions"], rows), ""]


def routes(inp: DocsInput) -> list[str]:
    lines: list[str] = []
    for team, members in _teams(inp).items():
        lines += team_section(inp, team, members)
    return lines[:-1]


def alerting_resources(inp: DocsInput) -> list[str]:
    sentry = any("sentry" in stack.backends for stack in inp.stacks)
    rows = []
    for stack in inp.stacks:
        monitors = [r for r in stack.plan.resources if is_monitor(r)]
        alarms = [r for r in stack.plan.resources if is_alarm(r)]
        rules = [r for r in stack.plan.resources if is_sentry_alert(r)]
        rows.append([code(stack.stack), stack.environment, str(len(monitors)), str(len(alarms)), *([str(len(rules))] if sentry else [])])
    return table(["stack", "environment", "Datadog monitors", "CloudWatch alarms", *(["Sentry alerts"] if sentry else [])], rows)


def maintenance_windows(inp: DocsInput) -> list[str]:
    """Every window of the catalog, by service and environment; empty when there are none."""
    rows = [
        [f"[{name}](services/{name}.md#maintenance-{w.name})", env, w.name, w.description or "—", window_words(w)]
        for name in inp.service_names()
        for env, svc in inp.versions(name)
        for w in svc.maintenance
    ]
    if not rows:
        return []
    return [
        "Scheduled in the catalog (Datadog downtimes, CloudWatch alarm mute rules):",
        "",
        *table(["service", "environment", "window", "why", "when"], rows),
        "",
    ]


SEVERITY = """\
## Severity and escalation

| level | what it means | who | expected response |
| --- | --- | --- | --- |
| critical (page) | users are affected now, or will be soon: a critical threshold, a fast SLO burn, a failing `page` health check | the page route | acknowledge within 5 minutes, mitigate first (roll back, scale out), investigate after |
| warning (ticket) | something drifts: a warning threshold, a slow SLO burn, a failing `ticket` health check | the ticket route | triage the same working day; fix or tune the threshold by pull request |

Escalation:

1. The page route notifies the on-call engineer (for example the PagerDuty service behind a `@pagerduty-…` handle, and the
   SNS subscriptions of the page topic for CloudWatch alarms). Escalation beyond the first responder — secondary on-call,
   team lead — is the paging tool's escalation policy, not this repository's.
2. If the alert is not acknowledged, the paging tool escalates; if it is acknowledged but users stay affected for more
   than 15 minutes, the responder declares an incident and pulls in the owners of the failing dependency.
3. Every alert links its section of the service page (what it watches, thresholds, what to do) and the service's runbook.
4. In environments other than prod, the page route usually points at a chat channel: nobody is woken up for dev.
"""

SILENCE_PLANNED = """\
## Silencing alerts

Planned work (patching, migrations, a month-end batch) gets a **maintenance window** in the catalog: a one-off or
recurring window under the service's `maintenance` (or `environments.<env>.maintenance` for one environment), reviewed
like any other change. Datadog mutes the service's monitors in that environment (a downtime schedule); CloudWatch mutes
the actions of its alarms (alarm mute rules); alarms and monitors keep evaluating. When the window ends, what is still
wrong is told then: Datadog notifies for monitors still alerting, CloudWatch runs the muted action of an alarm still in
that state — a problem that begins during the window is told up to the window's length late. What cannot be muted:
Route 53 keeps probing, SLOs keep counting errors against the budget, and Sentry alerts are not muted (see docs/spec.md).
"""

SILENCE = """\
For anything unplanned, silence for a bounded time, with a reason, and never by editing the catalog's thresholds (that
would change the reviewed spec and hide the alert for everyone, in every environment).

**Datadog** — schedule a downtime:

- UI: *Monitors → Manage Downtimes → Schedule Downtime*, scope it to the monitors' tags (for example
  `service:api` and `env:prod`), give it an end time and a message.
- API:

  ```sh
  curl -X POST "https://api.datadoghq.eu/api/v2/downtime" \\
    -H "DD-API-KEY: $DATADOG_API_KEY" -H "DD-APPLICATION-KEY: $DATADOG_APP_KEY" -H "Content-Type: application/json" \\
    -d '{"data": {"type": "downtime", "attributes": {
          "scope": "service:api AND env:prod",
          "monitor_identifier": {"monitor_tags": ["service:api", "env:prod"]},
          "schedule": {"end": "2030-01-01T12:00:00Z"},
          "message": "Planned database maintenance (CHANGE-1234)"}}}'
  ```

  Use the API URL of your Datadog site (`monitoring:datadogApiUrl` of the stack).

**CloudWatch** — disable the alarm actions (the alarm keeps evaluating, nobody is notified):

```sh
aws cloudwatch disable-alarm-actions --region <region> --alarm-names <alarm name> [<alarm name> ...]
aws cloudwatch enable-alarm-actions  --region <region> --alarm-names <alarm name> [<alarm name> ...]
```

The alarm names of a service are listed in its page under *Deployed resources*. Route 53 health-check alarms live in
`us-east-1`. Re-enable the actions yourself when the work ends: a plain `pulumi up` does not notice the change made
outside Pulumi; `pulumi up --refresh` (or `pulumi refresh`) sees the drift and restores the declared, enabled actions.
"""

CHANGE = """\
## Changing a threshold (through a pull request)

Thresholds, routes, SLOs and health checks live in the catalog (`catalog/*.yaml`), reviewed like code:

1. Edit the service's file: the base value applies to every environment; an entry under `environments.<env>`
   overrides it for one environment (`null` removes an alert there).
2. Run `vigil validate`: every environment of every service is checked, including Datadog's and AWS's rules; problems
   are reported as `file:line:col: field.path: message`.
3. Run `vigil docs` and commit the regenerated pages: CI fails while the committed docs are stale (`vigil docs --check`).
4. Open the pull request. The PR preview comments the monitoring changes (`vigil diff`): which alerts appear or
   disappear, which thresholds move, who gets paged. Reviewers from the owning team check the diff, not only the YAML.
5. Merge. The deployment runs `pulumi up` for each stack (dev first, then prod); the plan it applies is the one reviewed.

To try a change locally without credentials: `vigil plan --stack prod` prints what the stack would register.
"""


def render_oncall(inp: DocsInput) -> str:
    lines = [
        HEADER,
        "",
        "# On-call",
        "",
        "Who is notified for which service and environment, how to escalate, how to silence, and how to change an alert.",
        "Each service's page lists every alert with its thresholds and what to do.",
        "",
        "## Routes by team",
        "",
        *routes(inp),
        "",
        "Alerting resources per stack:",
        "",
        *alerting_resources(inp),
        "",
        SEVERITY,
        SILENCE_PLANNED,
        *maintenance_windows(inp),
        SILENCE,
        CHANGE.rstrip("\n"),
    ]
    return "\n".join(lines) + "\n"


def render_index(inp: DocsInput) -> str:
    rows = []
    for name in inp.service_names():
        versions = inp.versions(name)
        svc = versions[-1][1]
        rows.append([f"[{name}]({name}.md)", svc.team, svc.description or "", ", ".join(env for env, _ in versions)])
    lines = [HEADER, "", "# Services", "", *table(["service", "team", "description", "environments"], rows), "", "On-call: [oncall.md](../oncall.md)."]
    return "\n".join(lines) + "\n"
