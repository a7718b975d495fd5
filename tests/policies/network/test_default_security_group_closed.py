from guardrails.network.default_security_group_closed import DEFAULT_SG, POLICY

from tests.policies.harness import UNKNOWN, check_resource


def test_no_rules_passes():
    assert check_resource(POLICY, DEFAULT_SG, {"vpcId": "vpc-1"}).violations == []
    assert check_resource(POLICY, DEFAULT_SG, {"vpcId": "vpc-1", "ingress": [], "egress": []}).violations == []


def test_any_rule_fails():
    rule = {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}
    result = check_resource(POLICY, DEFAULT_SG, {"vpcId": "vpc-1", "egress": [rule]})
    assert result.messages == ["the default security group has 1 egress rule(s); it must have none."]


def test_other_types_not_applicable():
    result = check_resource(POLICY, "aws:ec2/securityGroup:SecurityGroup", {"ingress": [{"self": True}]})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_rules_cannot_be_evaluated():
    assert check_resource(POLICY, DEFAULT_SG, {"ingress": UNKNOWN}).unknown


def test_left_out_rules_leave_the_adopted_group_closed():
    # The provider removes every rule of the default group when it adopts it, and adds only declared ones.
    assert check_resource(POLICY, DEFAULT_SG, {}).violations == []


def test_rules_in_every_form_and_direction_fail():
    ingress = [
        {"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True},
        {"protocol": "6", "fromPort": 22, "toPort": 22, "ipv6CidrBlocks": ["::/0"]},
        {"protocol": "all", "fromPort": 0, "toPort": 0, "securityGroups": ["sg-1"]},
    ]
    egress = [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "prefixListIds": ["pl-1"]}]
    assert check_resource(POLICY, DEFAULT_SG, {"ingress": ingress, "egress": egress}).messages == [
        "the default security group has 3 ingress rule(s); it must have none.",
        "the default security group has 1 egress rule(s); it must have none.",
    ]


def test_a_block_without_peer_allows_nothing():
    blocks = [{"protocol": "-1", "fromPort": 0, "toPort": 0}, {"protocol": "tcp", "fromPort": 1, "toPort": 1,
                                                               "cidrBlocks": [], "self": False}]
    assert check_resource(POLICY, DEFAULT_SG, {"ingress": blocks}).violations == []
    assert len(check_resource(POLICY, DEFAULT_SG, {"ingress": blocks + [{"self": True}]}).violations) == 1
