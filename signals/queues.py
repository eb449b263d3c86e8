"""Queues: the SQS queue a worker consumes — its backlog, the age of its oldest message — and its dead-letter queue.

CloudWatch: `AWS/SQS`, dimension `QueueName`, every minute while the queue is active (SQS developer guide, "Available
CloudWatch metrics for Amazon SQS"): `ApproximateNumberOfMessagesVisible` (a count) and `ApproximateAgeOfOldestMessage`
(seconds). Datadog's AWS integration crawls the same metrics as `aws.sqs.approximate_number_of_messages_visible` and
`aws.sqs.approximate_age_of_oldest_message`, tagged `queuename:<lowercase name>`, about 15 minutes late.
"""

from __future__ import annotations

from collections.abc import Callable

from spec import Duration, Service

from . import needs
from .cloudwatch import AwsScope, Evaluation, Metric, count, seconds
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
)
from .words import DEPLOY, ESCALATE, FIRST

SQS = "AWS/SQS"
_5M, _10M = Duration(300_000), Duration(600_000)
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
        title="dead-letter queue",
        section="queues",
        watches="Messages in the queue's dead-letter queue: each one is work the consumers gave up on (`critical: 0` pages on the first).",
        steps=(
            FIRST,
            "Read a few dead-lettered messages (receive without deleting) and the consumers' errors at the time they failed.",
            DEPLOY,
            "Fix the cause, then redrive the messages to the source queue (SQS's dead-letter queue redrive), or delete them deliberately.",
        ),
        datadog=DatadogMetric(
            query=_datadog("approximate_number_of_messages_visible", dead_letter=True),
            aggregation="max",
            window=_5M,
            unit=" messages",
            graph=DatadogGraph("Dead-letter queue (messages)", "dead letters"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.DEAD_LETTER_QUEUE_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="dead-letter messages",
            source=_cloudwatch(VISIBLE, dead_letter=True),
            unit="messages",
            evaluation=Evaluation(60, 1, 1, QUIET),  # one message is already a failure
            convert=count,
            needs=(needs.DEAD_LETTER_QUEUE,),
        ),
        drive=Drive("dead_letters"),
    ),
)


# ---- Replay: the queues' series, and what the vendors receive for them ------------------------------------------

SERIES = (
    Series(name="queue_backlog", unit="count", means="Messages waiting (visible) in the service's SQS queue."),
    Series(name="queue_age", unit="duration", means="Age of the oldest message waiting in the service's SQS queue."),
    Series(name="dead_letters", unit="count", means="Messages waiting in the queue's dead-letter queue."),
)


def _gauge(series: str) -> PointOf:
    return lambda values, seconds: Gauge(values[series]) if series in values else None


def published(scope: AwsScope) -> list[Publication]:
    """SQS publishes both metrics every minute while the queue is active (a dead-letter queue is a queue of its own);
    Datadog's AWS integration crawls them, tagged by the lowercase queue name."""
    out: list[Publication] = []
    targets = scope.targets
    shown = (("queue_backlog", VISIBLE, False), ("queue_age", OLDEST, False), ("dead_letters", VISIBLE, True))
    for series, metric, dead_letter in shown:
        queue = targets.dead_letter_queue if dead_letter else targets.sqs_queue
        if queue is not None:
            out.append(CloudWatchPublication(SQS, metric, {"QueueName": queue}, _gauge(series), (series,)))
    aws = scope.service.sources.aws
    sqs = aws.sqs if aws is not None else None
    if aws is not None and sqs is not None:
        datadog = {"queue_backlog": (sqs.queue, "approximate_number_of_messages_visible"),
                   "queue_age": (sqs.queue, "approximate_age_of_oldest_message"),
                   "dead_letters": (sqs.dead_letter_queue, "approximate_number_of_messages_visible")}
        for series, (name, metric) in datadog.items():
            if name is not None:
                out.append(DatadogPublication(f"aws.sqs.{metric}", (f"queuename:{aws_tag(name, aws.from_stack)}",), "gauge", _gauge(series), (series,)))
    return out
