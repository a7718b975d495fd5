"""A private S3 bucket and the separate resources that configure it: Block Public Access, bucket-owner-enforced
ownership (no ACLs), SSE-S3 encryption, a bucket policy that denies plain HTTP, optional versioning and a lifecycle
configuration. Composed by the components that own a bucket; nothing here is a component."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.context import PlatformContext
from components.shared.iam import policy_document

#: Incomplete multipart uploads hold storage until aborted.
ABORT_INCOMPLETE_UPLOADS_DAYS = 7


@dataclass(frozen=True)
class PrivateBucket:
    bucket: aws.s3.Bucket
    policy: aws.s3.BucketPolicy
    """Whatever AWS checks against the bucket policy (log delivery, notifications) waits for it."""


def deny_plain_http(bucket_arn: pulumi.Output[str]) -> dict:
    """The statement that refuses every request not made over TLS."""
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [bucket_arn, bucket_arn.apply(lambda arn: f"{arn}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def private_bucket(
    name: str,
    context: PlatformContext,
    *,
    lifecycle_rules: Callable[[bool], Sequence[aws.s3.BucketLifecycleConfigurationRuleArgs]],
    versioning: bool = False,
    statements: Callable[[aws.s3.Bucket], Sequence[dict]] = lambda _: (),
    parent: pulumi.Resource,
) -> PrivateBucket:
    """The bucket ``name`` (auto-named; protected and kept on destroy when the stack protects its data, emptied
    and deleted otherwise) with its configuration resources. ``lifecycle_rules(versioning)`` gives the rules;
    ``statements(bucket)`` adds bucket policy statements after the TLS-only one."""
    child = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(name, force_destroy=not context.protect,
                           opts=pulumi.ResourceOptions(parent=parent, protect=context.protect))
    block = aws.s3.BucketPublicAccessBlock(name, bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                           ignore_public_acls=True, restrict_public_buckets=True, opts=child)
    aws.s3.BucketOwnershipControls(name, bucket=bucket.id, rule=aws.s3.BucketOwnershipControlsRuleArgs(
        object_ownership="BucketOwnerEnforced"), opts=child)
    aws.s3.BucketServerSideEncryptionConfiguration(
        name, bucket=bucket.id,
        rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.
            BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(sse_algorithm="AES256"))],
        opts=child)
    policy = aws.s3.BucketPolicy(name, bucket=bucket.id,
                                 policy=policy_document([deny_plain_http(bucket.arn), *statements(bucket)]),
                                 # Block Public Access first: a policy is never in place on an unguarded bucket.
                                 opts=pulumi.ResourceOptions(parent=parent, depends_on=[block]))
    after: list[pulumi.Resource] = []
    if versioning:
        after.append(aws.s3.BucketVersioning(
            name, bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child))
    # Rules on noncurrent versions apply once versioning is on (the provider's documented order).
    aws.s3.BucketLifecycleConfiguration(name, bucket=bucket.id, rules=list(lifecycle_rules(versioning)),
                                        opts=pulumi.ResourceOptions(parent=parent, depends_on=after))
    return PrivateBucket(bucket=bucket, policy=policy)


def abort_incomplete_uploads() -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="abort-incomplete-uploads", status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=ABORT_INCOMPLETE_UPLOADS_DAYS))


def expire_noncurrent_versions(days: int) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """Noncurrent versions go ``days`` after they were replaced, and delete markers left alone go with them."""
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="expire-noncurrent-versions", status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=days),
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(expired_object_delete_marker=True))


def expire_objects(days: int, rule_id: str = "expire-objects") -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id=rule_id, status="Enabled", filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days))
