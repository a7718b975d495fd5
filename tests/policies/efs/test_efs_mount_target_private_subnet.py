import pytest
from guardrails.efs.efs_mount_target_private_subnet import POLICY

from tests.policies.efs._stack import ROUTE, platform, replace
from tests.policies.harness import Res, check_stack


@pytest.mark.parametrize("preview", [False, True])
def test_mount_targets_in_private_subnets_pass(preview):
    assert check_stack(POLICY, platform(preview)).violations == []


@pytest.mark.parametrize("preview", [False, True])
def test_a_subnet_that_maps_public_ips_fails(preview):
    stack = replace(platform(preview), "private-b", mapPublicIpOnLaunch=True)
    result = check_stack(POLICY, stack)
    assert result.messages == ["EFS mount target 'mt-1' is in subnet 'private-b', which assigns public IPv4 addresses "
                               "on launch; put mount targets in the private subnets the workloads run in."]
    assert result.violations[0][1].endswith("::mt-1")


@pytest.mark.parametrize("preview", [False, True])
def test_a_public_subnet_without_public_ips_fails(preview):
    stack = replace(platform(preview), "mt-0", subnetId="subnet-public-a", deps={"subnetId": ["public-a"]})
    result = check_stack(POLICY, stack)
    assert result.messages == ["EFS mount target 'mt-0' is in subnet 'public-a', a public subnet (its route table "
                               "routes to an internet gateway); put mount targets in the private subnets the "
                               "workloads run in."]


def test_a_route_by_literal_internet_gateway_id_counts():
    stack = replace(platform(), "public-default", gatewayId="igw-0abc", deps={"gatewayId": []})
    stack = replace(stack, "mt-0", subnetId="subnet-public-a", deps={"subnetId": ["public-a"]})
    assert len(check_stack(POLICY, stack).violations) == 1


def test_a_nat_route_keeps_a_subnet_private():
    stack = platform() + [
        Res("aws:ec2/routeTable:RouteTable", "private", {"vpcId": "vpc-1", "id": "rtb-private"}),
        Res(ROUTE, "private-default", {"routeTableId": "rtb-private", "destinationCidrBlock": "0.0.0.0/0",
                                       "natGatewayId": "nat-1"}, {"routeTableId": ["private"]}),
        Res("aws:ec2/routeTableAssociation:RouteTableAssociation", "private-a-rt",
            {"subnetId": "subnet-private-a", "routeTableId": "rtb-private"},
            {"subnetId": ["private-a"], "routeTableId": ["private"]}),
    ]
    assert check_stack(POLICY, stack).violations == []


def test_a_subnet_outside_the_stack_cannot_be_judged():
    stack = replace(platform(), "mt-0", subnetId="subnet-0123456789abcdef0", deps={"subnetId": []})
    assert check_stack(POLICY, stack).violations == []


def test_a_stack_without_mount_targets_is_not_applicable():
    assert check_stack(POLICY, [Res("aws:ec2/vpc:Vpc", "vpc", {})]).not_applicable
