"""SQS.1: SQS queues are encrypted at rest, with SQS-managed keys (SSE-SQS) or a KMS key (SSE-KMS).

Judges ``aws:sqs/queue:Queue``. A queue is encrypted when ``kmsMasterKeyId`` names a key, or SSE-SQS is on. SQS turns
SSE-SQS on for every queue created without an encryption setting, so an absent ``sqsManagedSseEnabled`` (without a
KMS key) counts as on; only an explicit ``sqsManagedSseEnabled: false`` without a KMS key leaves messages
unencrypted. Setting both is refused by SQS (one encryption at a time).
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy

QUEUE = "aws:sqs/queue:Queue"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != QUEUE:
        return
    kms_key = args.props.get("kmsMasterKeyId")
    managed = args.props.get("sqsManagedSseEnabled")
    if kms_key and managed is True:
        report("the queue sets both kmsMasterKeyId and sqsManagedSseEnabled; SQS accepts one encryption at a time: "
               "keep one.")
    elif not kms_key and managed is False:
        report("the queue is not encrypted at rest (sqsManagedSseEnabled is false and no kmsMasterKeyId); set "
               "sqsManagedSseEnabled to true or name a KMS key.")


POLICY = resource_policy(
    name="sqs-queue-encrypted",
    description="SQS queues are encrypted at rest with SSE-SQS or SSE-KMS.",
    service="sqs",
    severity=Severity.MEDIUM,
    controls=["SQS.1"],
    remediation=(
        "Set sqs_managed_sse_enabled=True on aws.sqs.Queue (or kms_master_key_id to a KMS key, without "
        "sqs_managed_sse_enabled)."
    ),
    validate=check,
)
