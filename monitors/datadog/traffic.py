"""Request-count monitors: the low-traffic guard (issue 12 item 7). A share of too few requests is no signal, and a
Datadog query alert cannot say "only above N requests" itself, so a query alert counting the requests over the
guarded alert's window joins it in a composite monitor (Datadog's documented recipe). It tells nobody itself."""

from typing import Optional

from monitors.common.context import Deployment
from monitors.datadog import sdk as datadog
from spec import Service

from .messages import links
from .numbers import number


def traffic_monitor_args(
    service: Service,
    deployment: Deployment,
    *,
    what: str,
    requests: str,
    span: str,
    counts_for: str,
    told_by: str,
    section: str,
    tags: tuple[str, ...] = (),
    delay: Optional[int] = None,
) -> datadog.MonitorArgs:
    """In Alert while `span` holds at least `min_requests` requests: `sum(last_5m):<requests> >= 10`. `what`: the
    monitor's name after "requests for"; `counts_for`: what those requests make count; `told_by`: who tells instead.
    `delay`: the guarded alert's `evaluation_delay` (the AWS integration's late metrics), so both read the same window —
    an undelayed count of late metrics would read nothing and hold the alert quiet."""
    count = number(service.min_requests)
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: requests for {what}",
        type="query alert",
        query=f"sum(last_{span}):{requests} >= {count}",
        message=(
            f"{service.service} ({deployment.environment}): at least {count} requests in {span}, enough for {counts_for}. "
            f"Tells nobody itself: {told_by}.\n{links(service, deployment, section)}"
        ),
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(critical=count),
        priority="5",  # it tells nobody: the lowest
        require_full_window=False,  # as the alert it guards: a window with a point is judged
        tags=deployment.tag_list(service, *tags, f"signal:{section}"),
        include_tags=True,
        notify_no_data=False,
        renotify_interval=0,
        evaluation_delay=delay,
    )
