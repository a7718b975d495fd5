from guardrails.network._routes import ASSOCIATION, INTERNET_GATEWAY, ROUTE, ROUTE_TABLES, SUBNET
from guardrails.network.private_subnet_no_public_ip import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

ROUTE_TABLE = ROUTE_TABLES[0]
NAT = "aws:ec2/natGateway:NatGateway"


def network(public_maps: bool = True, private_maps: bool = False) -> list[Res]:
    """A VPC as a preview shows it: a public subnet routed to the IGW, a private one routed to the NAT gateway."""
    return [
        Res(INTERNET_GATEWAY, "igw", {"vpcId": UNKNOWN}),
        Res(NAT, "nat", {"subnetId": UNKNOWN}, deps={"subnetId": ["public-0"]}),
        Res(SUBNET, "public-0", {"cidrBlock": "10.0.0.0/24", "mapPublicIpOnLaunch": public_maps}),
        Res(SUBNET, "private-0", {"cidrBlock": "10.0.10.0/24", "mapPublicIpOnLaunch": private_maps}),
        Res(ROUTE_TABLE, "public-rt", {"vpcId": UNKNOWN, "routes": UNKNOWN}),
        Res(ROUTE_TABLE, "private-rt", {"vpcId": UNKNOWN, "routes": UNKNOWN}),
        default_route("public-rt", "gatewayId", "igw"),
        default_route("private-rt", "natGatewayId", "nat"),
        association("public-0", "public-rt"),
        association("private-0", "private-rt"),
    ]


def default_route(table: str, target_prop: str, target: str) -> Res:
    return Res(ROUTE, f"{table}-default", {"routeTableId": UNKNOWN, "destinationCidrBlock": "0.0.0.0/0",
                                          target_prop: UNKNOWN}, deps={"routeTableId": [table], target_prop: [target]})


def association(subnet: str, table: str) -> Res:
    return Res(ASSOCIATION, f"{subnet}-assoc", {"subnetId": UNKNOWN, "routeTableId": UNKNOWN},
               deps={"subnetId": [subnet], "routeTableId": [table]})


def replace(resources: list[Res], *new: Res) -> list[Res]:
    """``resources`` with the same-named ones swapped for ``new``."""
    by_name = {r.name: r for r in new}
    return [by_name.get(r.name, r) for r in resources]


def test_public_subnet_may_map_public_ips():
    result = check_stack(POLICY, network(public_maps=True))
    assert result.violations == [] and not result.unknown


def test_private_subnet_mapping_public_ips_fails():
    result = check_stack(POLICY, network(private_maps=True))
    assert result.violations == [(
        "subnet 'private-0' is private (route table 'private-rt' has no route to an internet gateway) but sets "
        "mapPublicIpOnLaunch=true; only public subnets (routed to an internet gateway) may assign public IPv4 "
        "addresses.",
        urn(SUBNET, "private-0"),
    )]


def test_subnet_without_association_counts_as_private():
    resources = [r for r in network() if r.name != "public-0-assoc"]
    assert check_stack(POLICY, resources).messages == [
        "subnet 'public-0' is private (it has no route table association, so it uses the VPC's main route table) "
        "but sets mapPublicIpOnLaunch=true; only public subnets (routed to an internet gateway) may assign public "
        "IPv4 addresses."
    ]


def test_association_with_a_table_outside_the_stack_counts_as_private():
    # e.g. route_table_id=vpc.default_route_table_id: the dependency is the VPC, not a route table resource.
    vpc = Res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})
    resources = replace(network(), Res(ASSOCIATION, "public-0-assoc", {"subnetId": UNKNOWN, "routeTableId": UNKNOWN},
                                       deps={"subnetId": ["public-0"], "routeTableId": ["vpc"]}))
    resources.append(vpc)
    assert check_stack(POLICY, resources).messages[0].startswith(
        "subnet 'public-0' is private (its associated route table is not declared in this stack, so no internet "
        "gateway route is known)")


