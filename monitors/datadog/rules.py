"""Datadog's rules, checked on the very arguments the builders produce, before any resource is declared.

Checking the built `...Args` (not the spec) means the rules and the builders cannot drift: whatever a
builder would send to Datadog is what is checked. Each violation points at the spec path it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from monitors.common.burn_rates import max_burn_rate
from monitors.common.context import Deployment
from monitors.common.declarations import Declaration
from monitors.common.rules import PathKey, Violation, sparse_no_data
from monitors.common.runbook import runbook_url
from signals.datadog import with_stand_ins
from spec import Service
from spec.slos import Slo
from spec.units import Duration

from . import limits as L
from .burn_rates import composited, time_slice_problems
from .downtimes import downtime_problems
from .messages import HANDLE
from .numbers import MONITOR_WINDOWS
from .thresholds import requests_guard

# The builders' ...Args type every field as a pulumi.Input (value, awaitable or Output); the builders fill them
# with plain values, which is what the rules read.
Args = Any


# Datadog facts (see DESIGN.md); the documented limits live in limits.py.
TAG = re.compile(r"^[a-z][a-z0-9_\-:./]*$")
TAG_MAX = L.TAG_LENGTH.number
DASHBOARD_TAGS_MAX = L.DASHBOARD_TAGS.number
PRIORITIES = range(1, 6)
LOG_WINDOWS = ("5m", "10m", "15m", "30m", "1h", "2h", "4h", "1d")
SLO_TIMEFRAMES = ("7d", "30d", "90d")
TICK_EVERY = (30, 604_800)
RETRY_MAX = L.RETRIES.number
BURN_LONG_WINDOW_MS = (3_600_000, 48 * 3_600_000)
NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"

METRIC_TERM = re.compile(
    r"(?:avg|sum|min|max|p[0-9]{2}):[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\{(?P<scope>[^{}]*)\}(?: by \{[a-z][a-z0-9_]*(?:,[a-z][a-z0-9_]*)*\})?"
    r"(?:\.as_count\(\)|\.as_rate\(\))?"
)
QUERY_ALERT = re.compile(r"^(?P<agg>avg|sum|min|max|percentile)\(last_(?P<window>[0-9]+[mhd])\):(?P<expr>.+) (?P<op>>=|<=|>|<) (?P<n>\S+)$")
LOG_ALERT = re.compile(
    r'^logs\("(?P<search>[^"\\]*)"\)\.index\("\*"\)\.rollup\("count"\)\.last\("(?P<window>[0-9]+[mhd])"\) (?P<op>>=|<=|>|<) (?P<n>\S+)$'
)
SLO_ALERT = re.compile(
    r'^burn_rate\("(?P<id>[^"]+)"\)\.over\("(?P<over>[0-9]+d)"\)'
    r'\.long_window\("(?P<long>[0-9]+[mhd])"\)\.short_window\("(?P<short>[0-9]+[mhd])"\) > (?P<n>\S+)$'
)
COMPOSITE_TERM = re.compile(r"[A-Za-z0-9_\-]+")  # a monitor id (the placeholder's stand-in offline)
COMPOSITE_MONITORS_MAX = L.COMPOSITE_MONITORS.number
ERROR_BUDGET_ALERT = re.compile(r'^error_budget\("(?P<id>[^"]+)"\)\.over\("(?P<over>[0-9]+d)"\) > (?P<n>\S+)$')
# Functions vigil applies to one metric term (dashboards/functions): a dead-letter queue's arrivals.
FUNCTIONS = ("monotonic_diff", "default_zero")
FUNCTION_OF_TERM = re.compile(rf"\b(?:{'|'.join(FUNCTIONS)})\(M\)")
BLOCK = re.compile(r"\{\{([#^/])\s*([a-z_]+)[^}]*\}\}")


def _ms(window: str) -> int:
    """A window as the query writes it ('1h', '5m') in milliseconds; no validation, so '0m' is reported, not raised."""
    return int(window[:-1]) * Duration.UNITS[window[-1]]


# ---- generic checks, each returning messages ------------------------------------------------------


def tag_problems(tags: Iterable[str]) -> list[str]:
    out = []
    for tag in tags:
        if len(tag) > TAG_MAX:
            out.append(f"Datadog tag {tag!r} is longer than {TAG_MAX} characters")
        elif not TAG.fullmatch(tag):
            out.append(f"Datadog tag {tag!r} must be lowercase, start with a letter and use only a-z 0-9 _ - : . /")
    return out


def template_problems(message: str) -> list[str]:
    """Datadog's {{#is_alert}}…{{/is_alert}} blocks must open and close in order."""
    stack: list[str] = []
    for kind, name in BLOCK.findall(message):
        if kind in "#^":
            stack.append(name)
        elif not stack or stack.pop() != name:
            return [f"message template block {{{{/{name}}}}} closes a block that is not open"]
    return [f"message template block {{{{#{name}}}}} is never closed" for name in stack]


