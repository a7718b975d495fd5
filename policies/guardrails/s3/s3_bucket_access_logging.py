"""S3.9: S3 buckets have server access logging, except buckets that are themselves log destinations.

A stack policy relating each bucket to its ``aws:s3/bucketLogging:BucketLogging`` (or ``BucketLoggingV2``), else
the bucket's inline ``logging``: one must name a ``targetBucket`` other than the bucket itself (logging into the
source bucket writes a log entry for every log delivery, an endless loop). AWS's default is no logging.

Not applicable to buckets that receive logs: the ``targetBucket`` of another bucket's logging, the ``accessLogs``
or ``connectionLogs`` bucket of a load balancer, the S3 destination of a VPC flow log or the bucket of a CloudTrail
trail. Security Hub's own guidance is that a server access log bucket needs no server access logging and its S3.9
finding should be suppressed; the same reasoning holds for the other log destinations: their writers are AWS
delivery services, and logging their reads would need one more bucket that is itself exempt. Security Hub still
reports S3.9 for them: suppress those findings.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, deps, known
from guardrails.base import stack_policy
from guardrails.s3._bucket import LOGGING, Buckets, refers

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
TRAIL = "aws:cloudtrail/trail:Trail"


def _block_names(holder: PolicyResource, prop: str, key: str, bucket: PolicyResource) -> bool:
    """Whether ``holder.prop`` (a block such as ``accessLogs``) names ``bucket`` in ``key``."""
    if any(d.urn == bucket.urn for d in deps(holder, prop)):
        return True
    block = known(holder.props, prop)
    value = known(block, key) if isinstance(block, Mapping) else None
    names = {known(bucket.props, "bucket"), known(bucket.props, "id")} - {None}
    return isinstance(value, str) and value in names


def log_destination(bucket: PolicyResource, buckets: Buckets) -> str | None:
    """What the bucket receives logs from, or None when it is not a log destination."""
    resources = buckets.resources
    for logging in by_type(resources, *LOGGING):
        if refers(logging, "targetBucket", bucket) and not refers(logging, "bucket", bucket):
            return f"server access logs (bucket logging '{logging.name}')"
    for other in buckets.buckets:
        if other.urn != bucket.urn and _block_names(other, "logging", "targetBucket", bucket):
            return f"server access logs of bucket '{other.name}'"
    for lb in by_type(resources, *LOAD_BALANCERS):
        for prop in ("accessLogs", "connectionLogs"):
            if _block_names(lb, prop, "bucket", bucket):
                return f"the {prop} of load balancer '{lb.name}'"
    for flow_log in by_type(resources, FLOW_LOG):
        if refers(flow_log, "logDestination", bucket):
            return f"flow log '{flow_log.name}'"
    for trail in by_type(resources, TRAIL):
        if refers(trail, "s3BucketName", bucket):
            return f"CloudTrail trail '{trail.name}'"
    return None


def _targets(buckets: Buckets, bucket: PolicyResource) -> list[tuple[str, PolicyResource]]:
    """(label, resource) for each logging configuration of the bucket, with its target's description."""
    found = [(f"bucket logging '{c.name}'", c) for c in buckets.of(bucket, LOGGING)]
    if not found and declared(bucket, "logging") is not None:
        found = [("its inline logging", bucket)]
    return found


def _into_itself(label: str, holder: PolicyResource, bucket: PolicyResource) -> bool:
    if holder is bucket:
        return _block_names(bucket, "logging", "targetBucket", bucket)
    return refers(holder, "targetBucket", bucket)


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    buckets = Buckets(args.resources)
    for bucket in buckets.buckets:
        if log_destination(bucket, buckets):
            continue
        targets = _targets(buckets, bucket)
        if not targets:
            report(f"bucket '{bucket.name}' has no server access logging; add an aws.s3.BucketLogging with "
                   "target_bucket set to the stack's access-log bucket.", bucket.urn)
            continue
        for label, holder in targets:
            if _into_itself(label, holder, bucket):
                report(f"bucket '{bucket.name}' logs its server access into itself ({label}), which logs every log "
                       "delivery again without end; set target_bucket to a separate access-log bucket.", holder.urn)


POLICY = stack_policy(
    name="s3-bucket-access-logging",
    description=(
        "S3 buckets have server access logging (aws.s3.BucketLogging) into another bucket, except buckets that "
        "receive logs themselves (server access logs, load balancer access logs, flow logs, CloudTrail)."
    ),
    service="s3",
    severity=Severity.MEDIUM,
    controls=["S3.9"],
    remediation=(
        "Add aws.s3.BucketLogging(bucket=bucket.id, target_bucket=access_log_bucket.id, target_prefix=f'{name}/') "
        "with a dedicated access-log bucket whose policy lets logging.s3.amazonaws.com write to it."
    ),
    validate=check,
)
