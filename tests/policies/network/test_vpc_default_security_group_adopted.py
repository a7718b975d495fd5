from guardrails.network.vpc_default_security_group_adopted import DEFAULT_SG, POLICY, VPC

from tests.policies.harness import UNKNOWN, Res, check_stack, urn


def test_adopted_default_group_passes():
    resources = [
        Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"}),
        Res(DEFAULT_SG, "vpc-default", {"vpcId": UNKNOWN}, deps={"vpcId": ["vpc"]}),
    ]
    result = check_stack(POLICY, resources)
    assert result.violations == [] and not result.unknown


def test_vpc_without_default_group_fails():
    resources = [
        Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"}),
        Res(VPC, "other", {"cidrBlock": "10.1.0.0/16"}),
        Res(DEFAULT_SG, "vpc-default", {"vpcId": UNKNOWN}, deps={"vpcId": ["vpc"]}),
    ]
    assert check_stack(POLICY, resources).violations == [(
        "VPC 'other' has no aws.ec2.DefaultSecurityGroup, so its default security group keeps AWS's allow-all "
        "rules; every VPC must adopt its default group with no rules.",
        urn(VPC, "other"),
    )]


def test_known_vpc_id_relates_without_dependency():
    resources = [Res(VPC, "vpc", {"id": "vpc-1"}), Res(DEFAULT_SG, "vpc-default", {"vpcId": "vpc-1"})]
    assert check_stack(POLICY, resources).violations == []
    resources = [Res(VPC, "vpc", {"id": "vpc-1"}), Res(DEFAULT_SG, "vpc-default", {"vpcId": "vpc-2"})]
    assert len(check_stack(POLICY, resources).violations) == 1


def test_stack_without_vpc_not_applicable():
    result = check_stack(POLICY, [Res(DEFAULT_SG, "imported", {"vpcId": "vpc-1"})])
    assert result.violations == [] and not result.unknown


def test_unknown_vpc_id_is_judged_by_dependencies():
    # In a preview every vpcId is unknown; the dependency decides, so the policy still runs.
    resources = [Res(VPC, "vpc", {"id": UNKNOWN}), Res(DEFAULT_SG, "elsewhere", {"vpcId": UNKNOWN})]
    result = check_stack(POLICY, resources)
    assert not result.unknown and [u for _, u in result.violations] == [urn(VPC, "vpc")]
