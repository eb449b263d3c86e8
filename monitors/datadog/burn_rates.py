"""Multi-window, multi-burn-rate alerts on an SLO (`slo alert` monitors), one per tier of the spec.

A tier fires when the budget burns at least `budget × period ÷ long window` times too fast over both its
long and short windows: 14.4 over 1h/5m, 6 over 6h/30m and 3 over 24h/2h for a 30-day SLO.
"""

from typing import Optional, Union

import pulumi
import pulumi_datadog as datadog

from monitors.common.burn_rates import tier_burn_rate
from monitors.common.context import Deployment
from monitors.common.runbook import anchor
from signals.slis import DatadogSli, sli
from spec import Duration, Service
from spec.slos import BurnRateTier, Slo

from .messages import burn_rate_message
from .numbers import number, window
from .thresholds import priority, renotify_minutes


def tier_key(tier: BurnRateTier) -> str:
    """A tier's identity for names: its long window ('1h', '6h', '24h')."""
    return window(tier.long)


def short_window(service: Service, slo: Slo, tier: BurnRateTier) -> Duration:
    """The tier's short window on Datadog: the spec's, lengthened by how late the SLI's latest query arrives. The
    availability of a service behind a load balancer counts the load balancer's own 5xx from the AWS integration, about
    15 minutes late (signals/slis.py): a 5-minute window would never hold one that has arrived, and the tier could not
    fire during a load-balancer outage. 20 minutes hold 5 minutes of them, as the spec's 5 minutes mean."""
    indicator = sli(slo).datadog
    delay = indicator.delay(service) if isinstance(indicator, DatadogSli) else 0
    return Duration(tier.short.ms + 1000 * delay)


def burn_rate_query(slo_id: pulumi.Input[str], slo: Slo, tier: BurnRateTier, short: Optional[Duration] = None) -> Union[str, pulumi.Output[str]]:
    """`burn_rate("<slo id>").over("30d").long_window("1h").short_window("5m") > 14.4`; a plain id gives a plain string."""
    tail = (
        f'").over("{window(slo.window)}").long_window("{window(tier.long)}").short_window("{window(short or tier.short)}")'
        f" > {number(tier_burn_rate(slo, tier))}"
    )
    if isinstance(slo_id, str):
        return f'burn_rate("{slo_id}{tail}'
    return pulumi.Output.concat('burn_rate("', slo_id, tail)


def burn_rate_monitor(
    service: Service, deployment: Deployment, slo: Slo, tier: BurnRateTier, slo_id: pulumi.Input[str]
) -> datadog.MonitorArgs:
    rate = number(tier_burn_rate(slo, tier))
    short = short_window(service, slo, tier)
    windows = f"{window(tier.long)}/{window(short)}"
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: SLO {slo.name} burn rate {rate}x over {windows}",
        type="slo alert",
        query=burn_rate_query(slo_id, slo, tier, short),
        message=burn_rate_message(
            service, deployment, slo.name, str(slo.objective), rate, windows, tier.severity, anchor("slo", slo.name)
        ),
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(critical=rate),
        priority=priority(tier.severity, deployment),
        tags=deployment.tag_list(service, f"slo:{slo.name}", f"signal:{anchor('slo', slo.name)}", f"severity:{tier.severity}"),
        include_tags=True,
        notify_no_data=False,
        renotify_interval=renotify_minutes(tier.severity),
    )
