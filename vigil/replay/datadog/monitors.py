"""Datadog threshold monitors over time: `query alert` (metric) and `log alert` (monitors/configuration,
monitors/types/metric, monitors/types/log).

Evaluation: every minute for windows under 24 h, every 10 minutes up to 48 h, every 30 minutes beyond. Each run
reads the window `[now − evaluation_delay − window, now − evaluation_delay)`. With `require_full_window`, the window
is split in buckets (1 minute for a window in minutes, 10 minutes in hours, 1 hour in days) and a run is skipped —
the state holds — unless the first bucket has data and at most three are empty. A run without a value keeps the
state, except that with `notify_no_data`, a monitor that has had data goes to No Data once no data has come for
`no_data_timeframe` minutes (whether or not the window must be full), and with `timeout_h` a monitor in Alert or Warn
resolves once no data has come for that many hours (monitors/configuration). With `on_missing_data` (Datadog's On
Missing Data guide): `resolve` — "If data is missing Show OK" — a run without a value is OK; `default` with a sum or
count aggregation — "If data is missing Evaluate as 0" — compares 0; with another aggregation it shows the last known
status (the NO DATA options are not replayed: refused). A log alert counts matching log lines; with none, the count is 0
(a count query's empty evaluation is compared as 0, datadog-api-client OnMissingDataOption). Monitors start OK.

A query grouped `by {key}` is a multi alert: each value of the key that the data holds (a task, a host) is evaluated
on its own. With `notify_by: ["*"]` the monitor notifies as a simple alert (api/latest/monitors): its status is the most
severe of its groups', and it notifies when that changes; per-group notifications are not replayed (refused).
`new_group_delay`: "time (in seconds) before starting alerting on new groups, to allow newly created applications or
containers to fully start ... Default: 60" (monitors/guide/monitor_api_options): a group whose first point Datadog receives
after the data begins (a task started during the replay) stays OK until that long after it; a group with data from the
first step is taken to have existed before it (the data starts with the service as it had long been).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional, Union

from ...engine import PlannedResource
from ..clock import Clock
from ..data import VendorData
from ..errors import ReplayError
from ..plans import check_inputs
from ..samples import Sample
from ..timeline import DD_ALERT, DD_NO_DATA, DD_OK, DD_WARN, Timeline
from ..windows import Aggregates
from .metrics import DatadogData, WindowedFormula
from .notify import Notifier, notifier, optional_seconds
from .queries import COMPARATORS, UNITS, Formula, MonitorQuery, grouping, parse_monitor_query, terms, within
from .thresholds import Thresholds, monitor_thresholds

TYPE = "datadog:index/monitor:Monitor"
DESCRIPTIVE = ("name", "type", "message", "tags", "priority", "includeTags", "notifyAudit")
_METRIC_OPTIONS = (
    *DESCRIPTIVE, "query", "monitorThresholds", "notifyNoData", "noDataTimeframe", "renotifyInterval", "renotifyStatuses",
    "evaluationDelay", "requireFullWindow", "notifyBies", "timeoutH", "onMissingData", "newGroupDelay",
)
MISSING_DATA = ("resolve", "default")  # on_missing_data the replay evaluates
_LOG_OPTIONS = tuple(o for o in _METRIC_OPTIONS if o not in ("requireFullWindow", "notifyBies", "newGroupDelay"))
NEW_GROUP_DELAY = 60  # seconds: Datadog's default new_group_delay (monitors/guide/monitor_api_options)
_SEVERITY = {DD_OK: 0, DD_NO_DATA: 1, DD_WARN: 2, DD_ALERT: 3}
_BUCKETS = {"m": 60, "h": 600, "d": 3600, "w": 3600}
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_LOG_QUERY = re.compile(
    r'^\s*logs\("(?P<search>[^"]*)"\)\.index\("(?P<index>[^"]*)"\)\.rollup\("(?P<rollup>[^"]*)"\)\.last\("(?P<n>\d+)(?P<unit>[a-z])"\)'
    r"\s*(?P<cmp>>=|<=|==|!=|>|<)\s*(?P<threshold>" + _NUMBER + r")\s*$"
)
_LOG_TERM = re.compile(r"^[A-Za-z@][\w.\-]*:[^\s*?\"():]+$")


def frequency(window: int) -> int:
    """How often Datadog evaluates a monitor with this window (seconds)."""
    if window < 86400:
        return 60
    return 600 if window < 2 * 86400 else 1800


@dataclass(frozen=True)
class LogQuery:
    text: str
    tags: frozenset[str]
    window: int
    unit: str
    comparator: str
    threshold: float


def parse_log_query(text: str) -> LogQuery:
    match = _LOG_QUERY.match(text)
    if not match:
        raise ReplayError(f'not a log query the replay knows: {text!r} (expected logs("<search>").index("*").rollup("count").last("<n><unit>") <op> <number>)')
    if match.group("rollup") != "count":
        raise ReplayError(f"rollup {match.group('rollup')!r}: the replay counts log lines only")
    if match.group("index") != "*":
        raise ReplayError(f"index {match.group('index')!r}: the replay does not model log indexes (use \"*\")")
    terms = match.group("search").split()
    for term in terms:
        if not _LOG_TERM.match(term) or term.upper() in ("AND", "OR", "NOT"):
            raise ReplayError(f"log search term {term!r}: the replay matches plain key:value terms, all required")
    unit = match.group("unit")
    if unit not in ("m", "h", "d"):
        raise ReplayError(f"window unit {unit!r} of a log query")
    comparator = match.group("cmp")
    if comparator not in COMPARATORS:
        raise ReplayError(f"comparator {comparator!r} is not supported ({' '.join(COMPARATORS)})")
    return LogQuery(text, frozenset(terms), int(match.group("n")) * UNITS[unit], unit, comparator, float(match.group("threshold")))


@dataclass(frozen=True)
class ThresholdMonitor:
    resource: PlannedResource
    query: Union[MonitorQuery, LogQuery]
    thresholds: Thresholds
    delay: int
    full_window: bool
    no_data: Optional[int]  # seconds without data before No Data; None: never
    notifier: Notifier
    by: tuple[str, ...] = ()  # a multi alert's grouping keys, notifying as a simple alert
    timeout: Optional[int] = None  # seconds without data after which a triggered monitor resolves (timeout_h); None: never
    missing: Optional[float] = None  # the value a run without data compares (on_missing_data: default, sum); None: see below
    missing_ok: bool = False  # on_missing_data: resolve — a run without data is OK; else (and no `missing`) the state holds
    new_group_delay: int = NEW_GROUP_DELAY  # seconds a new group of a multi alert stays OK after Datadog first has it

    @property
    def window(self) -> int:
        return self.query.window


def compile_threshold_monitor(resource: PlannedResource) -> ThresholdMonitor:
    inputs = resource.inputs
    kind = inputs.get("type")
    check_inputs(resource, _LOG_OPTIONS if kind == "log alert" else _METRIC_OPTIONS)
    text = str(inputs.get("query") or "")
    try:
        query: Union[MonitorQuery, LogQuery] = parse_log_query(text) if kind == "log alert" else parse_monitor_query(text)
    except ReplayError as exc:
        raise exc.about(resource.name) from None
    by = grouping(query.formula) if isinstance(query, MonitorQuery) else ()
    notify_by = inputs.get("notifyBies")
    if by and list(notify_by or []) != ["*"]:
        raise ReplayError(f"a query grouped by {{{','.join(by)}}} needs notify_by [\"*\"] (per-group notifications are not replayed)", resource.name)
    if not by and notify_by:
        raise ReplayError("notify_by on a query without grouping", resource.name)
    delay = optional_seconds(resource, inputs.get("evaluationDelay"), "evaluationDelay") or 0
    if not 0 <= delay <= 86400:
        raise ReplayError(f"evaluationDelay {delay} s is outside 0-86400", resource.name)
    no_data = None
    if inputs.get("notifyNoData"):
        no_data = optional_seconds(resource, inputs.get("noDataTimeframe"), "noDataTimeframe", 60) or 2 * query.window
    timeout = optional_seconds(resource, inputs.get("timeoutH"), "timeoutH", 3600)
    on_missing = inputs.get("onMissingData")
    if on_missing is not None and on_missing not in MISSING_DATA:
        raise ReplayError(f"onMissingData {on_missing!r}: the replay evaluates {' and '.join(MISSING_DATA)}", resource.name)
    if on_missing is not None and inputs.get("notifyNoData"):
        raise ReplayError("onMissingData replaces notifyNoData: set one (Datadog's On Missing Data guide)", resource.name)
    thresholds = monitor_thresholds(resource, query.comparator, query.threshold)
    missing: Optional[float] = None
    if on_missing == "default" and isinstance(query, MonitorQuery) and query.time_aggregation == "sum":
        missing = 0.0  # "If data is missing Evaluate as 0" (sum or count aggregation)
    new_group_delay = optional_seconds(resource, inputs.get("newGroupDelay"), "newGroupDelay")
    if new_group_delay is not None and not by:
        raise ReplayError("newGroupDelay on a query without grouping (Datadog: only multi alerts have new groups)", resource.name)
    return ThresholdMonitor(
        missing=missing,
        missing_ok=on_missing == "resolve",  # "If data is missing Show OK"
        new_group_delay=NEW_GROUP_DELAY if new_group_delay is None else new_group_delay,
        timeout=timeout or None,
        resource=resource,
        query=query,
        thresholds=thresholds,
        delay=delay,
        full_window=bool(inputs.get("requireFullWindow")),
        no_data=no_data,
        notifier=notifier(resource, inputs.get("message"), inputs),
        by=by,
    )


class _LogCounts:
    """Matching log lines per window (a count: 0 when none)."""

    def __init__(self, data: VendorData, query: LogQuery) -> None:
        matching = [s for s in data.logs if query.tags <= s.tags]
        points: list[Optional[Sample]] = []
        for i in range(data.length):
            counts = [c for c in (s.counts[i] for s in matching) if c is not None]
            points.append(Sample.value(float(sum(counts))) if counts else None)
        self.counts = Aggregates(points)

    def has_data(self, window: range) -> bool:
        return self.counts.present(window) > 0 and self.counts.sum(window) > 0

    def value(self, window: range) -> Optional[float]:
        return self.counts.sum(window)


def run_threshold_monitor(monitor: ThresholdMonitor, data: DatadogData, clock: Clock) -> Timeline:
    query = monitor.query
    if monitor.by:
        assert isinstance(query, MonitorQuery)
        groups = _groups(data, query.formula, monitor.by)
        try:
            states = []
            for group in groups:
                scoped = within(query.formula, group)
                seen = _first_seen(data, scoped)
                states.append(_states(monitor, data, clock, scoped, None if seen is None else seen + monitor.new_group_delay))
        except ReplayError as exc:
            raise exc.about(monitor.resource.name) from None
        worst = [max(column, key=_SEVERITY.__getitem__) for column in zip(*states, strict=True)] if states else [DD_OK] * len(clock.ticks(frequency(monitor.window)))
        return _notified(monitor, clock, worst)
    try:
        formula = None if isinstance(query, LogQuery) else query.formula
        return _notified(monitor, clock, _states(monitor, data, clock, formula))
    except ReplayError as exc:
        raise exc.about(monitor.resource.name) from None


def _groups(data: DatadogData, formula: Formula, keys: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every group the data holds: the `key:value` tags of each series a query matches, for the grouping keys."""
    found: set[tuple[str, ...]] = set()
    for query in terms(formula):
        for series in data.matching(query):
            values = {tag.partition(":")[0]: tag for tag in series.tags}
            if all(k in values for k in keys):
                found.add(tuple(values[k] for k in keys))
    return sorted(found)


