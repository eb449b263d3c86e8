"""Queues: the SQS queue a worker consumes — its backlog, the age of its oldest message — and its dead-letter queue:
the messages arriving in it, and how old the oldest has grown against its retention.

CloudWatch: `AWS/SQS`, dimension `QueueName`, every minute while the queue is active (SQS developer guide, "Available
CloudWatch metrics for Amazon SQS"): `ApproximateNumberOfMessagesVisible` (a count) and `ApproximateAgeOfOldestMessage`
(seconds). Datadog's AWS integration crawls the same metrics as `aws.sqs.approximate_number_of_messages_visible` and
`aws.sqs.approximate_age_of_oldest_message`, tagged `queuename:<lowercase name>`, about 15 minutes late.

Dead letters are watched as they arrive, not as a depth above zero: a depth alert stays in alarm until someone redrives,
and every later poison message is silent. No metric counts them: "if a message is sent to a dead-letter queue as a
result of a failed processing attempt, it isn't captured by" `NumberOfMessagesSent` (SQS developer guide, dead-letter
queues, "NumberOfMessagesSent and NumberOfMessagesReceived ... don't match"). Their arrivals are the rises of the queue's
depth: CloudWatch `DIFF(FILL(m1, 0))` (an inactive, empty queue publishes nothing: filled, its first message is a rise
of one), Datadog `monotonic_diff(default_zero(...))`. A redrive lowers the depth: no arrival; a message arriving in the
minute another is redriven is missed (the depth is all SQS publishes).

Their age: "the ApproximateAgeOfOldestMessage metric of the dead-letter queue represents the time when the message was
moved to the dead-letter queue", while "the expiration of a message is always based on its original enqueue timestamp"
(standard queues; a FIFO queue's timestamp resets). A dead letter of a standard queue so expires before its age reaches
the retention, by the time it spent in the source queue: `dead_letter_age` is a share of the retention
(`sources.aws.sqs.dead_letter_retention`), whose threshold must leave that room (AWS advises a dead-letter retention
longer than the source queue's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from spec import Duration, Service

from . import needs
from .cloudwatch import AwsScope, Evaluation, Math, Metric, count, percent, seconds
from .datadog import AWS_DELAY, Expression, aws_tag, single
from .model import (
    CloudWatchAlarm,
    CloudWatchGraph,
    CloudWatchPublication,
    DatadogGraph,
    DatadogMetric,
    DatadogPublication,
    Drive,
    Gauge,
    PointOf,
    Publication,
    Series,
    Signal,
    Values,
)
from .words import DEPLOY, ESCALATE, FIRST

SQS = "AWS/SQS"
_5M, _10M, _15M = Duration(300_000), Duration(600_000), Duration(900_000)
VISIBLE = "ApproximateNumberOfMessagesVisible"
OLDEST = "ApproximateAgeOfOldestMessage"
# An inactive queue publishes nothing (no messages for six hours): an empty queue, not an outage.
QUIET = "notBreaching"


def _queue(service: Service, dead_letter: bool = False) -> str:
    aws = service.sources.aws
    assert aws is not None and aws.sqs is not None, "guarded by needs.SQS_NAME"
    name = aws.sqs.dead_letter_queue if dead_letter else aws.sqs.queue
    assert name is not None, "guarded by needs.SQS_NAME / needs.DEAD_LETTER_QUEUE_NAME"
    return aws_tag(name, aws.from_stack)


def _datadog(metric: str, dead_letter: bool = False) -> Callable[[Service, str], Expression]:
    def query(service: Service, env: str) -> Expression:
        return single(f"max:aws.sqs.{metric}{{queuename:{_queue(service, dead_letter)}}}")

    return query


def retention_seconds(service: Service) -> int:
    aws = service.sources.aws
    assert aws is not None and aws.sqs is not None, "guarded by needs.DEAD_LETTER_QUEUE"
    return int(aws.sqs.dead_letter_retention.seconds)


def _arrivals(service: Service, env: str) -> Expression:
    """New dead letters: the rises of the queue's depth, a quiet spell's gaps read as 0."""
    depth = f"max:aws.sqs.approximate_number_of_messages_visible{{queuename:{aws_tag(_queue(service, dead_letter=True))}}}"
    return Expression("monotonic_diff(default_zero(depth))", {"depth": depth})


def _cw_arrivals(scope: AwsScope) -> Math:
    return Math((_cloudwatch(VISIBLE, dead_letter=True)(scope),), "DIFF(FILL(m1, 0))", f"new messages: DIFF(FILL({VISIBLE}, 0))")


def _dead_letter_age(service: Service, env: str) -> Expression:
    age = f"max:aws.sqs.approximate_age_of_oldest_message{{queuename:{aws_tag(_queue(service, dead_letter=True))}}}"
    return Expression(f"100 * age / {retention_seconds(service)}", {"age": age})


def _cw_dead_letter_age(scope: AwsScope) -> Math:
    retention = retention_seconds(scope.service)
    return Math((_cloudwatch(OLDEST, dead_letter=True)(scope),), f"100*m1/{retention}", f"100*{OLDEST}/{retention}")


def _cloudwatch(name: str, dead_letter: bool = False) -> Callable[[AwsScope], Metric]:
    def source(scope: AwsScope) -> Metric:
        queue = scope.targets.dead_letter_queue if dead_letter else scope.targets.sqs_queue
        assert queue is not None, "guarded by needs.SQS / needs.DEAD_LETTER_QUEUE"
        return Metric(SQS, name, {"QueueName": queue}, "Maximum")

    return source


SIGNALS = (
    Signal(
        name="queue_backlog",
        title="queue backlog",
        section="queues",
        watches="Messages waiting in the service's SQS queue: a backlog that grows means its consumers are too slow, too few or failing.",
        steps=(
            FIRST,
            "Compare what arrives with what is deleted (the queue's sent and deleted messages): a burst of producers, or consumers that stopped?",
            "Check the consumers: their errors and logs, their task or function count, and whether they are throttled.",
            DEPLOY,
            "Scale the consumers out once they are healthy; a backlog that only grows with traffic needs more of them for good.",
        ),
        datadog=DatadogMetric(
            query=_datadog("approximate_number_of_messages_visible"),
            aggregation="avg",
            window=_10M,
            unit=" messages",
            graph=DatadogGraph("Queue backlog (messages)", "visible"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.SQS_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="queue backlog",
            source=_cloudwatch(VISIBLE),
            unit="messages",
            evaluation=Evaluation(60, 10, 8, QUIET),  # most of ten minutes: a batch landing is not a backlog
            convert=count,
            graph=CloudWatchGraph("queue backlog", "visible"),
            needs=(needs.SQS,),
        ),
        drive=Drive("queue_backlog"),
    ),
    Signal(
        name="queue_age",
        title="oldest message age",
        section="queues",
        watches="How long the oldest message has waited in the service's SQS queue: work is late, even when the backlog is small.",
        steps=(
            FIRST,
            "A single old message with a small backlog is often a poison message received again and again: find it in the consumers' errors.",
            "Otherwise the consumers do not keep up: check their errors, count and throttling, as for a backlog.",
            DEPLOY,
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_datadog("approximate_age_of_oldest_message"),
            aggregation="avg",
            window=_5M,
            unit=" s",
            graph=DatadogGraph("Oldest message age (s)", "oldest"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.SQS_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="oldest message age",
            source=_cloudwatch(OLDEST),
            unit="s",
            evaluation=Evaluation(60, 5, 3, QUIET),
            convert=seconds,
            needs=(needs.SQS,),
        ),
        drive=Drive("queue_age"),
    ),
    Signal(
        name="dead_letters",
        title="dead letters",
        section="queues",
        watches="Messages arriving in the queue's dead-letter queue: each one is work the consumers gave up on (`critical: 0` pages on "
        "each new one, however many earlier ones are still waiting to be redriven).",
        steps=(
            FIRST,
            "Read a few dead-lettered messages (receive without deleting) and the consumers' errors at the time they failed.",
            DEPLOY,
            "Fix the cause, then redrive the messages to the source queue (SQS's dead-letter queue redrive), or delete them deliberately.",
        ),
        datadog=DatadogMetric(
            query=_arrivals,
            aggregation="max",
            window=_5M,
            unit=" messages",
            graph=DatadogGraph("Dead letters arriving (messages)", "new dead letters"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.DEAD_LETTER_QUEUE_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="new dead letters",
            source=_cw_arrivals,
            unit="messages per minute",
            # any of the last three minutes: FILL's newest point is 0 while SQS's is late (using-metric-math.html, FILL)
            evaluation=Evaluation(60, 3, 1, QUIET),
            convert=count,
            needs=(needs.DEAD_LETTER_QUEUE,),
        ),
        drive=Drive("dead_letters"),
        sparse=True,  # arrivals happen, or none did
    ),
    Signal(
        name="dead_letter_age",
        title="oldest dead letter",
        section="queues",
        watches="How old the oldest message in the dead-letter queue is, in percent of the queue's retention: past it SQS deletes the "
        "message, and the failed work with it.",
        steps=(
            "Find the oldest dead letters (receive without deleting) and why they failed; they are lost once the retention passes.",
            "Redrive them to the source queue once the cause is fixed, or keep them elsewhere (copy their bodies) before they expire.",
            "If nobody redrives for days, raise the dead-letter queue's retention (up to 14 days) and update sources.aws.sqs.dead_letter_retention.",
        ),
        datadog=DatadogMetric(
            query=_dead_letter_age,
            aggregation="avg",
            window=_15M,
            unit="%",
            graph=DatadogGraph("Oldest dead letter (% of retention)", "oldest"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.DEAD_LETTER_QUEUE_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="oldest dead letter",
            source=_cw_dead_letter_age,
            unit="% of retention",
            evaluation=Evaluation(60, 5, 3, QUIET),  # an empty queue has no oldest message
            convert=percent,
            needs=(needs.DEAD_LETTER_QUEUE,),
        ),
        drive=Drive("dead_letter_age"),
    ),
)


# ---- Replay: the queues' series, and what the vendors receive for them ------------------------------------------

SERIES = (
    Series(name="queue_backlog", unit="count", means="Messages waiting (visible) in the service's SQS queue."),
    Series(name="queue_age", unit="duration", means="Age of the oldest message waiting in the service's SQS queue."),
    Series(name="dead_letters", unit="count", means="Messages waiting in the queue's dead-letter queue (its alert watches them arrive)."),
    Series(
        name="dead_letter_age",
        unit="percent",
        means="Age of the oldest dead letter, in percent of the dead-letter queue's retention; at 100 % SQS deletes it.",
    ),
)


def _gauge(series: str) -> PointOf:
    return lambda values, seconds: Gauge(values[series]) if series in values else None


def _age(retention: int) -> PointOf:
    """The oldest dead letter's age in seconds; once it reaches the retention SQS has deleted it: nothing to report."""

    def point(values: Values, seconds: int) -> Optional[Gauge]:
        share = values.get("dead_letter_age")
        return None if share is None or share >= 100 else Gauge(share / 100 * retention)

    return point


