"""Vpc built directly under the mocks: subnets, NAT and routing per strategy, endpoints, flow logs, validation."""

from __future__ import annotations

import functools
import ipaddress
import itertools
import json

import pulumi
import pytest

from components.network.vpc import TYPE, Vpc, VpcArgs, subnet_cidrs
from preflight.engine import ACCOUNT_ID, Recording, Registration
from tests.mocks import context, of_type, one, record, record_failure, ref, refs

ZONES = tuple(f"eu-west-1{c}" for c in "abcdef")
CIDR = "10.0.0.0/16"
ANYWHERE = "0.0.0.0/0"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
IGW = "aws:ec2/internetGateway:InternetGateway"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
STRATEGIES = ("none", "single", "per-az")
AZ_COUNTS = range(2, 7)


@functools.cache
def build(az_count: int = 2, nat: str = "single", flow_logs: bool = False, cidr: str = CIDR, protect: bool = False,
          log_retention_days: int = 30, region: str = "eu-west-1", partition: str = "aws",
          endpoints: tuple[str, ...] = ()) -> Recording:
    """One Vpc named net; its outputs exported as vpcId, cidrBlock, publicSubnetIds, privateSubnetIds."""
    args = VpcArgs(context=context(protect=protect, log_retention_days=log_retention_days, region=region,
                                   partition=partition),
                   cidr_block=cidr, availability_zones=ZONES[:az_count], nat_strategy=nat, flow_logs=flow_logs,
                   interface_endpoints=endpoints)

    def program() -> None:
        vpc = Vpc("net", args)
        pulumi.export("vpcId", vpc.vpc_id)
        pulumi.export("cidrBlock", vpc.cidr_block)
        pulumi.export("publicSubnetIds", vpc.public_subnet_ids)
        pulumi.export("privateSubnetIds", vpc.private_subnet_ids)

    return record(program, config={"aws:region": region})



def table_of(rec: Recording, subnet: Registration) -> Registration:
    """The route table the subnet is associated with (exactly one association)."""
    associations = [a for a in of_type(rec, ASSOCIATION) if refs(rec, a, "subnetId") == [subnet]]
    assert len(associations) == 1, f"{subnet.urn}: associations {[a.urn for a in associations]}"
    return ref(rec, associations[0], "routeTableId")


def routes_of(rec: Recording, table: Registration) -> list[Registration]:
    return [r for r in of_type(rec, ROUTE) if refs(rec, r, "routeTableId") == [table]]


def default_route(rec: Recording, table: Registration) -> Registration | None:
    found = [r for r in routes_of(rec, table) if r.inputs.get("destinationCidrBlock") == ANYWHERE]
    assert len(found) <= 1, f"{table.urn}: several default routes {[r.urn for r in found]}"
    return found[0] if found else None


def is_public(rec: Recording, subnet: Registration) -> bool:
    """Public means: its route table sends 0.0.0.0/0 to an internet gateway."""
    route = default_route(rec, table_of(rec, subnet))
    return route is not None and "gatewayId" in route.inputs and ref(rec, route, "gatewayId").type == IGW


def tiers(rec: Recording) -> tuple[list[Registration], list[Registration]]:
    """(public, private) subnets, classified by routing, each in zone order."""
    subnets = sorted(of_type(rec, SUBNET), key=lambda s: s.inputs["availabilityZone"])
    public = [s for s in subnets if is_public(rec, s)]
    return public, [s for s in subnets if s not in public]


def zone_of_nat(rec: Recording, nat: Registration) -> str:
    return ref(rec, nat, "subnetId").inputs["availabilityZone"]


# ---- subnets -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("az_count", AZ_COUNTS)
def test_one_public_and_one_private_subnet_per_zone(az_count: int):
    rec = build(az_count)
    vpc = one(rec, VPC)
    public, private = tiers(rec)
    for tier, subnets in (("public", public), ("private", private)):
        assert [s.inputs["availabilityZone"] for s in subnets] == list(ZONES[:az_count]), [s.urn for s in subnets]
        for s in subnets:
            assert ref(rec, s, "vpcId") == vpc, s.urn
            assert s.inputs["tags"]["tier"] == tier, s.urn
    assert len(of_type(rec, SUBNET)) == 2 * az_count, vpc.urn


