"""Which route tables a subnet uses, and whether a route table routes to an internet gateway (a public subnet)."""

from __future__ import annotations

from pulumi_policy import PolicyResource

from guardrails._graph import by_type, declared, depends_on, deps, known
from guardrails.base import as_list

SUBNET = "aws:ec2/subnet:Subnet"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ROUTE_TABLES = ("aws:ec2/routeTable:RouteTable", "aws:ec2/defaultRouteTable:DefaultRouteTable")
ROUTE = "aws:ec2/route:Route"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"


def associations_of(resources: list[PolicyResource], subnet: PolicyResource) -> list[PolicyResource]:
    """The stack's route table associations of the subnet."""
    return [a for a in by_type(resources, ASSOCIATION) if depends_on(a, "subnetId", subnet)]


def tables_of(resources: list[PolicyResource], associations: list[PolicyResource]) -> list[PolicyResource]:
    """The stack's route tables those associations name."""
    return [t for t in by_type(resources, *ROUTE_TABLES) if any(depends_on(a, "routeTableId", t)
                                                                 for a in associations)]


def _to_internet_gateway(resources: list[PolicyResource], holder: PolicyResource, prop: str) -> bool:
    """Whether ``holder.prop`` (a gateway id) comes from an internet gateway, by dependency or by its igw- id."""
    if any(depends_on(holder, prop, igw) for igw in by_type(resources, INTERNET_GATEWAY)):
        return True
    return str(known(holder.props, prop) or "").startswith("igw-")


def table_routes_to_internet(resources: list[PolicyResource], table: PolicyResource) -> bool:
    """Whether the route table routes to an internet gateway: a standalone ``aws.ec2.Route`` or an inline route."""
    standalone = (r for r in by_type(resources, ROUTE) if depends_on(r, "routeTableId", table))
    if any(_to_internet_gateway(resources, route, "gatewayId") for route in standalone):
        return True
    if any(d.resource_type == INTERNET_GATEWAY for d in deps(table, "routes")):
        return True
    return any(str(known(route, "gatewayId") or "").startswith("igw-") for route in as_list(declared(table, "routes")))
