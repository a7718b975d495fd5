"""Dead-letter queues: where failed events and messages wait for someone to look at them."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

#: SQS's longest retention (14 days): a failure is kept as long as SQS allows.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600


def dead_letter_queue(name: str, opts: pulumi.ResourceOptions) -> aws.sqs.Queue:
    """``<name>-dlq``, encrypted with SQS-managed keys, keeping its messages for SQS's longest retention."""
    return aws.sqs.Queue(f"{name}-dlq", sqs_managed_sse_enabled=True,
                         message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS, opts=opts)
