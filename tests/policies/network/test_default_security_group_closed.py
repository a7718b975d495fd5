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
    assert check_resource(POLICY, "aws:ec2/securityGroup:SecurityGroup", {"ingress": [{}]}).violations == []


def test_unknown_rules_cannot_be_evaluated():
    assert check_resource(POLICY, DEFAULT_SG, {"ingress": UNKNOWN}).unknown