def test_inline_route_to_internet_gateway_makes_subnet_public():
    resources = replace(
        [r for r in network(private_maps=True) if r.type != ROUTE],
        Res(ROUTE_TABLE, "public-rt", {"routes": [{"cidrBlock": "0.0.0.0/0", "gatewayId": UNKNOWN}]},
            deps={"routes": ["igw"]}),
        Res(ROUTE_TABLE, "private-rt", {"routes": [{"cidrBlock": "0.0.0.0/0", "natGatewayId": UNKNOWN}]},
            deps={"routes": ["nat"]}),
    )
    assert [u for _, u in check_stack(POLICY, resources).violations] == [urn(SUBNET, "private-0")]


def test_known_ids_relate_resources_without_dependencies():
    resources = [
        Res(SUBNET, "public-0", {"id": "subnet-1", "mapPublicIpOnLaunch": True}),
        Res(ROUTE_TABLE, "public-rt", {"id": "rtb-1", "routes": [{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}]}),
        Res(ASSOCIATION, "assoc", {"subnetId": "subnet-1", "routeTableId": "rtb-1"}),
        Res(SUBNET, "private-0", {"id": "subnet-2", "mapPublicIpOnLaunch": True}),
        Res(ROUTE_TABLE, "private-rt", {"id": "rtb-2", "routes": []}),
        Res(ROUTE, "private-vpn", {"routeTableId": "rtb-2", "gatewayId": "vgw-1"}),
        Res(ASSOCIATION, "assoc-2", {"subnetId": "subnet-2", "routeTableId": "rtb-2"}),
    ]
    assert [u for _, u in check_stack(POLICY, resources).violations] == [urn(SUBNET, "private-0")]


def test_subnets_not_mapping_public_ips_not_applicable():
    resources = [r for r in network(public_maps=False) if r.type != ASSOCIATION]
    resources.append(Res(SUBNET, "plain", {"cidrBlock": "10.0.20.0/24"}))
    result = check_stack(POLICY, resources)
    assert result.violations == [] and not result.unknown


def test_unknown_map_public_ip_cannot_be_evaluated():
    resources = replace(network(), Res(SUBNET, "private-0", {"mapPublicIpOnLaunch": UNKNOWN}))
    assert check_stack(POLICY, resources).unknown


def test_map_public_ip_left_out_is_false():
    subnet = Res(SUBNET, "private-a", {"vpcId": UNKNOWN, "cidrBlock": "10.0.10.0/24"})
    result = check_stack(POLICY, [subnet])
    assert result.violations == [] and not result.unknown
    subnet.props["mapPublicIpOnLaunch"] = False
    assert check_stack(POLICY, [subnet]).violations == []
    subnet.props["mapPublicIpOnLaunch"] = True
    assert len(check_stack(POLICY, [subnet]).violations) == 1


def test_default_route_table_routing_to_the_internet_gateway_makes_the_subnet_public():
    default_table = Res(ROUTE_TABLES[1], "private-rt", {"defaultRouteTableId": UNKNOWN, "routes": UNKNOWN})
    resources = replace(network(private_maps=True), default_table, default_route("private-rt", "gatewayId", "igw"))
    assert check_stack(POLICY, resources).violations == []


def test_route_without_gateway_or_to_another_gateway_keeps_the_subnet_private():
    resources = replace(network(private_maps=True),
                        Res(ROUTE, "private-rt-default", {"routeTableId": "rtb-1", "gatewayId": None},
                            deps={"routeTableId": ["private-rt"]}))
    assert len(check_stack(POLICY, resources).violations) == 1
    resources = replace(network(private_maps=True),
                        Res(ROUTE, "private-rt-default", {"routeTableId": "rtb-1", "gatewayId": "vgw-1"},
                            deps={"routeTableId": ["private-rt"]}))
    assert len(check_stack(POLICY, resources).violations) == 1
    resources = replace(network(private_maps=True),
                        Res(ROUTE, "private-rt-default", {"routeTableId": "rtb-1", "gatewayId": "igw-0abc"},
                            deps={"routeTableId": ["private-rt"]}))
    assert check_stack(POLICY, resources).violations == []
