"""Security-group rules in every form, as the SG policies see them."""

import pytest
from guardrails._sg import (
    CIDR,
    EGRESS,
    GROUP,
    INGRESS,
    INGRESS_RULE,
    LEGACY_RULE,
    PREFIX_LIST,
    SECURITY_GROUP,
    SELF,
    Rules,
    cidr_covers,
    is_internet,
    protocol,
)
from pulumi_policy.proxy import UnknownValueError

from tests.policies.harness import UNKNOWN, Res
from tests.policies.test_graph import stack

SUBNET = "aws:ec2/subnet:Subnet"


@pytest.mark.parametrize("value, expected", [
    ("-1", "all"), ("all", "all"), ("ALL", "all"), (-1.0, "all"), ("6", "tcp"), ("tcp", "tcp"), (6.0, "tcp"),
    ("TCP", "tcp"), ("17", "udp"), ("1", "icmp"), ("58", "icmpv6"), ("icmpv6", "icmpv6"), ("50", "50"),
])
def test_protocols_by_meaning(value, expected):
    assert protocol(value) == expected


def test_internet_is_any_zero_prefix():
    assert is_internet("0.0.0.0/0") and is_internet("::/0") and is_internet("10.0.0.0/0")
    assert not is_internet("0.0.0.0/1") and not is_internet("10.0.0.0/8") and not is_internet(None)
    assert not is_internet("0.0.0.0")


def test_cidr_covers_every_subnet_or_nothing():
    r = stack(Res(SUBNET, "a", {"cidrBlock": "10.0.0.0/24"}), Res(SUBNET, "b", {"cidrBlock": "10.0.1.0/24"}))
    subnets = [r["a"], r["b"]]
    assert cidr_covers("10.0.0.0/23", subnets) and cidr_covers("10.0.0.0/16", subnets)
    assert not cidr_covers("10.0.0.0/24", subnets)
    assert cidr_covers("0.0.0.0/0", []) and not cidr_covers("10.0.0.0/8", [])
    assert not cidr_covers("::/0", subnets) and not cidr_covers("not-a-cidr", subnets)


def all_of(found: Rules) -> list:
    return found.standalone + [p for group in found.groups for p in found.inline(group)]


def rules(*resources: Res) -> Rules:
    return Rules(stack(*resources).values())


def atoms(found: Rules) -> list[tuple]:
    return [(p.resource.name, p.form, p.direction, p.protocol, p.from_port, p.to_port, p.peer.kind,
             p.peer.value) for p in all_of(found)]