@pytest.mark.parametrize("az_count", AZ_COUNTS)
@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.16.0.0/18", "192.168.16.0/20"])
def test_subnet_cidrs_inside_the_vpc_and_disjoint(az_count: int, cidr: str):
    rec = build(az_count, cidr=cidr)
    vpc = one(rec, VPC)
    assert vpc.inputs["cidrBlock"] == cidr, vpc.urn
    network = ipaddress.ip_network(cidr)
    subnets = of_type(rec, SUBNET)
    for s in subnets:
        assert ipaddress.ip_network(s.inputs["cidrBlock"]).subnet_of(network), s.urn
    for a, b in itertools.combinations(subnets, 2):
        assert not ipaddress.ip_network(a.inputs["cidrBlock"]).overlaps(ipaddress.ip_network(b.inputs["cidrBlock"])), \
            f"{a.urn} overlaps {b.urn}"
    private_cidrs, public_cidrs = subnet_cidrs(cidr, az_count)
    public, private = tiers(rec)
    assert [s.inputs["cidrBlock"] for s in private] == private_cidrs, [s.urn for s in private]
    assert [s.inputs["cidrBlock"] for s in public] == public_cidrs, [s.urn for s in public]


@pytest.mark.parametrize("prefix", range(16, 21))
def test_subnet_cidrs_layout_is_stable_as_zones_grow(prefix: int):
    cidr = f"10.64.0.0/{prefix}"
    network = ipaddress.ip_network(cidr)
    all_private, all_public = subnet_cidrs(cidr, 6)
    blocks = [ipaddress.ip_network(c) for c in all_private + all_public]
    assert all(b.subnet_of(network) and b.prefixlen == prefix + 4 for b in blocks), blocks
    assert all(not a.overlaps(b) for a, b in itertools.combinations(blocks, 2)), blocks
    for az_count in AZ_COUNTS:
        private, public = subnet_cidrs(cidr, az_count)
        assert (private, public) == (all_private[:az_count], all_public[:az_count]), az_count


@pytest.mark.parametrize("nat", STRATEGIES)
@pytest.mark.parametrize("az_count", range(2, 6))
def test_adding_a_zone_keeps_every_existing_resource(az_count: int, nat: str):
    before, after = build(az_count, nat), build(az_count + 1, nat)
    after_by_urn = {r.urn: r for r in after.resources}
    for r in before.resources:
        assert r.urn in after_by_urn, f"{r.urn} disappears when zone {az_count + 1} is added"
        if r.type in (SUBNET, NAT, EIP, TABLE, ROUTE, ASSOCIATION):
            assert after_by_urn[r.urn].inputs == r.inputs, f"{r.urn} changes when zone {az_count + 1} is added"


def test_no_subnet_maps_public_ips():
    for az_count, nat in itertools.product(AZ_COUNTS, STRATEGIES):
        for s in of_type(build(az_count, nat), SUBNET):
            assert s.inputs.get("mapPublicIpOnLaunch") is False, s.urn
            assert not s.inputs.get("assignIpv6AddressOnCreation"), s.urn
            assert not s.inputs.get("mapCustomerOwnedIpOnLaunch"), s.urn


def test_vpc_has_dns_for_endpoints():
    vpc = one(build(), VPC)
    assert vpc.inputs["enableDnsSupport"] is True, vpc.urn
    assert vpc.inputs["enableDnsHostnames"] is True, vpc.urn


# ---- NAT gateways and routing ------------------------------------------------------------------------------


@pytest.mark.parametrize("az_count", AZ_COUNTS)
@pytest.mark.parametrize(("nat", "expected"), [("none", lambda n: 0), ("single", lambda n: 1),
                                               ("per-az", lambda n: n)], ids=STRATEGIES)
def test_nat_gateway_count_per_strategy(az_count: int, nat: str, expected):
    rec = build(az_count, nat)
    vpc = one(rec, VPC)
    nats = of_type(rec, NAT)
    assert len(nats) == expected(az_count), f"{vpc.urn}: {[n.urn for n in nats]}"
    assert len(of_type(rec, EIP)) == len(nats), vpc.urn
    public, _ = tiers(rec)
    igw = one(rec, IGW)
    for n in nats:
        eip = ref(rec, n, "allocationId")
        assert eip.type == EIP and eip.inputs["domain"] == "vpc", n.urn
        assert ref(rec, n, "subnetId") in public, f"{n.urn} is not in a public subnet"
        assert igw.urn in n.dependencies, f"{n.urn} does not wait for the internet gateway"
        assert n.inputs.get("connectivityType", "public") == "public", n.urn
    zones = [zone_of_nat(rec, n) for n in nats]
    assert len(set(zones)) == len(zones), f"{vpc.urn}: NAT gateways share a zone: {zones}"


