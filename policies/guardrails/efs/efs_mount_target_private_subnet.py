"""EFS.6: EFS mount targets are not in public subnets.

A stack policy over ``aws:efs/mountTarget:MountTarget`` and the subnet its ``subnetId`` refers to. EFS.6 fails a
mount target in a subnet that assigns public IPv4 addresses on launch (``mapPublicIpOnLaunch``); a subnet whose
associated route table routes to an internet gateway (a public subnet, even without public IPs on launch) is
reported too: file systems belong in private subnets, next to the workloads that mount them. A subnet that is not in
the stack (a literal id) cannot be judged.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, depends_on
from guardrails.base import stack_policy
from guardrails.network._routes import SUBNET, associations_of, table_routes_to_internet, tables_of

MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"


def routes_to_internet(resources: list[PolicyResource], subnet: PolicyResource) -> bool:
    """Whether a route table associated with the subnet routes to an internet gateway."""
    tables = tables_of(resources, associations_of(resources, subnet))
    return any(table_routes_to_internet(resources, table) for table in tables)


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    targets = by_type(resources, MOUNT_TARGET)
    if not targets:
        args.not_applicable("the stack has no EFS mount target")
    subnets = by_type(resources, SUBNET)
    for target in targets:
        for subnet in (s for s in subnets if depends_on(target, "subnetId", s)):
            if declared(subnet, "mapPublicIpOnLaunch") is True:
                report(f"EFS mount target '{target.name}' is in subnet '{subnet.name}', which assigns public IPv4 "
                       "addresses on launch; put mount targets in the private subnets the workloads run in.",
                       target.urn)
            elif routes_to_internet(resources, subnet):
                report(f"EFS mount target '{target.name}' is in subnet '{subnet.name}', a public subnet (its route "
                       "table routes to an internet gateway); put mount targets in the private subnets the workloads "
                       "run in.", target.urn)


POLICY = stack_policy(
    name="efs-mount-target-private-subnet",
    description="EFS mount targets are in private subnets: none that assigns public IPs on launch or routes to an "
                "internet gateway.",
    service="efs",
    severity=Severity.MEDIUM,
    controls=["EFS.6"],
    remediation="Give aws.efs.MountTarget a subnet_id of a private subnet (map_public_ip_on_launch false, no route "
                "to an internet gateway); a mount target's subnet cannot change, so the mount target is replaced.",
    validate=check,
)
