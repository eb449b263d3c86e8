"""Back-tests: how often the stack's alerts would have notified on real history (docs/backtest.md).

The history of exactly the series each alert evaluates is fetched from the vendors (live, read-only), or read from
files recorded from them, and replayed through the replay's own evaluators (`vigil.replay`): no vendor rule is
written twice. Per alert and level: notifications at the route (page, ticket), reminders, minutes in alert, the
longest episode, changes per day, first and last notification, the data's resolution and gaps.

    from vigil.backtest import backtest, Files
    result = backtest(load_stack(project, "prod"), days=14, fetcher=Files(Path("recorded")), end=latest)

Modules: `reads` (what each alert reads), `requests` (the vendor requests and their ids), `responses` (the vendors'
formats read), `samples` (responses as the replay's vendor data), `run` (the back-test), `outcome` (per level),
`live` (datadog-api-client, boto3), `recorded` (--record, --from), `shared` (one fetch for the two sides of
`vigil diff --backtest`), `report`, `chart`.
"""

from .recorded import Files, Recording
from .run import Backtest, BacktestError, NoCredentials, Refused, backtest, latest, needed, plan_alerts
from .shared import Shared

__all__ = ["Backtest", "BacktestError", "Files", "NoCredentials", "Recording", "Refused", "Shared", "backtest", "latest", "needed", "plan_alerts"]