def number_problems(text: str) -> list[str]:
    if not re.fullmatch(NUMBER, text):
        return [f"threshold {text!r} is not a number as Datadog writes it (leading zero, no exponent)"]
    return []


def scope_problems(expression: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Every metric term is `<aggregation>:<metric>{<tags>}`; the rest is numbers, operators and brackets.

    Tags in `known` were already reported where they come from (the service's own tags) and are skipped.
    """
    out = []
    for match in METRIC_TERM.finditer(expression):
        for part in match.group("scope").split(","):
            if part != "*" and not part.startswith("$") and part not in known:
                out += [p.replace("Datadog tag", "query scope tag") for p in tag_problems([part])]
    rest = METRIC_TERM.sub("M", expression)
    while FUNCTION_OF_TERM.search(rest):  # a function of one metric term (monotonic_diff(default_zero(…))) is a term
        rest = FUNCTION_OF_TERM.sub("M", rest)
    if not re.fullmatch(r"[M0-9.\s+\-*/()]+", rest) or "M" not in rest:
        out.append(f"query {expression!r} is not metric terms joined by arithmetic")
    if re.search(r"(?<![0-9a-z_])\.[0-9]", rest):
        out.append("numbers between 0 and 1 need their leading zero")
    return out


def ordering_problems(op: str, thresholds: Any) -> list[str]:
    """For `>`: warning < critical and each recovery below its threshold; mirrored for `<`."""
    values = {k: getattr(thresholds, k) for k in ("critical", "critical_recovery", "warning", "warning_recovery")}
    nums = {k: float(v) for k, v in values.items() if v is not None and re.fullmatch(NUMBER, str(v))}
    above = op in (">", ">=")
    word = "below" if above else "above"

    def ok(low: str, high: str) -> bool:
        return low not in nums or high not in nums or (nums[low] < nums[high] if above else nums[low] > nums[high])

    out = []
    if not ok("warning", "critical"):
        out.append(f"warning ({values['warning']}) must be {word} critical ({values['critical']}) for a '{op}' query")
    if not ok("critical_recovery", "critical"):
        out.append(f"critical recovery ({values['critical_recovery']}) must be {word} critical ({values['critical']})")
    if not ok("warning_recovery", "warning"):
        out.append(f"warning recovery ({values['warning_recovery']}) must be {word} warning ({values['warning']})")
    return out


def message_problems(message: str, required_links: Iterable[str], quiet: bool = False) -> list[str]:
    """Blocks that balance, a handle (unless the monitor is `quiet`: a composite notifies for it), the links."""
    out = template_problems(message)
    if not quiet and not HANDLE.search(message):
        out.append("message notifies nobody: the route has no Datadog handle")
    if quiet and HANDLE.search(message):
        out.append("a tier a composite monitor notifies for must notify nobody itself (one page for one problem)")
    for link in required_links:
        if link not in message:
            out.append(f"message lacks the link {link}")
    return out


def priority_problems(priority: Any) -> list[str]:
    try:
        value = int(priority)
    except (TypeError, ValueError):
        return [f"priority {priority!r} is not a number"]
    return [] if value in PRIORITIES else [f"priority {value} is outside Datadog's 1-5"]


# ---- per resource kind -------------------------------------------------------------------------------


def monitor_problems(args: Args, known: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Problems of a query/log/SLO alert, keyed by what they concern: query, critical, warning, priority, tags, message."""
    out: dict[str, list[str]] = {}
    kind, thresholds = args.type, args.monitor_thresholds
    query = with_stand_ins(str(args.query))  # another stack's output: its value is checked where it is written or read
    pattern = {"query alert": QUERY_ALERT, "log alert": LOG_ALERT, "slo alert": SLO_ALERT}.get(str(kind))
    match = pattern.fullmatch(str(query)) if pattern else None
    if match is None and kind == "slo alert":
        match = ERROR_BUDGET_ALERT.fullmatch(str(query))
    if pattern is None:
        out.setdefault("query", []).append(f"monitor type {kind!r} is not one vigil builds")
    elif match is None:
        out.setdefault("query", []).append(f"query {query!r} does not follow Datadog's {kind} grammar")
    else:
        groups = match.groupdict()
        if kind == "query alert":
            out.setdefault("query", []).extend(scope_problems(groups["expr"], known))
        if kind == "log alert":
            terms = [t for t in groups["search"].split(" ") if t not in known]
            out.setdefault("query", []).extend(p.replace("Datadog tag", "log search term") for p in tag_problems(terms))
        if "window" in groups and groups["window"] not in (LOG_WINDOWS if kind == "log alert" else MONITOR_WINDOWS):
            allowed = ", ".join(LOG_WINDOWS if kind == "log alert" else MONITOR_WINDOWS)
            out.setdefault("window", []).append(f"evaluation window {groups['window']} is not one of Datadog's: {allowed}")
        number = groups["n"]
        out.setdefault("critical", []).extend(number_problems(number))
        critical = getattr(thresholds, "critical", None) if thresholds else None
        if critical is None:
            out.setdefault("critical", []).append("Datadog needs a critical threshold equal to the query's")
        elif not number_problems(number) and not number_problems(str(critical)) and float(number) != float(critical):
            out.setdefault("critical", []).append(f"the query compares with {number} but the critical threshold is {critical}")
        if thresholds is not None:
            for key in ("warning", "critical_recovery", "warning_recovery"):
                value = getattr(thresholds, key)
                if value is not None:
                    out.setdefault("warning" if key.startswith("warning") else "critical", []).extend(number_problems(str(value)))
            problems = ordering_problems(groups.get("op", ">"), thresholds)
            out.setdefault("warning", []).extend(p for p in problems if p.startswith("warning"))
            out.setdefault("critical", []).extend(p for p in problems if p.startswith("critical"))
    if args.priority is not None:
        out.setdefault("priority", []).extend(priority_problems(args.priority))
    timeout = getattr(args, "timeout_h", None)
    if timeout is not None and not 0 <= timeout <= 24:
        out.setdefault("query", []).append(f"timeout_h {timeout} is outside Datadog's 0 to 24 hours ({L.TIMEOUT_HOURS.url})")
    delay = getattr(args, "evaluation_delay", None)
    if delay is not None and not 0 <= delay <= L.EVALUATION_DELAY.number:
        out.setdefault("query", []).append(f"evaluation_delay {delay} s is outside Datadog's 0 to {L.EVALUATION_DELAY.number} ({L.EVALUATION_DELAY.url})")
    out.setdefault("tags", []).extend(tag_problems(t for t in args.tags or [] if t not in known))
    return {k: v for k, v in out.items() if v}


def burn_rate_problems(args: Args, slo: Slo) -> list[str]:
    match = SLO_ALERT.fullmatch(str(args.query))
    if match is None:
        return []  # monitor_problems reports the grammar
    out = []
    long, short = _ms(match["long"]), _ms(match["short"])
    if not BURN_LONG_WINDOW_MS[0] <= long <= BURN_LONG_WINDOW_MS[1]:
        out.append(f"long window {match['long']} is outside Datadog's 1h to 48h")
    if not short < long:
        out.append(f"short window {match['short']} must be shorter than long window {match['long']}")
    if not number_problems(match["n"]):
        rate, ceiling = float(match["n"]), max_burn_rate(slo)
        if not 0 < rate <= ceiling:
            out.append(
                f"burn rate {match['n']} must be above 0 and at most 1/(1 − {slo.objective}) = {ceiling:g}: "
                "lengthen the long window or lower the budget share (set the SLO's burn_rate tiers)"
            )
    return out


def guard_problems(args: Args, members: int) -> list[str]:
    """The composite of an alert and its traffic monitor: two monitor ids joined by `&&`."""
    terms = [t.strip() for t in str(args.query).split("&&")]
    out = [] if len(terms) == members == 2 and all(COMPOSITE_TERM.fullmatch(t) for t in terms) else [f"composite query {args.query!r} is not two monitor ids joined by &&"]
    if args.priority is not None:
        out += priority_problems(args.priority)
    return out


def composite_problems(args: Args, members: int) -> list[str]:
    """A composite monitor: monitor ids, or a tier and its traffic `(a && b)`, joined by `||` (vigil's), at most 10
    monitors (composite monitors)."""
    out = []
    terms = [t.strip() for t in str(args.query).split("||")]
    guarded = [t[1:-1].split("&&") if t.startswith("(") and t.endswith(")") else [t] for t in terms]
    if not all(len(g) <= 2 and all(COMPOSITE_TERM.fullmatch(i.strip()) for i in g) for g in guarded):
        out.append(f"composite query {args.query!r} is not monitor ids, or a tier and its traffic (a && b), joined by ||")
    if members > COMPOSITE_MONITORS_MAX:
        out.append(
            f"a composite monitor combines at most {COMPOSITE_MONITORS_MAX} monitors, got {members} (its tiers and their "
            "traffic monitors, min_requests): fewer tiers of this severity, or min_requests: 0"
        )
    if args.priority is not None:
        out += priority_problems(args.priority)
    return out


def error_budget_problems(args: Args, slo: Slo) -> list[str]:
    match = ERROR_BUDGET_ALERT.fullmatch(str(args.query))
    if match is None:
        return []  # a burn-rate alert, or monitor_problems reports the grammar
    out = []
    if match["over"] != str(slo.window):
        out.append(f"the error-budget alert's timeframe {match['over']} must be the SLO's, {slo.window}")
    if not number_problems(match["n"]) and not 0 < float(match["n"]) <= 100:
        out.append(f"the share of the budget spent, {match['n']}%, must be above 0 and at most 100")
    return out


def beyond_burn_rates(slo: Slo) -> list[str]:
    """Datadog watches one tier beyond its 48-hour burn-rate limit, with the SLO's error-budget alert."""
    slow = [str(t.long) for t in slo.burn_rate if t.long.ms > BURN_LONG_WINDOW_MS[1]]
    if len(slow) > 1:
        return [f"Datadog looks back at most 48h at a burn rate and watches one slower tier, as the SLO's error-budget alert: got {', '.join(slow)}"]
    return []


def slo_problems(args: Args, known: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for threshold in args.thresholds or []:
        if threshold.timeframe not in SLO_TIMEFRAMES:
            out.setdefault("window", []).append(f"timeframe {threshold.timeframe} is not one of {', '.join(SLO_TIMEFRAMES)}")
        if not 0 < threshold.target < 100:
            out.setdefault("objective", []).append(f"target {threshold.target} must be strictly between 0 and 100")
        if threshold.warning is not None and not threshold.target < threshold.warning < 100:
            out.setdefault("warning", []).append(f"warning {threshold.warning} must be above the target {threshold.target} and below 100")
    if args.type == "metric" and args.query is not None:
        for side in ("numerator", "denominator"):
            text = str(getattr(args.query, side))
            aggregations = re.findall(r"(?<![a-z0-9_.])([a-z0-9]+):[a-z][a-z0-9_]*\.", text)
            if not aggregations or any(a != "sum" for a in aggregations):
                out.setdefault("sli", []).append(f"metric SLO {side} must aggregate with sum: {text!r}")
    out.setdefault("tags", []).extend(tag_problems(t for t in args.tags or [] if t not in known))
    return {k: v for k, v in out.items() if v}


def synthetic_problems(args: Args, known: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    options = args.options_list
    if options is not None:
        if not TICK_EVERY[0] <= options.tick_every <= TICK_EVERY[1]:
            out.setdefault("interval", []).append(f"tick_every {options.tick_every} s is outside Datadog's {TICK_EVERY[0]}-{TICK_EVERY[1]} s")
        if options.retry is not None and not 0 <= (options.retry.count or 0) <= RETRY_MAX:
            out.setdefault("failure.retries", []).append(f"retry count {options.retry.count} is outside Datadog's 0-{RETRY_MAX}")
        locations = len(args.locations or [])
        if options.min_location_failed is not None and not 1 <= options.min_location_failed <= locations:
            out.setdefault("failure.locations", []).append(
                f"min_location_failed {options.min_location_failed} must be between 1 and the {locations} locations"
            )
        if options.monitor_priority is not None:
            out.setdefault("severity", []).extend(priority_problems(options.monitor_priority))
    if not args.locations:
        out.setdefault("regions", []).append("a synthetic test needs at least one location")
    out.setdefault("tags", []).extend(tag_problems(t for t in args.tags or [] if t not in known))
    return {k: v for k, v in out.items() if v}


def dashboard_problems(args: Args) -> list[str]:
    tags = list(args.tags or [])
    out = tag_problems(tags)
    if len(tags) > DASHBOARD_TAGS_MAX:
        out.append(f"a dashboard takes at most {DASHBOARD_TAGS_MAX} tags, got {len(tags)}")
    out += [f"dashboard tag {t!r} must be a team tag (team:<name>)" for t in tags if not t.startswith("team:")]
    return out


# ---- the service ---------------------------------------------------------------------------------------


def _add(violations: list[Violation], path: PathKey, messages: Iterable[str]) -> None:
    violations.extend(Violation(path, m) for m in messages)


def _sub(base: PathKey, key: str) -> PathKey:
    return (*base, *key.split("."))


def check(service: Service, deployment: Deployment, declarations: Iterable[Declaration]) -> list[Violation]:
    """Every Datadog rule for one service as one environment sees it: on what the walk declares
    (program/datadog_walk.py), recorded with stand-in references (program/checks.py)."""
    declarations = list(declarations)
    violations: list[Violation] = sparse_no_data(service)
    composites = {d.logical for d in declarations if d.kind == "monitor" and d.args.type == "composite"}
    for d in declarations:
        nested = sorted(set(d.depends_on) & composites) if d.logical in composites else []
        if nested:
            violations.append(Violation(d.path, f"composite monitor {d.logical} combines the composite(s) {', '.join(nested)}: Datadog's "
                                                f"composites cannot be based on other composites ({L.COMPOSITE_OF_COMPOSITE.url})"))
    known = frozenset(deployment.tag_list(service))  # reported once, here, not again on every resource
    _add(violations, ("tags",), tag_problems(known))
    links = [runbook_url(service, deployment)]
    slos = {slo.name: slo for slo in service.slos}
    checks = {check.name: check for check in service.health_checks}
    for declaration in declarations:
        args, path = declaration.args, declaration.path
        found = declaration.alert.signal if declaration.alert is not None else None  # a threshold alert's
        if declaration.kind == "monitor" and path[0] in ("alerts", "custom_alerts"):
            assert found is not None, f"{declaration.logical} realises no threshold alert"
            name, threshold = found.key, found.threshold
            query_at = (*path, "datadog") if path[0] == "custom_alerts" else path  # a custom alert's query is its datadog block's
            for key, messages in monitor_problems(args, known).items():
                if key == "critical" and threshold.critical is None:
                    key = "warning"  # a warning-only alert is the monitor's critical level
                target = {"tags": ("tags",), "query": query_at, "window": (*path, "window")}.get(key, (*path, key))
                _add(violations, target, [f"{found.signal.direction} alert {name}: {m}" for m in messages])
            level = "critical" if threshold.critical is not None else "warning"
            target = (*path[:2], "route") if threshold.own_route is not None else ("routes", threshold.severity(level))
            quiet = requests_guard(service, found) is not None and threshold.no_data != "alert"  # its composite notifies
            _add(violations, target, [f"alert {name}: {m}" for m in message_problems(str(args.message), links, quiet=quiet)])
        elif declaration.kind == "monitor" and path[0] == "min_requests":  # low traffic: a traffic monitor, or its composite
            name = str(path[1])
            if args.type == "composite":
                problems = guard_problems(args, len(declaration.depends_on))
                assert found is not None, f"{declaration.logical} guards no threshold alert"
                threshold_ = found.threshold
                level = "critical" if threshold_.critical is not None else "warning"
                target = ("alerts", name, "route") if threshold_.own_route is not None else ("routes", threshold_.severity(level))
                _add(violations, target, [f"alert {name} over min_requests: {m}" for m in message_problems(str(args.message), links)])
            else:
                problems = [m for messages in monitor_problems(args, known).values() for m in messages]
                _add(violations, ("min_requests",), [f"alert {name}'s traffic: {m}" for m in message_problems(str(args.message), links, quiet=True)])
            _add(violations, ("min_requests",), [f"alert {name}'s traffic: {m}" for m in problems])
        elif declaration.kind == "slo":
            slo = slos[str(path[1])]
            _add(violations, (*path, "burn_rate"), [f"SLO {slo.name}: {m}" for m in beyond_burn_rates(slo)])
            for key, messages in slo_problems(args, known).items():
                _add(violations, ("tags",) if key == "tags" else (*path, key), [f"SLO {slo.name}: {m}" for m in messages])
        elif declaration.kind == "monitor" and args.type == "composite":  # over an SLO's tiers: ("slos", name, "burn_rate")
            slo = slos[str(path[1])]
            severity = declaration.alert.level if declaration.alert is not None else "page"
            _add(violations, path, [f"SLO {slo.name} {severity} tiers: {m}" for m in composite_problems(args, len(declaration.depends_on))])
            _add(violations, ("tags",), tag_problems(t for t in args.tags or [] if t not in known))
            _add(violations, ("routes", str(severity)), [f"SLO {slo.name} {severity} tiers: {m}" for m in message_problems(str(args.message), links)])
        elif declaration.kind == "monitor":  # a burn-rate tier: ("slos", name, "burn_rate", long)
            slo = slos[str(path[1])]
            tier = next(t for t in slo.burn_rate if str(t.long) == path[3])
            _add(violations, path, [f"SLO {slo.name} burn-rate tier {tier.long}/{tier.short}: {m}" for m in burn_rate_problems(args, slo)])
            _add(violations, path, [f"SLO {slo.name} tier {tier.long}/{tier.short}: {m}" for m in error_budget_problems(args, slo)])
            _add(violations, path, [f"SLO {slo.name} burn-rate tier {tier.long}/{tier.short} on Datadog: {m}" for m in time_slice_problems(slo, tier)])
            for key, messages in monitor_problems(args, known).items():
                _add(violations, ("tags",) if key == "tags" else path, [f"SLO {slo.name} burn-rate tier {tier.long}: {m}" for m in messages])
            quiet = tier.severity in composited(service, slo)  # a composite notifies for it: it notifies nobody itself
            problems = message_problems(str(args.message), links, quiet=quiet)
            _add(violations, ("routes", tier.severity), [f"SLO {slo.name} burn-rate tier {tier.long}: {m}" for m in problems])
        elif declaration.kind == "synthetic":
            check_ = checks[str(path[1])]
            if check_.interval.ms % 1000:
                _add(violations, (*path, "interval"), [f"health check {check_.name}: Datadog ticks in whole seconds, got {check_.interval}"])
            for key, messages in synthetic_problems(args, known).items():
                _add(violations, ("tags",) if key == "tags" else _sub(path, key), [f"health check {check_.name}: {m}" for m in messages])
            _add(violations, ("routes", check_.severity), [f"health check {check_.name}: {m}" for m in message_problems(str(args.message), links)])
        elif declaration.kind == "datadog_dashboard":
            _add(violations, ("dashboards",), [f"dashboard: {m}" for m in dashboard_problems(args)])
        elif declaration.kind == "downtime":
            _add(violations, path, [f"downtime {declaration.logical}: {m}" for m in downtime_problems(args)])
            _add(violations, ("tags",), tag_problems(args.monitor_identifier.monitor_tags))
    return sorted(set(violations))
