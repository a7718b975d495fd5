"""S3.8: S3 buckets block public access at the bucket level (all four Block Public Access settings).

A stack policy, because the settings live in ``aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock``, related to
the bucket through its ``bucket`` argument (see ``_bucket``). AWS turns all four settings on for every bucket
created since April 2023, so a bucket of the stack without such a resource passes. A BucketPublicAccessBlock
replaces the bucket's whole configuration, and the provider's default for each flag it leaves out is false: once
the stack declares one, it must set ``blockPublicAcls``, ``blockPublicPolicy``, ``ignorePublicAcls`` and
``restrictPublicBuckets`` to true. The account-level setting (S3.1) is not the bucket's and does not count here.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails.base import stack_policy
from guardrails.s3._bucket import BLOCK_FLAGS, PUBLIC_ACCESS_BLOCK, Buckets


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    buckets = Buckets(args.resources)
    for bucket in buckets.buckets:
        blocks = buckets.of(bucket, PUBLIC_ACCESS_BLOCK)
        effective = buckets.block(bucket)
        off = [flag for flag in BLOCK_FLAGS if not effective[flag]]
        if off:
            names = ", ".join(f"'{b.name}'" for b in blocks)
            report(f"bucket '{bucket.name}' does not block public access: BucketPublicAccessBlock {names} leaves "
                   f"{', '.join(off)} off (unset means false); set all four to true.", bucket.urn)


POLICY = stack_policy(
    name="s3-bucket-public-access-block",
    description=(
        "S3 buckets block public access at the bucket level: no BucketPublicAccessBlock (AWS's all-on default for "
        "new buckets), or one that sets all four flags to true."
    ),
    service="s3",
    severity=Severity.HIGH,
    controls=["S3.8"],
    remediation=(
        "Declare aws.s3.BucketPublicAccessBlock(bucket=bucket.id, block_public_acls=True, block_public_policy=True, "
        "ignore_public_acls=True, restrict_public_buckets=True) for the bucket."
    ),
    validate=check,
)