def test_every_form_splits_into_one_permission_per_peer():
    found = rules(
        Res(SECURITY_GROUP, "g", {"ingress": [
            {"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True, "cidrBlocks": ["10.0.0.0/8"]},
            {"protocol": "6", "fromPort": 22, "toPort": 22, "ipv6CidrBlocks": ["::/0"], "prefixListIds": ["pl-1"],
             "securityGroups": ["sg-x"]}],
            "egress": [{"protocol": "all", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]}),
        Res(INGRESS_RULE, "r", {"securityGroupId": UNKNOWN, "ipProtocol": "-1", "fromPort": 5, "toPort": 6,
                                "cidrIpv6": "::/0"}, deps={"securityGroupId": ["g"]}),
        Res(LEGACY_RULE, "l", {"type": "egress", "securityGroupId": UNKNOWN, "protocol": "udp", "fromPort": 53,
                               "toPort": 53, "cidrBlocks": ["10.0.0.2/32", "10.0.0.3/32"], "self": False},
            deps={"securityGroupId": ["g"]}),
    )
    assert atoms(found) == [
        ("r", "rule", INGRESS, "all", None, None, CIDR, "::/0"),
        ("l", "legacy", EGRESS, "udp", 53, 53, CIDR, "10.0.0.2/32"),
        ("l", "legacy", EGRESS, "udp", 53, 53, CIDR, "10.0.0.3/32"),
        ("g", "inline", INGRESS, "all", None, None, CIDR, "10.0.0.0/8"),
        ("g", "inline", INGRESS, "all", None, None, SELF, True),
        ("g", "inline", INGRESS, "tcp", 22, 22, CIDR, "::/0"),
        ("g", "inline", INGRESS, "tcp", 22, 22, PREFIX_LIST, "pl-1"),
        ("g", "inline", INGRESS, "tcp", 22, 22, GROUP, "sg-x"),
        ("g", "inline", EGRESS, "all", None, None, CIDR, "0.0.0.0/0"),
    ]


def test_legacy_rule_of_another_type_or_without_peer_allows_nothing():
    found = rules(Res(SECURITY_GROUP, "g", {}),
                  Res(LEGACY_RULE, "odd", {"type": "both", "protocol": "tcp", "cidrBlocks": ["0.0.0.0/0"]}),
                  Res(LEGACY_RULE, "bare", {"type": "ingress", "protocol": "tcp", "fromPort": 1, "toPort": 1}))
    assert all_of(found) == []


def test_covers_tcp_ranges_and_all_traffic():
    found = rules(Res(SECURITY_GROUP, "g", {"ingress": [
        {"protocol": "tcp", "fromPort": 80, "toPort": 90, "cidrBlocks": ["10.0.0.0/8"]},
        {"protocol": "udp", "fromPort": 0, "toPort": 65535, "cidrBlocks": ["10.0.0.0/8"]},
        {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["10.0.0.0/8"]}]}))
    tcp, udp, everything = all_of(found)
    assert tcp.covers(80, 90) and tcp.covers(85, 85) and not tcp.covers(79, 80) and not tcp.covers(90, 91)
    assert not udp.covers(53, 53) and everything.covers(0, 65535)
    assert [p.describe() for p in all_of(found)] == ["tcp 80-90", "udp 0-65535", "all traffic"]


def test_inline_group_peers_follow_the_only_group_the_property_depends_on():
    r = stack(Res(SECURITY_GROUP, "alb", {"id": UNKNOWN}),
              Res(SECURITY_GROUP, "g", {"ingress": [{"protocol": "tcp", "fromPort": 80, "toPort": 80,
                                                     "securityGroups": [UNKNOWN]}]}, deps={"ingress": ["alb"]}))
    (permission,) = all_of(Rules(r.values()))
    assert permission.peer_groups(list(r.values())) == [r["alb"]]
    assert permission.outside_group(list(r.values())) is None


def test_inline_group_peers_among_several_dependencies_are_unknown_in_a_preview():
    r = stack(Res(SECURITY_GROUP, "a", {}), Res(SECURITY_GROUP, "b", {}),
              Res(SECURITY_GROUP, "g", {"ingress": [{"protocol": "tcp", "fromPort": 80, "toPort": 80,
                                                     "securityGroups": [UNKNOWN]}]}, deps={"ingress": ["a", "b"]}))
    (permission,) = all_of(Rules(r.values()))
    with pytest.raises(UnknownValueError):
        permission.peer_groups(list(r.values()))


def test_inline_group_peers_by_known_id_and_outside_ids():
    r = stack(Res(SECURITY_GROUP, "a", {"id": "sg-a"}),
              Res(SECURITY_GROUP, "g", {"ingress": [{"protocol": "tcp", "fromPort": 80, "toPort": 80,
                                                     "securityGroups": ["sg-a", "sg-elsewhere"]}]}))
    inside, outside = all_of(Rules(r.values()))
    groups = list(r.values())
    assert inside.peer_groups(groups) == [r["a"]] and inside.outside_group(groups) is None
    assert outside.peer_groups(groups) == [] and outside.outside_group(groups) == "sg-elsewhere"


def test_computed_cidr_is_described_without_reading_and_read_when_judged():
    r = stack(Res("aws:ec2/vpc:Vpc", "vpc", {}), Res(SECURITY_GROUP, "g", {}),
              Res(INGRESS_RULE, "r", {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 1, "toPort": 1,
                                      "cidrIpv4": UNKNOWN}, deps={"securityGroupId": ["g"], "cidrIpv4": ["vpc"]}))
    (permission,) = all_of(Rules(r.values()))
    assert permission.peer.text == "cidrIpv4 computed from 'vpc'"
    with pytest.raises(UnknownValueError):
        _ = permission.peer.internet


def test_read_back_inline_blocks_are_left_out_but_other_blocks_stay():
    found = rules(
        Res(SECURITY_GROUP, "g", {"id": "sg-g", "ingress": [
            {"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["10.0.0.0/8"]},
            {"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True},
            {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["10.0.0.0/8"]}]}),
        Res(INGRESS_RULE, "web", {"securityGroupId": "sg-g", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80,
                                  "cidrIpv4": "10.0.0.0/8"}),
        Res(INGRESS_RULE, "self", {"securityGroupId": "sg-g", "ipProtocol": "-1", "referencedSecurityGroupId": "sg-g"}),
    )
    assert [(p.resource.name, p.from_port) for p in all_of(found)] == [("web", 80), ("self", None), ("g", 22)]


def test_cidrs_with_host_bits_and_describe_without_ports():
    r = stack(Res(SUBNET, "a", {"cidrBlock": "10.0.0.0/24"}))
    assert cidr_covers("10.0.0.5/16", [r["a"]]) and not cidr_covers("10.1.0.5/16", [r["a"]])
    found = rules(Res(SECURITY_GROUP, "g", {"ingress": [
        {"protocol": "udp", "cidrBlocks": ["10.0.0.0/8"]}, {"protocol": "50", "fromPort": 0, "cidrBlocks": ["x"]}]}))
    assert [p.describe() for p in all_of(found)] == ["protocol udp", "protocol 50"]


def test_legacy_peers_of_every_kind_and_a_wholly_computed_list():
    found = rules(
        Res("aws:ec2/vpc:Vpc", "vpc", {}), Res(SECURITY_GROUP, "g", {"id": "sg-g"}),
        Res(LEGACY_RULE, "l", {"type": "ingress", "securityGroupId": "sg-g", "protocol": "tcp", "fromPort": 1,
                               "toPort": 2, "ipv6CidrBlocks": ["fd00::/8"], "prefixListIds": ["pl-1"],
                               "sourceSecurityGroupId": "sg-g", "cidrBlocks": UNKNOWN},
            deps={"cidrBlocks": ["vpc"]}),
    )
    assert [(p.peer.kind, p.peer.value, p.peer.prop) for p in all_of(found)] == [
        (CIDR, None, "cidrBlocks"), (CIDR, "fd00::/8", "ipv6CidrBlocks"), (PREFIX_LIST, "pl-1", "prefixListIds"),
        (GROUP, "sg-g", "sourceSecurityGroupId")]
    assert all_of(found)[0].peer.text == "cidrBlocks computed from 'vpc'"
    assert all_of(found)[3].peer_groups(found.groups) == found.groups


def test_legacy_group_peer_computed_from_something_else_is_outside_the_stack_groups():
    found = rules(Res("aws:ec2/vpc:Vpc", "vpc", {}), Res(SECURITY_GROUP, "g", {}),
                  Res(LEGACY_RULE, "l", {"type": "ingress", "securityGroupId": UNKNOWN, "protocol": "-1",
                                         "fromPort": 0, "toPort": 0, "sourceSecurityGroupId": UNKNOWN},
                      deps={"securityGroupId": ["g"], "sourceSecurityGroupId": ["vpc"]}))
    (permission,) = all_of(found)
    assert permission.peer_groups(found.groups) == []
    assert permission.outside_group(found.groups) == "sourceSecurityGroupId computed from 'vpc'"


def test_inline_blocks_skip_odd_entries_and_name_only_their_own_peers():
    found = rules(
        Res("aws:ec2/vpc:Vpc", "vpc", {}), Res(SECURITY_GROUP, "alb", {}),
        Res(SECURITY_GROUP, "g", {"ingress": ["x", {"protocol": "tcp", "fromPort": 1, "toPort": 1,
                                                    "cidrBlocks": [UNKNOWN]},
                                              {"protocol": "tcp", "fromPort": 2, "toPort": 2,
                                               "securityGroups": [UNKNOWN], "cidrBlocks": None}]},
            deps={"ingress": ["vpc", "alb"]}),
    )
    cidr, group = all_of(found)
    assert (cidr.peer.kind, cidr.from_port, cidr.peer.text) == (CIDR, 1, "cidrBlocks computed from 'vpc'")
    assert (group.peer.kind, group.from_port) == (GROUP, 2)
    assert group.peer_groups(found.groups) == [found.groups[0]]


def test_block_allows_needs_a_mapping_with_a_peer():
    from guardrails._sg import block_allows

    assert not block_allows("x") and not block_allows(None) and not block_allows({"protocol": "-1"})
    assert not block_allows({"self": False, "cidrBlocks": []}) and block_allows({"self": True})
    assert block_allows({"prefixListIds": ["pl-1"]}) and block_allows({"securityGroups": ["sg-1"]})


def test_read_back_matches_cidrs_by_network_and_keeps_unknown_blocks():
    found = rules(
        Res(SECURITY_GROUP, "g", {"id": "sg-g", "ingress": [
            {"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["10.0.0.1/8"]},
            {"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": [UNKNOWN]},
            {"protocol": "tcp", "fromPort": 81, "toPort": 81, "cidrBlocks": ["10.0.0.0/8"]},
            {"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["not-a-cidr"]}]},
            deps={"ingress": []}),
        Res(INGRESS_RULE, "web", {"securityGroupId": "sg-g", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80,
                                  "cidrIpv4": "10.0.0.0/8"}),
        Res(INGRESS_RULE, "odd", {"securityGroupId": "sg-g", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80,
                                  "cidrIpv4": "not-a-cidr"}),
    )
    assert [(p.resource.name, p.from_port, p.peer.value) for p in all_of(found)] == [
        ("web", 80, "10.0.0.0/8"), ("odd", 80, "not-a-cidr"), ("g", 80, None), ("g", 81, "10.0.0.0/8")]


def test_unknown_peer_values_are_set_unless_the_provider_computes_the_property():
    found = rules(
        Res(SECURITY_GROUP, "g", {}),
        Res(INGRESS_RULE, "r", {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 1, "toPort": 1,
                                "cidrIpv4": UNKNOWN, "cidrIpv6": None, "prefixListId": ""},
            deps={"securityGroupId": ["g"]}),
        Res(LEGACY_RULE, "l", {"type": "ingress", "securityGroupId": UNKNOWN, "protocol": "tcp", "fromPort": 1,
                               "toPort": 1, "cidrBlocks": UNKNOWN, "sourceSecurityGroupId": UNKNOWN},
            deps={"securityGroupId": ["g"]}),
    )
    assert [(p.resource.name, p.peer.prop) for p in all_of(found)] == [("r", "cidrIpv4"), ("l", "cidrBlocks")]
    with pytest.raises(UnknownValueError):
        _ = all_of(found)[0].peer.text