@pytest.mark.parametrize("az_count", AZ_COUNTS)
@pytest.mark.parametrize("nat", STRATEGIES)
def test_private_default_routes(az_count: int, nat: str):
    rec = build(az_count, nat)
    _, private = tiers(rec)
    nats = of_type(rec, NAT)
    tables = [table_of(rec, s) for s in private]
    assert len({t.urn for t in tables}) == az_count, [t.urn for t in tables]  # one table per zone
    for subnet, table in zip(private, tables, strict=True):
        route = default_route(rec, table)
        if nat == "none":
            assert route is None, table.urn
            assert routes_of(rec, table) == [], table.urn
            continue
        assert route is not None, f"{table.urn} has no default route"
        assert "gatewayId" not in route.inputs, route.urn
        target = ref(rec, route, "natGatewayId")
        assert target.type == NAT, route.urn
        if nat == "single":
            assert target == nats[0], route.urn
        else:
            assert zone_of_nat(rec, target) == subnet.inputs["availabilityZone"], \
                f"{route.urn} leaves zone {subnet.inputs['availabilityZone']} for {zone_of_nat(rec, target)}"


@pytest.mark.parametrize("nat", STRATEGIES)
def test_public_subnets_route_to_the_internet_gateway(nat: str):
    rec = build(3, nat)
    vpc, igw = one(rec, VPC), one(rec, IGW)
    assert ref(rec, igw, "vpcId") == vpc, igw.urn
    public, _ = tiers(rec)
    assert len(public) == 3, vpc.urn
    tables = {table_of(rec, s).urn for s in public}
    assert len(tables) == 1, tables
    table = table_of(rec, public[0])
    assert ref(rec, table, "vpcId") == vpc, table.urn
    route = default_route(rec, table)
    assert route is not None and ref(rec, route, "gatewayId") == igw, table.urn
    assert [r.urn for r in routes_of(rec, table)] == [route.urn], table.urn


def test_every_subnet_has_exactly_one_association():
    rec = build(4, "per-az")
    associated = [ref(rec, a, "subnetId").urn for a in of_type(rec, ASSOCIATION)]
    for s in of_type(rec, SUBNET):
        assert associated.count(s.urn) == 1, s.urn


# ---- default security group, S3 endpoint --------------------------------------------------------------------


def test_default_security_group_adopted_without_rules():
    rec = build()
    sg = one(rec, DEFAULT_SG)
    assert ref(rec, sg, "vpcId") == one(rec, VPC), sg.urn
    assert sg.inputs.get("ingress", []) == [], sg.urn
    assert sg.inputs.get("egress", []) == [], sg.urn


@pytest.mark.parametrize("az_count", AZ_COUNTS)
@pytest.mark.parametrize("nat", STRATEGIES)
def test_s3_gateway_endpoint_on_every_private_route_table(az_count: int, nat: str):
    rec = build(az_count, nat)
    endpoint = one(rec, ENDPOINT)
    assert endpoint.inputs["serviceName"] == "com.amazonaws.eu-west-1.s3", endpoint.urn
    assert endpoint.inputs["vpcEndpointType"] == "Gateway", endpoint.urn
    assert ref(rec, endpoint, "vpcId") == one(rec, VPC), endpoint.urn
    _, private = tiers(rec)
    on = refs(rec, endpoint, "routeTableIds")
    assert sorted(t.id for t in on) == sorted(endpoint.inputs["routeTableIds"]), endpoint.urn
    for s in private:
        assert table_of(rec, s) in on, f"{endpoint.urn} misses {table_of(rec, s).urn}"


def test_s3_endpoint_follows_the_region():
    endpoint = one(build(region="us-east-2"), ENDPOINT)
    assert endpoint.inputs["serviceName"] == "com.amazonaws.us-east-2.s3", endpoint.urn


# ---- flow logs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nat", STRATEGIES)
def test_no_flow_logs_unless_asked(nat: str):
    rec = build(2, nat, flow_logs=False)
    for t in (FLOW_LOG, LOG_GROUP, ROLE, ROLE_POLICY):
        assert of_type(rec, t) == [], [r.urn for r in of_type(rec, t)]


def test_flow_logs_to_cloudwatch():
    rec = build(3, "per-az", flow_logs=True, log_retention_days=365)
    flow_log, group, role = one(rec, FLOW_LOG), one(rec, LOG_GROUP), one(rec, ROLE)
    assert ref(rec, flow_log, "vpcId") == one(rec, VPC), flow_log.urn
    assert flow_log.inputs["trafficType"] == "ALL", flow_log.urn
    assert flow_log.inputs["logDestinationType"] == "cloud-watch-logs", flow_log.urn
    assert refs(rec, flow_log, "logDestination") == [group], flow_log.urn
    assert flow_log.inputs["logDestination"] == group.outputs["arn"], flow_log.urn
    assert refs(rec, flow_log, "iamRoleArn") == [role], flow_log.urn
    assert flow_log.inputs["iamRoleArn"] == role.outputs["arn"], flow_log.urn
    assert group.inputs["retentionInDays"] == 365, group.urn
    assert group.inputs["name"] == "/platform/test/net/flow-logs", group.urn