def _first_seen(data: DatadogData, formula: Formula) -> Optional[int]:
    """When Datadog first has a point of a group's series (its step ended, and the series' delay passed); None for a group
    with a point at the data's first step: it existed before the data."""
    first: Optional[int] = None
    for query in terms(formula):
        for series in data.matching(query):
            index = next((i for i, p in enumerate(series.points) if p is not None), None)
            if index == 0:
                return None
            if index is not None:
                at = data.data.start + (index + 1) * data.data.step + series.delay
                first = at if first is None else min(first, at)
    return first


def _states(monitor: ThresholdMonitor, data: DatadogData, clock: Clock, formula: Optional[Formula], alerting_from: Optional[int] = None) -> list[str]:
    """The monitor's status after each of its runs, for one formula (or its log query when None). `alerting_from`: a new
    group's first instant of alerting (new_group_delay after Datadog first has it); before it, it stays OK."""
    query = monitor.query
    source: Union[WindowedFormula, _LogCounts]
    if isinstance(query, LogQuery):
        source = _LogCounts(data.data, query)
    else:
        assert formula is not None
        source = WindowedFormula(data, formula, query.time_aggregation)
    full: Optional[Callable[[int, int], bool]] = None
    if monitor.full_window and isinstance(source, WindowedFormula):
        full = _full_window(data.data, source.presence, _BUCKETS[query.unit])
    late = max((data.delay(q) for q in source.queries), default=0) if isinstance(source, WindowedFormula) else 0
    return windowed_states(
        monitor, data.data, clock, value=source.value, has_data=source.has_data, full=full, late=max(0, late - monitor.delay), alerting_from=alerting_from
    )


