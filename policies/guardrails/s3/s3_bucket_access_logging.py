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

from collections.abc import Callable, Mapping

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, deps, known, referrers
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


def _block_index(holders: list[PolicyResource], prop: str, key: str) -> Callable[[PolicyResource], list[int]]:
    """``lambda bucket: [i for i, h in enumerate(holders) if _block_names(h, prop, key, bucket)]`` from an index."""
    by_urn: dict[str, list[int]] = {}
    by_value: dict[str, list[int]] = {}
    for i, holder in enumerate(holders):
        for d in deps(holder, prop):
            by_urn.setdefault(d.urn, []).append(i)
        block = known(holder.props, prop)
        value = known(block, key) if isinstance(block, Mapping) else None
        if isinstance(value, str):
            by_value.setdefault(value, []).append(i)

    def query(bucket: PolicyResource) -> list[int]:
        hits = set(by_urn.get(bucket.urn, ()))
        for name in {known(bucket.props, "bucket"), known(bucket.props, "id")} - {None}:
            if isinstance(name, str):
                hits.update(by_value.get(name, ()))
        return sorted(hits)

    return query


def _refers_index(holders: list[PolicyResource], prop: str) -> Callable[[PolicyResource], list[int]]:
    """``lambda bucket: [i for i, h in enumerate(holders) if refers(h, prop, bucket)]`` from an index."""
    by_reference = referrers(holders, prop)
    by_name: dict[str, list[int]] = {}
    for i, holder in enumerate(holders):
        value = known(holder.props, prop)
        if isinstance(value, str) and value:
            by_name.setdefault(value, []).append(i)

    def query(bucket: PolicyResource) -> list[int]:
        hits = set(by_reference(bucket))
        name = known(bucket.props, "bucket")
        if isinstance(name, str) and name:
            hits.update(by_name.get(name, ()))
        return sorted(hits)

    return query


class Destinations:
    """What each bucket of a stack receives logs from, related through indexes built once."""

    def __init__(self, buckets: Buckets) -> None:
        resources = buckets.resources
        self.buckets = buckets.buckets
        self.loggings = by_type(resources, *LOGGING)
        self.balancers = by_type(resources, *LOAD_BALANCERS)
        self.flow_logs = by_type(resources, FLOW_LOG)
        self.trails = by_type(resources, TRAIL)
        self._logging = _refers_index(self.loggings, "targetBucket")
        self._inline = _block_index(self.buckets, "logging", "targetBucket")
        self._balancer = {prop: _block_index(self.balancers, prop, "bucket")
                          for prop in ("accessLogs", "connectionLogs")}
        self._flow_log = _refers_index(self.flow_logs, "logDestination")
        self._trail = _refers_index(self.trails, "s3BucketName")

    def of(self, bucket: PolicyResource) -> str | None:
        """What the bucket receives logs from, or None when it is not a log destination."""
        for i in self._logging(bucket):
            logging = self.loggings[i]
            if not refers(logging, "bucket", bucket):
                return f"server access logs (bucket logging '{logging.name}')"
        for i in self._inline(bucket):
            other = self.buckets[i]
            if other.urn != bucket.urn:
                return f"server access logs of bucket '{other.name}'"
        hits = [(i, prop) for prop, index in self._balancer.items() for i in index(bucket)]
        if hits:
            i, prop = min(hits, key=lambda hit: (hit[0], hit[1] != "accessLogs"))
            return f"the {prop} of load balancer '{self.balancers[i].name}'"
        for i in self._flow_log(bucket):
            return f"flow log '{self.flow_logs[i].name}'"
        for i in self._trail(bucket):
            return f"CloudTrail trail '{self.trails[i].name}'"
        return None


def log_destination(bucket: PolicyResource, buckets: Buckets) -> str | None:
    """What the bucket receives logs from, or None when it is not a log destination."""
    return Destinations(buckets).of(bucket)


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
    destinations = Destinations(buckets)
    for bucket in buckets.buckets:
        if destinations.of(bucket):
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