def test_flow_logs_role_trusts_only_the_service_for_this_account():
    rec = build(flow_logs=True)
    role = one(rec, ROLE)
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Version"] == "2012-10-17", role.urn
    [st] = trust["Statement"]
    assert st["Effect"] == "Allow" and st["Action"] == "sts:AssumeRole", role.urn
    assert st["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}, role.urn
    assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}, role.urn
    assert st["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:ec2:eu-west-1:{ACCOUNT_ID}:vpc-flow-log/*"}, \
        role.urn


def test_flow_logs_role_holds_what_aws_documents_scoped_to_its_log_group():
    rec = build(flow_logs=True)
    policy, role, group = one(rec, ROLE_POLICY), one(rec, ROLE), one(rec, LOG_GROUP)
    assert refs(rec, policy, "role") == [role], policy.urn
    document = json.loads(policy.inputs["policy"])
    on_group, describe = document["Statement"]
    # "IAM role for publishing flow logs to CloudWatch Logs": these five actions, no more.
    assert set(on_group["Action"]) | set(describe["Action"]) == {
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups",
        "logs:DescribeLogStreams"}, policy.urn
    arn = group.outputs["arn"]
    assert on_group == {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream",
                                                      "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        "Resource": [arn, f"{arn}:*"]}, policy.urn
    assert describe == {"Effect": "Allow", "Action": ["logs:DescribeLogGroups"],
                        "Resource": [f"arn:aws:logs:eu-west-1:{ACCOUNT_ID}:log-group:*"]}, policy.urn


def test_flow_log_waits_for_its_role_policy():
    rec = build(flow_logs=True)
    flow_log, policy = one(rec, FLOW_LOG), one(rec, ROLE_POLICY)
    assert policy.urn in flow_log.dependencies, flow_log.urn


def test_flow_log_arns_follow_the_partition():
    rec = build(flow_logs=True, region="cn-north-1", partition="aws-cn")
    trust = json.loads(one(rec, ROLE).inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Condition"]["ArnLike"] == {
        "aws:SourceArn": f"arn:aws-cn:ec2:cn-north-1:{ACCOUNT_ID}:vpc-flow-log/*"}
    describe = json.loads(one(rec, ROLE_POLICY).inputs["policy"])["Statement"][1]
    assert describe["Resource"] == [f"arn:aws-cn:logs:cn-north-1:{ACCOUNT_ID}:log-group:*"]


# ---- component shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("flow_logs", [False, True])
def test_children_are_parented_to_the_component(flow_logs: bool):
    rec = build(3, "per-az", flow_logs=flow_logs)
    component = one(rec, TYPE)
    assert component.urn == f"urn:pulumi:test::container-platform::{TYPE}::net", component.urn
    for r in rec.resources:
        if r is component:
            continue
        assert r.parent == component.urn, r.urn
        assert r.urn == f"urn:pulumi:test::container-platform::{TYPE}${r.type}::{r.name}", r.urn
        assert r.name == "net" or r.name.startswith("net-"), r.urn


def test_two_vpcs_do_not_collide():
    def program() -> None:
        for name in ("blue", "green"):
            Vpc(name, VpcArgs(context=context(), cidr_block=CIDR, availability_zones=ZONES[:2], flow_logs=True))

    rec = record(program)
    urns = [r.urn for r in rec.resources]
    assert len(urns) == len(set(urns)), [u for u in urns if urns.count(u) > 1]
    assert len(rec.by_type(TYPE)) == 2, urns


@pytest.mark.parametrize("protect", [False, True])
def test_vpc_protected_when_the_context_says_so(protect: bool):
    rec = build(protect=protect)
    vpc = one(rec, VPC)
    assert vpc.protect is protect, vpc.urn
    for r in rec.resources:
        if r.type not in (VPC, TYPE):
            assert r.protect is False, r.urn


@pytest.mark.parametrize("nat", STRATEGIES)
def test_outputs_name_the_vpc_and_its_subnets_in_zone_order(nat: str):
    rec = build(3, nat)
    vpc = one(rec, VPC)
    public, private = tiers(rec)
    assert rec.outputs["vpcId"] == vpc.id, vpc.urn
    assert rec.outputs["cidrBlock"] == CIDR, vpc.urn
    assert rec.outputs["publicSubnetIds"] == [s.id for s in public], [s.urn for s in public]
    assert rec.outputs["privateSubnetIds"] == [s.id for s in private], [s.urn for s in private]


# ---- argument validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"availability_zones": ZONES[:1]}, "Vpc net: needs 2..6 availability zones (got 1)"),
    ({"availability_zones": ()}, "Vpc net: needs 2..6 availability zones (got 0)"),
    ({"availability_zones": (*ZONES, "eu-west-1g")}, "Vpc net: needs 2..6 availability zones (got 7)"),
    ({"nat_strategy": "multi"}, "Vpc net: nat_strategy must be one of none, single, per-az (got multi)"),
    ({"nat_strategy": "perAz"}, "Vpc net: nat_strategy must be one of none, single, per-az (got perAz)"),
    ({"cidr_block": "10.0.0.0/8"}, "Vpc net: cidr_block must be an IPv4 /16../20 (got 10.0.0.0/8)"),
    ({"cidr_block": "10.0.0.0/15"}, "Vpc net: cidr_block must be an IPv4 /16../20 (got 10.0.0.0/15)"),
    ({"cidr_block": "10.0.0.0/21"}, "Vpc net: cidr_block must be an IPv4 /16../20 (got 10.0.0.0/21)"),
    ({"cidr_block": "fd00::/16"}, "Vpc net: cidr_block must be an IPv4 /16../20 (got fd00::/16)"),
    ({"cidr_block": "10.0.0.1/16"}, "Vpc net: cidr_block must be an IPv4 /16../20 (got 10.0.0.1/16)"),
    ({"cidr_block": "ten"}, "Vpc net: cidr_block must be an IPv4 /16../20 (got ten)"),
    ({"availability_zones": ("eu-west-1a", "eu-west-1a")},
     "Vpc net: availability_zones must be distinct (got eu-west-1a, eu-west-1a)"),
], ids=lambda v: None if isinstance(v, dict) else v.removeprefix("Vpc net: "))
def test_argument_errors(changes: dict, message: str):
    values = {"context": context(), "cidr_block": CIDR, "availability_zones": ZONES[:2], **changes}
    exc, registered = record_failure(lambda: Vpc("net", VpcArgs(**values)))
    assert isinstance(exc, ValueError), repr(exc)
    assert str(exc) == message
    assert registered == [], [r.urn for r in registered]