def _full_window(data: VendorData, presence: Aggregates, bucket: int) -> Callable[[int, int], bool]:
    """Whether a window is full: its first bucket has data and at most three buckets are empty."""
    if bucket == data.step:  # one bucket per point: count them

        def by_points(begin: int, end: int) -> bool:
            if presence.present(data.window(begin, begin + bucket)) == 0:
                return False  # the first bucket is empty (or lies before the data)
            return (end - begin) // bucket - presence.present(data.window(begin, end)) <= 3

        return by_points

    def full(begin: int, end: int) -> bool:
        empty = 0
        for index, start in enumerate(range(begin, end, bucket)):
            if presence.present(data.window(start, min(start + bucket, end))) == 0:
                if index == 0:
                    return False
                empty += 1
        return empty <= 3

    return full


def windowed_states(
    monitor: ThresholdMonitor,
    data: VendorData,
    clock: Clock,
    *,
    value: Callable[[range], Optional[float]],
    has_data: Callable[[range], bool],
    full: Optional[Callable[[int, int], bool]],
    late: int = 0,
    alerting_from: Optional[int] = None,
) -> list[str]:
    """The status after each run. `late`: how much later than the evaluation delay the latest of its series arrives:
    the window holds nothing newer. `alerting_from`: runs before it leave the state OK (a new group's delay)."""
    out: list[str] = []
    state, seen = DD_OK, False
    for t in clock.ticks(frequency(monitor.window)):
        if alerting_from is not None and t < alerting_from:
            out.append(state)
            continue
        end = t - monitor.delay
        window = data.window(end - monitor.window, end - late)
        seen = seen or has_data(window)
        if monitor.no_data is not None and seen and not has_data(data.window(end - monitor.no_data, end)):
            state = DD_NO_DATA  # no data for the no-data timeframe, whether or not a full window is required
        elif monitor.timeout is not None and state in (DD_ALERT, DD_WARN) and not has_data(data.window(end - monitor.timeout, end)):
            state = DD_OK  # timeout_h: a triggered monitor without data for that long resolves
        elif full is not None and not full(end - monitor.window, end):
            pass  # not a full window: this run is skipped
        else:
            found = value(window)
            if found is None and monitor.missing_ok:
                state = DD_OK  # on_missing_data: resolve, "If data is missing Show OK"
            else:
                found = monitor.missing if found is None else found  # on_missing_data: default, a sum evaluated as 0
                state = state if found is None else monitor.thresholds.next(DD_OK if state == DD_NO_DATA else state, found)
        out.append(state)
    return out


def _notified(monitor: ThresholdMonitor, clock: Clock, states: Sequence[str]) -> Timeline:
    """The timeline of a status run by run: a notification at each change, reminders while it lasts."""
    timeline = Timeline(monitor.resource.name, monitor.resource.type, "datadog", DD_OK)
    state = DD_OK
    for t, new in zip(clock.ticks(frequency(monitor.window)), states, strict=True):
        if new != state:
            monitor.notifier.change(timeline, t, state, new)
            state = new
        else:
            monitor.notifier.tick(timeline, t, state)
    return timeline
