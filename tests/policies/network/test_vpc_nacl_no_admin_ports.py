import pytest
from guardrails.network.vpc_nacl_no_admin_ports import POLICY, admin_ports_open

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_ACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
ACL = "aws:ec2/networkAcl:NetworkAcl"
RULE = "aws:ec2/networkAclRule:NetworkAclRule"


def entry(rule_no, protocol, low, high, action="allow", cidr="0.0.0.0/0", **extra):
    return {"ruleNo": rule_no, "action": action, "protocol": protocol, "fromPort": low, "toPort": high,
            "cidrBlock": cidr, **extra}


SAFE = [entry(100, "tcp", 0, 21), entry(110, "tcp", 23, 3388), entry(120, "tcp", 3390, 65535),
        entry(130, "udp", 1024, 3388), entry(135, "udp", 3390, 65535), entry(140, "icmp", -1, -1),
        entry(150, "-1", 0, 0, cidr="10.0.0.0/16")]


def adopted(ingress):
    return [Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"}),
            Res(DEFAULT_ACL, "default", {"defaultNetworkAclId": UNKNOWN, "ingress": ingress},
                {"defaultNetworkAclId": ["vpc"]})]


def test_adopted_default_acl_without_admin_ports_passes():
    assert check_stack(POLICY, adopted(SAFE)).violations == []
    assert check_stack(POLICY, adopted([])).violations == []


def test_vpc_keeping_the_aws_default_acl_fails():
    result = check_stack(POLICY, [Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"})])
    assert result.violations == [(
        "VPC 'vpc' keeps AWS's default network ACL (no aws.ec2.DefaultNetworkAcl adopts it), whose rule 100 allows all "
        "traffic from the internet: rule 100 allows all from 0.0.0.0/0 to port(s) 22, 3389. Deny SSH and RDP from the "
        "internet: allow only the ports the subnets serve (split ranges around 22 and 3389), or narrow the source "
        "CIDR.",
        urn(VPC, "vpc"),
    )]


def test_ipv6_vpc_default_acl_also_opens_to_ipv6():
    message = check_stack(POLICY, [Res(VPC, "vpc", {"assignGeneratedIpv6CidrBlock": True})]).messages[0]
    assert "rule 101 allows all from ::/0" in message


@pytest.mark.parametrize("bad", [
    entry(100, "-1", 0, 0), entry(100, "tcp", 0, 65535), entry(100, "6", 22, 22), entry(100, "udp", 3389, 3389),
    entry(100, "17", 3000, 4000), entry(100, "tcp", 22, 22, cidr=None, ipv6CidrBlock="::/0"),
    entry(100, "all", 0, 0),
])
def test_entries_opening_admin_ports_fail(bad):
    assert check_stack(POLICY, adopted(SAFE + [bad])).violations


@pytest.mark.parametrize("fine", [
    entry(100, "tcp", 22, 22, cidr="203.0.113.0/24"), entry(100, "tcp", 22, 22, action="deny"),
    entry(100, "tcp", 23, 3388), entry(100, "icmp", 0, 65535), entry(100, "tcp", 3390, 3390),
    entry(100, "tcp", 22, 22, cidr="0.0.0.0/1"),
])
def test_entries_not_opening_admin_ports_to_the_internet_pass(fine):
    assert check_stack(POLICY, adopted([fine])).violations == []


def test_shadowed_allow_entry_still_fails():
    assert check_stack(POLICY, adopted([entry(10, "tcp", 22, 22, action="deny"), entry(100, "-1", 0, 0)])).violations


def test_custom_acl_and_rule_resources():
    acl = Res(ACL, "private", {"vpcId": UNKNOWN, "ingress": SAFE}, {"vpcId": ["vpc"]})
    rule = Res(RULE, "ssh", {"networkAclId": UNKNOWN, "ruleNumber": 200, "ruleAction": "allow", "protocol": "tcp",
                             "fromPort": 22, "toPort": 22, "cidrBlock": "0.0.0.0/0"}, {"networkAclId": ["private"]})
    egress = Res(RULE, "out", {"networkAclId": UNKNOWN, "ruleNumber": 1, "ruleAction": "allow", "protocol": "-1",
                               "egress": True, "cidrBlock": "0.0.0.0/0"}, {"networkAclId": ["private"]})
    result = check_stack(POLICY, adopted(SAFE) + [acl, rule, egress])
    assert result.violations == [(
        "network ACL 'private': network ACL rule 'ssh': rule 200 allows tcp from 0.0.0.0/0 to port(s) 22. Deny SSH "
        "and RDP from the internet: allow only the ports the subnets serve (split ranges around 22 and 3389), or "
        "narrow the source CIDR.",
        urn(ACL, "private"),
    )]


def test_rule_on_the_default_acl_through_the_vpc():
    rule = Res(RULE, "rdp", {"networkAclId": UNKNOWN, "ruleNumber": 5, "ruleAction": "allow", "protocol": "tcp",
                             "fromPort": 3389, "toPort": 3389, "cidrBlock": "0.0.0.0/0"}, {"networkAclId": ["vpc"]})
    result = check_stack(POLICY, adopted(SAFE) + [rule])
    assert [u for _, u in result.violations] == [urn(DEFAULT_ACL, "default")]


def test_admin_ports_open():
    assert admin_ports_open(entry(1, "tcp", 20, 25)) == [22]
    assert admin_ports_open({"action": "allow", "protocol": "tcp", "cidrBlock": "0.0.0.0/0"}) == []
    assert admin_ports_open(entry(1, "tcp", 0, 65535, cidr="not-a-cidr")) == []


def test_unknown_entries_cannot_be_evaluated():
    assert check_stack(POLICY, adopted([entry(1, "tcp", 22, 22, cidr=UNKNOWN)])).unknown