# ---- the default network ACL -------------------------------------------------------------------------------------

NACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"


def _opens(entries: list[dict], port: int, protocol: str = "tcp", cidr: str = "0.0.0.0/0") -> bool:
    return any(e["action"] == "allow" and e.get("cidrBlock") == cidr and e["protocol"] in (protocol, "-1")
               and (e["protocol"] == "-1" or e["fromPort"] <= port <= e["toPort"]) for e in entries)


def test_the_default_network_acl_is_adopted_for_the_vpc():
    rec = build()
    nacl, vpc = one(rec, NACL), one(rec, VPC)
    assert ref(rec, nacl, "defaultNetworkAclId", "defaultNetworkAclId") == vpc, nacl.urn
    assert nacl.inputs["egress"] == [{"ruleNo": 100, "action": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0",
                                      "fromPort": 0, "toPort": 0}], nacl.urn


@pytest.mark.parametrize("protocol", ["tcp", "udp"])
def test_the_internet_reaches_listener_and_reply_ports_but_never_ssh_or_rdp(protocol: str):
    entries = one(build(), NACL).inputs["ingress"]
    for port in (22, 3389):
        assert not _opens(entries, port, protocol), port
    for port in (1024, 3388, 3390, 65535):
        assert _opens(entries, port, protocol), port
    for port in (1023, 8080 if protocol == "udp" else 23):
        if port < 1024:
            assert not _opens(entries, port, protocol), port
    assert _opens(entries, 443) and _opens(entries, 80) and not _opens(entries, 443, "udp")


def test_inside_the_vpc_everything_flows():
    entries = one(build(cidr="10.8.0.0/16"), NACL).inputs["ingress"]
    assert _opens(entries, 22, "tcp", "10.8.0.0/16") and _opens(entries, 3389, "udp", "10.8.0.0/16")


def test_path_mtu_discovery_gets_through():
    entries = one(build(), NACL).inputs["ingress"]
    assert {"ruleNo": 170, "action": "allow", "protocol": "1", "cidrBlock": "0.0.0.0/0", "fromPort": 0, "toPort": 0,
            "icmpType": 3, "icmpCode": 4} in entries
    assert len({e["ruleNo"] for e in entries}) == len(entries)
