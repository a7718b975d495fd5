"""An object-processing pipeline: every object created in the pipeline's bucket (under an optional key prefix) runs
one Fargate task that is told the bucket and key, may read that object and records what it found in the pipeline's
DynamoDB table.

S3 sends its events to EventBridge (no notification configuration per consumer); the rule matches "Object Created"
for this bucket and prefix, and its ECS target passes ``OBJECT_BUCKET`` and ``OBJECT_KEY`` to the container through
an input transformer (container overrides). The container also gets ``TABLE_NAME``. The bucket logs its server
access to a second, private bucket of the pipeline.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.events.bucket import (
    PrivateBucket,
    abort_incomplete_uploads,
    expire_noncurrent_versions,
    expire_objects,
    private_bucket,
)
from components.events.rule_task import AUTONAMED_CHILDREN as RULE_TASK_CHILDREN
from components.events.rule_task import RuleTaskArgs, RuleTaskBase, Trigger, overrides_template
from components.shared.context import PlatformContext
from components.shared.iam import statement

TYPE = "platform:events:ObjectPipeline"
#: What the rule passes from the "Object Created" event (input-transformer variable → JSON path).
INPUT_PATHS = {"bucket": "$.detail.bucket.name", "key": "$.detail.object.key"}
#: The container's environment variables set per event, from those variables.
EVENT_ENVIRONMENT = {"OBJECT_BUCKET": "bucket", "OBJECT_KEY": "key"}
#: Set for every task: the metadata table.
TABLE_ENVIRONMENT = "TABLE_NAME"
RESERVED_ENVIRONMENT = (*EVENT_ENVIRONMENT, TABLE_ENVIRONMENT)
#: The table's partition key: one item per object key.
TABLE_KEY = "objectKey"
#: S3 object keys are up to 1024 bytes of UTF-8; a prefix filter is a leading part of one.
MAX_PREFIX_BYTES = 1024
_PREFIX_WILDCARDS = re.compile(r"[*?]")
#: Children the provider names ``<logical name>-<7 hex digits>``, with AWS's limit on that name (S3 bucket names:
#: 3..63 characters).
AUTONAMED_CHILDREN = (
    *RULE_TASK_CHILDREN,
    ("bucket", "{name}", 63),
    ("access-log bucket", "{name}-access-logs", 63),
    ("table", "{name}", 255),
)


@dataclass(frozen=True)
class ObjectPipelineArgs(RuleTaskArgs):
    prefix: str = ""
    """Only objects whose key starts with this run the task ("" is every object)."""
    versioning: bool = False
    """Keep earlier versions of overwritten and deleted objects."""
    noncurrent_version_days: int = 30
    """Days an earlier version is kept once replaced (with versioning)."""
    point_in_time_recovery: bool = False
    """Continuous backups of the table (restore to any second of the last 35 days)."""
    deletion_protection: bool = False
    """Refuse to delete the table until this is turned off."""


def event_pattern(bucket: str, prefix: str) -> str:
    """The "Object Created" events of ``bucket``, for keys under ``prefix`` when it is not empty."""
    detail: dict = {"bucket": {"name": [bucket]}}
    if prefix:
        detail["object"] = {"key": [{"prefix": prefix}]}
    return json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": detail})


class ObjectPipeline(RuleTaskBase):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    access_log_bucket_name: pulumi.Output[str]
    table_name: pulumi.Output[str]
    table_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ObjectPipelineArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if len(args.prefix.encode()) > MAX_PREFIX_BYTES or _PREFIX_WILDCARDS.search(args.prefix):
            raise ValueError(f"ObjectPipeline {name}: prefix must be a key prefix of at most {MAX_PREFIX_BYTES} bytes "
                             f"without * or ? (got {args.prefix!r})")
        if args.noncurrent_version_days < 1:
            raise ValueError(f"ObjectPipeline {name}: noncurrent_version_days must be at least 1 "
                             f"(got {args.noncurrent_version_days})")
        if clash := sorted(set(args.task.environment) & set(RESERVED_ENVIRONMENT)):
            raise ValueError(f"ObjectPipeline {name}: the environment must not set {', '.join(clash)} (the pipeline "
                             f"sets {', '.join(RESERVED_ENVIRONMENT)})")
        super().__init__(TYPE, name, args, opts)

    def _trigger(self, name: str, args: RuleTaskArgs) -> Trigger:
        assert isinstance(args, ObjectPipelineArgs)
        ctx = args.context
        objects = private_bucket(
            name, ctx, versioning=args.versioning, parent=self,
            lifecycle_rules=lambda versioned: [abort_incomplete_uploads(), *(
                [expire_noncurrent_versions(args.noncurrent_version_days)] if versioned else [])])
        bucket = objects.bucket
        logs = self._access_log_bucket(name, ctx, bucket)
        aws.s3.BucketLogging(name, bucket=bucket.id, target_bucket=logs.bucket.bucket, target_prefix=f"{name}/",
                             # S3 delivers logs under the log bucket's policy: it must be in place first.
                             opts=pulumi.ResourceOptions(parent=self, depends_on=[logs.policy]))
        # Every event of the bucket goes to EventBridge; rules pick what they need.
        aws.s3.BucketNotification(name, bucket=bucket.id, eventbridge=True, opts=pulumi.ResourceOptions(parent=self))
        table = aws.dynamodb.Table(
            name, billing_mode="PAY_PER_REQUEST", hash_key=TABLE_KEY,
            attributes=[aws.dynamodb.TableAttributeArgs(name=TABLE_KEY, type="S")],
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=args.point_in_time_recovery),
            deletion_protection_enabled=args.deletion_protection,
            opts=pulumi.ResourceOptions(parent=self, protect=ctx.protect))

        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.access_log_bucket_name = logs.bucket.bucket
        self.table_name = table.name
        self.table_arn = table.arn
        return Trigger(
            description=f"Objects created in the {name} bucket" + (f" under {args.prefix}" if args.prefix else ""),
            event_pattern=bucket.bucket.apply(lambda b: event_pattern(b, args.prefix)),
            input_transformer=aws.cloudwatch.EventTargetInputTransformerArgs(
                input_paths=dict(INPUT_PATHS), input_template=overrides_template(name, EVENT_ENVIRONMENT)),
            statements=task_statements(bucket.arn, args.prefix, table.arn),
            environment={TABLE_ENVIRONMENT: table.name},
            outputs={"bucketName": self.bucket_name, "bucketArn": self.bucket_arn,
                     "accessLogBucketName": self.access_log_bucket_name, "tableName": self.table_name,
                     "tableArn": self.table_arn},
        )

    def _access_log_bucket(self, name: str, ctx: PlatformContext, source: aws.s3.Bucket) -> PrivateBucket:
        """Where S3 writes the pipeline bucket's server access logs: only S3's log delivery, for that bucket of this
        account, may write; logs go after the stack's log retention."""
        def log_delivery(bucket: aws.s3.Bucket) -> list[dict]:
            return [{"Sid": "ServerAccessLogDelivery", "Effect": "Allow",
                     "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                     "Resource": bucket.arn.apply(lambda arn: f"{arn}/{name}/*"),
                     "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account_id},
                                   "ArnEquals": {"aws:SourceArn": source.arn}}}]

        return private_bucket(f"{name}-access-logs", ctx, parent=self, statements=log_delivery,
                              lifecycle_rules=lambda _: [expire_objects(ctx.log_retention_days, "expire-logs")])


def task_statements(bucket_arn: pulumi.Input[str], prefix: str, table_arn: pulumi.Input[str]) -> list[dict]:
    """The task may read the objects it is told about and write their metadata: GetObject under the prefix,
    PutItem on the table. Nothing else."""
    objects = pulumi.Output.from_input(bucket_arn).apply(lambda arn: f"{arn}/{prefix}*")
    return [statement(["s3:GetObject"], [objects], sid="ReadObjects"),
            statement(["dynamodb:PutItem"], [table_arn], sid="WriteMetadata")]