def published(scope: AwsScope) -> list[Publication]:
    """SQS publishes its metrics every minute while the queue is active (a dead-letter queue is a queue of its own; the
    age of its oldest message in seconds, from the retention); Datadog's AWS integration crawls them, tagged by the
    lowercase queue name."""
    out: list[Publication] = []
    targets = scope.targets
    aws = scope.service.sources.aws
    sqs = aws.sqs if aws is not None else None
    retention = int(sqs.dead_letter_retention.seconds) if sqs is not None else 0
    shown: tuple[tuple[str, str, bool, PointOf], ...] = (
        ("queue_backlog", VISIBLE, False, _gauge("queue_backlog")),
        ("queue_age", OLDEST, False, _gauge("queue_age")),
        ("dead_letters", VISIBLE, True, _gauge("dead_letters")),
        ("dead_letter_age", OLDEST, True, _age(retention)),
    )
    for series, metric, dead_letter, point in shown:
        queue = targets.dead_letter_queue if dead_letter else targets.sqs_queue
        if queue is not None:
            out.append(CloudWatchPublication(SQS, metric, {"QueueName": queue}, point, (series,)))
    if aws is not None and sqs is not None:
        datadog = {"queue_backlog": (sqs.queue, "approximate_number_of_messages_visible", _gauge("queue_backlog")),
                   "queue_age": (sqs.queue, "approximate_age_of_oldest_message", _gauge("queue_age")),
                   "dead_letters": (sqs.dead_letter_queue, "approximate_number_of_messages_visible", _gauge("dead_letters")),
                   "dead_letter_age": (sqs.dead_letter_queue, "approximate_age_of_oldest_message", _age(retention))}  # fmt: skip
        for series, (name, metric, point) in datadog.items():
            if name is not None:
                out.append(DatadogPublication(f"aws.sqs.{metric}", (f"queuename:{aws_tag(name, aws.from_stack)}",), "gauge", point, (series,)))
    return out
