"""EC2.15: a private subnet (no route to an internet gateway) must not assign public IPv4 addresses on launch.

A subnet is public when a route table associated with it routes to an internet gateway, through a standalone
``aws.ec2.Route`` or an inline ``routes`` entry. A subnet with no association uses the VPC's main route table,
which the platform never routes to an internet gateway: it counts as private.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type
from guardrails.base import stack_policy
from guardrails.network._routes import SUBNET, associations_of, table_routes_to_internet, tables_of


def _why_private(resources: list[PolicyResource], subnet: PolicyResource) -> str | None:
    """Why the subnet counts as private, or None when a route table associated with it routes to the internet."""
    associations = associations_of(resources, subnet)
    if not associations:
        return "it has no route table association, so it uses the VPC's main route table"
    tables = tables_of(resources, associations)
    if any(table_routes_to_internet(resources, t) for t in tables):
        return None
    if not tables:
        return "its associated route table is not declared in this stack, so no internet gateway route is known"
    return f"route table {', '.join(repr(t.name) for t in tables)} has no route to an internet gateway"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    for subnet in by_type(resources, SUBNET):
        if subnet.props.get("mapPublicIpOnLaunch") is not True:
            continue
        why = _why_private(resources, subnet)
        if why:
            report(f"subnet '{subnet.name}' is private ({why}) but sets mapPublicIpOnLaunch=true; only public "
                   "subnets (routed to an internet gateway) may assign public IPv4 addresses.", subnet.urn)


POLICY = stack_policy(
    name="private-subnet-no-public-ip",
    description=(
        "Private subnets (no route to an internet gateway; a subnet without a route table association uses the "
        "VPC's main route table, which the platform never routes to the internet, and counts as private) do not "
        "assign public IPv4 addresses on launch. Public subnets may: the platform's public subnets host only the "
        "ALB and the NAT gateways."
    ),
    service="ec2",
    severity=Severity.MEDIUM,
    controls=["EC2.15"],
    remediation=(
        "Set map_public_ip_on_launch=False on the private subnet (the default); workloads reach the internet "
        "through the NAT gateway and are reached through the ALB."
    ),
    validate=check,
)
