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


INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG = "aws:ec2/securityGroup:SecurityGroup"


def adopted(*extra: Res) -> list[Res]:
    return [
        Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16", "defaultSecurityGroupId": UNKNOWN}),
        Res(DEFAULT_SG, "vpc-default", {"vpcId": UNKNOWN}, deps={"vpcId": ["vpc"]}),
        Res(SG, "app-sg", {"vpcId": UNKNOWN}, deps={"vpcId": ["vpc"]}),
        *extra,
    ]


def test_rule_resources_on_the_default_group_fail_in_every_form():
    resources = adopted(
        Res(INGRESS_RULE, "on-adopted", {"securityGroupId": UNKNOWN, "ipProtocol": "-1", "cidrIpv4": "10.0.0.0/8"},
            deps={"securityGroupId": ["vpc-default"]}),
        Res(EGRESS_RULE, "on-vpc-output", {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 443,
                                           "toPort": 443, "cidrIpv6": "::/0"}, deps={"securityGroupId": ["vpc"]}),
        Res(LEGACY_RULE, "legacy-self", {"type": "ingress", "securityGroupId": UNKNOWN, "protocol": "all",
                                         "fromPort": 0, "toPort": 0, "self": True},
            deps={"securityGroupId": ["vpc-default"]}),
        Res(INGRESS_RULE, "on-app", {"securityGroupId": UNKNOWN, "ipProtocol": "-1", "cidrIpv4": "10.0.0.0/8"},
            deps={"securityGroupId": ["app-sg"]}),
    )
    assert check_stack(POLICY, resources).violations == [
        ("ingress rule 'on-adopted' adds all traffic ingress to default security group 'vpc-default'; the default "
         "security group must allow no traffic: put the rule on a security group of the workload's own.",
         urn(INGRESS_RULE, "on-adopted")),
        ("egress rule 'on-vpc-output' adds tcp 443 egress to the default security group of VPC 'vpc'; the default "
         "security group must allow no traffic: put the rule on a security group of the workload's own.",
         urn(EGRESS_RULE, "on-vpc-output")),
        ("ingress rule 'legacy-self' adds all traffic ingress to default security group 'vpc-default'; the default "
         "security group must allow no traffic: put the rule on a security group of the workload's own.",
         urn(LEGACY_RULE, "legacy-self")),
    ]


def test_rule_on_the_known_default_group_id_after_an_update_fails():
    resources = [
        Res(VPC, "vpc", {"id": "vpc-1", "defaultSecurityGroupId": "sg-default"}),
        Res(DEFAULT_SG, "vpc-default", {"vpcId": "vpc-1", "id": "sg-other-id"}),
        Res(INGRESS_RULE, "typed-in", {"securityGroupId": "sg-default", "ipProtocol": "tcp", "fromPort": 22,
                                       "toPort": 22, "cidrIpv4": "10.0.0.0/8"}),
        Res(INGRESS_RULE, "elsewhere", {"securityGroupId": "sg-app", "ipProtocol": "tcp", "fromPort": 22,
                                        "toPort": 22, "cidrIpv4": "10.0.0.0/8"}),
    ]
    assert [u for _, u in check_stack(POLICY, resources).violations] == [urn(INGRESS_RULE, "typed-in")]


def test_rule_that_allows_nothing_does_not_open_the_default_group():
    resources = adopted(Res(LEGACY_RULE, "no-peer", {"type": "ingress", "securityGroupId": UNKNOWN,
                                                     "protocol": "tcp", "fromPort": 1, "toPort": 1},
                            deps={"securityGroupId": ["vpc-default"]}))
    assert check_stack(POLICY, resources).violations == []


def test_inline_rules_unknown_in_a_preview_do_not_stop_the_check():
    resources = adopted(Res(SG, "fed-sg", {"ingress": UNKNOWN}, deps={"ingress": ["app-sg"]}),
                        Res(INGRESS_RULE, "on-adopted", {"securityGroupId": UNKNOWN, "ipProtocol": "-1",
                                                         "cidrIpv4": "10.0.0.0/8"},
                            deps={"securityGroupId": ["vpc-default"]}))
    result = check_stack(POLICY, resources)
    assert not result.unknown and [u for _, u in result.violations] == [urn(INGRESS_RULE, "on-adopted")]
