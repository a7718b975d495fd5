"""S3.13: S3 buckets have a lifecycle configuration with at least one enabled rule.

A stack policy relating each bucket to its ``aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration`` (or
``...V2``), else the bucket's inline ``lifecycleRules``: at least one rule must be enabled (``status`` "Enabled",
or ``enabled`` true inline). AWS's default is no lifecycle configuration: objects, log files in particular, are kept
forever. The rule's content (expiration, transitions) is the environment's choice; S3.13 checks that there is one.

"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import declared
from guardrails.base import as_list, stack_policy
from guardrails.s3._bucket import LIFECYCLE, Buckets


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    buckets = Buckets(args.resources)
    for bucket in buckets.buckets:
        configurations = buckets.of(bucket, LIFECYCLE)
        if configurations:
            rules = [r for c in configurations for r in as_list(c.props.get("rules")) if isinstance(r, Mapping)]
            enabled = [r for r in rules if str(r.get("status") or "").strip().lower() == "enabled"]
            where = ", ".join(f"'{c.name}'" for c in configurations)
        else:
            rules = [r for r in as_list(declared(bucket, "lifecycleRules")) if isinstance(r, Mapping)]
            enabled = [r for r in rules if r.get("enabled") is True]
            where = None
        if enabled:
            continue
        if where is None and not rules:
            report(f"bucket '{bucket.name}' has no lifecycle configuration, so its objects are kept forever; add an "
                   "aws.s3.BucketLifecycleConfiguration with an enabled rule (expiration matching the retention "
                   "the data needs).", bucket.urn)
        else:
            report(f"bucket '{bucket.name}' has no enabled lifecycle rule ({len(rules)} rule(s) in "
                   f"{where or 'its inline lifecycleRules'}, none enabled); set a rule's status to 'Enabled'.",
                   bucket.urn)


POLICY = stack_policy(
    name="s3-bucket-lifecycle",
    description=(
        "S3 buckets have a lifecycle configuration with at least one enabled rule."
    ),
    service="s3",
    severity=Severity.LOW,
    controls=["S3.13"],
    remediation=(
        "Add aws.s3.BucketLifecycleConfiguration(bucket=bucket.id, rules=[{'id': 'expire', 'status': 'Enabled', "
        "'filter': {}, 'expiration': {'days': <retention>}, 'noncurrent_version_expiration': "
        "{'noncurrent_days': 30}}])."
    ),
    validate=check,
)
