"""alb-target-security-groups with rules in every form, rules too wide and at the edges, groups the load balancer
shares with its targets, inline rules next to standalone ones, and health checks on their own port."""

from guardrails.elb.alb_target_security_groups import POLICY

from tests.policies.elb._alb_stack import (
    EGRESS,
    INGRESS,
    LEGACY_RULE,
    SG,
    changed,
    findings,
    from_group,
    inline,
    legacy,
    platform,
    put,
    rule,
    without,
)
from tests.policies.harness import UNKNOWN, Res, check_stack, urn

# ---- every rule form counts alike ------------------------------------------------------------------------------


def test_inline_rules_reach_targets_like_standalone_rules():
    stack = without(platform(), "web-from-alb", "alb-to-web", "instances-from-alb", "alb-to-instances")
    stack = inline(stack, "web-sg", "ingress", from_group(8080, 8080, protocol="6"), peers=("alb-sg",))
    stack = inline(stack, "instance-sg", "ingress", from_group(32768, 65535), peers=("alb-sg",))
    stack = inline(stack, "alb-sg", "egress", {"protocol": "-1", "fromPort": 0, "toPort": 0,
                                               "cidrBlocks": ["10.0.0.0/16"]})
    stack = without(stack, "alb-https")
    stack = inline(stack, "alb-sg", "ingress", {"protocol": "tcp", "fromPort": 443, "toPort": 443,
                                                "cidrBlocks": ["0.0.0.0/0"]})
    stack = changed(stack, "alb-sg", props={"egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0,
                                                        "cidrBlocks": ["10.0.0.0/16"]}]})
    assert findings(stack) == []


def test_legacy_rules_reach_targets_like_standalone_rules():
    stack = without(platform(), "web-from-alb", "alb-to-web")
    stack = put(stack, legacy("web-from-alb", "web-sg", "ingress", 8080, 8080, peer="alb-sg"),
                legacy("alb-to-web", "alb-sg", "egress", 8080, 8080, peer="web-sg"))
    assert findings(stack) == []


def test_alb_egress_to_the_whole_internet_reaches_the_targets():
    stack = without(platform(), "alb-to-web", "alb-to-instances")
    stack = put(stack, rule(EGRESS, "alb-anywhere", "alb-sg", None, None, cidr="0.0.0.0/0", protocol="-1"))
    assert findings(stack) == []


def test_target_open_to_the_internet_on_its_port_is_reachable_but_reported_as_open():
    stack = put(without(platform(), "web-from-alb"), rule(INGRESS, "web-anywhere", "web-sg", 8080, 8080,
                                                          cidr="0.0.0.0/0"))
    assert findings(stack) == [(
        "ingress rule 'web-anywhere' of security group 'web-sg' (the tasks of ECS service 'web') admits tcp 8080 "
        "from 0.0.0.0/0 (the whole internet); only the load balancer's security group(s) 'alb-sg' may reach ECS "
        "targets.",
        urn(INGRESS, "web-anywhere"),
    )]


def test_inline_target_ingress_from_the_internet_is_reachable_but_reported_as_open():
    stack = inline(without(platform(), "web-from-alb"), "web-sg", "ingress",
                   {"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "cidrBlocks": ["0.0.0.0/0"]})
    assert findings(stack) == [(
        "inline ingress #1 of security group 'web-sg' (the tasks of ECS service 'web') admits tcp 8080 from "
        "0.0.0.0/0 (the whole internet); only the load balancer's security group(s) 'alb-sg' may reach ECS targets.",
        urn(SG, "web-sg"),
    )]


def test_target_ingress_from_a_cidr_that_misses_an_alb_subnet_does_not_admit_the_alb():
    stack = put(without(platform(), "web-from-alb"), rule(INGRESS, "web-from-a", "web-sg", 8080, 8080,
                                                          cidr="10.0.0.0/24"))
    assert [u for _, u in findings(stack)] == [urn(SG, "web-sg"), urn(INGRESS, "web-from-a")]


def test_target_ingress_from_a_cidr_holding_every_alb_subnet_admits_the_alb_and_is_reported():
    stack = put(without(platform(), "web-from-alb"), rule(INGRESS, "web-from-public", "web-sg", 8080, 8080,
                                                          cidr="10.0.0.0/23"))
    assert [u for _, u in findings(stack)] == [urn(INGRESS, "web-from-public")]


def test_group_without_egress_has_none():
    # The provider removes AWS's default allow-all egress from the groups it creates.
    stack = inline(without(platform(), "alb-to-web", "alb-to-instances", "alb-https"), "alb-sg", "ingress",
                   {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]})
    violations = findings(stack)
    assert [u for _, u in violations] == [urn(SG, "alb-sg"), urn(SG, "alb-sg")]
    assert all(" have no egress rule allowing tcp " in m for m, _ in violations)


def test_egress_that_misses_the_port_does_not_reach():
    stack = put(platform(), rule(EGRESS, "alb-to-web", "alb-sg", 8081, 8090, peer="web-sg"))
    assert [u for _, u in findings(stack)] == [urn(SG, "alb-sg")]


def test_egress_of_udp_does_not_reach_tcp_targets():
    stack = put(platform(), rule(EGRESS, "alb-to-web", "alb-sg", 8080, 8080, peer="web-sg", protocol="udp"))
    assert [u for _, u in findings(stack)] == [urn(SG, "alb-sg")]


# ---- too wide, at the edges ------------------------------------------------------------------------------------


def test_instance_group_admitting_every_port_from_the_alb_fails():
    stack = put(platform(), rule(INGRESS, "instances-from-alb", "instance-sg", 0, 65535, peer="alb-sg"))
    assert findings(stack) == [(
        "ingress rule 'instances-from-alb' of security group 'instance-sg' (the EC2 instances of launch template "
        "'container-instances') admits tcp 0-65535 from the load balancer; an instance group admits exactly tcp "
        "32768-65535 (the ECS dynamic host port range) from it.",
        urn(INGRESS, "instances-from-alb"),
    )]


def test_all_traffic_from_the_alb_group_fails_in_every_form():
    for protocol in ("-1", "all"):
        stack = put(platform(), rule(INGRESS, "web-from-alb", "web-sg", None, None, peer="alb-sg", protocol=protocol))
        assert findings(stack) == [(
            "ingress rule 'web-from-alb' of security group 'web-sg' (the tasks of ECS service 'web') admits all "
            "traffic from the load balancer; a task group admits only the container port(s) 8080 from it.",
            urn(INGRESS, "web-from-alb"),
        )], protocol
    stack = inline(without(platform(), "web-from-alb"), "web-sg", "ingress", from_group(0, 0, protocol="-1"),
                   peers=("alb-sg",))
    assert [m.split(";")[0] for m, _ in findings(stack)] == [
        "inline ingress #1 of security group 'web-sg' (the tasks of ECS service 'web') admits all traffic from the "
        "load balancer"]
    stack = put(without(platform(), "web-from-alb"),
                legacy("web-from-alb", "web-sg", "ingress", 0, 65535, peer="alb-sg", protocol="all"))
    assert [u for _, u in findings(stack)] == [urn(LEGACY_RULE, "web-from-alb")]


def test_instance_range_edges():
    for low, high, ok in ((32768, 65535, True), (32767, 65535, False), (32769, 65535, False),
                          (32768, 65534, False)):
        stack = put(platform(), rule(INGRESS, "instances-from-alb", "instance-sg", low, high, peer="alb-sg"))
        assert (findings(stack) == []) is ok, (low, high)


def test_protocol_number_six_is_tcp():
    stack = put(platform(), rule(INGRESS, "instances-from-alb", "instance-sg", 32768, 65535, peer="alb-sg",
                                 protocol="6"),
                rule(EGRESS, "alb-to-web", "alb-sg", 8080, 8080, peer="web-sg", protocol="6"))
    assert findings(stack) == []


def test_task_port_edges():
    for low, high, ok in ((8080, 8080, True), (8079, 8080, False), (8080, 8081, False)):
        stack = put(platform(), rule(INGRESS, "web-from-alb", "web-sg", low, high, peer="alb-sg"))
        assert (findings(stack) == []) is ok, (low, high)


def test_legacy_ipv6_internet_ingress_on_a_target_group_is_reported():
    stack = put(platform(), legacy("web-v6", "web-sg", "ingress", 8080, 8080, ipv6CidrBlocks=["::/0"]))
    (message, where), = findings(stack)
    assert where == urn(LEGACY_RULE, "web-v6") and "admits tcp 8080 from ::/0 (the whole internet);" in message


def test_self_and_prefix_list_peers_on_a_target_group_are_reported():
    prefix_list = Res(INGRESS, "web-pl", {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 8080,
                                          "toPort": 8080, "prefixListId": "pl-0123"}, {"securityGroupId": ["web-sg"]})
    stack = put(platform(), legacy("web-self", "web-sg", "ingress", 8080, 8080, self=True), prefix_list)
    assert findings(stack) == [
        ("ingress rule 'web-self' of security group 'web-sg' (the tasks of ECS service 'web') admits tcp 8080 from "
         "security group 'web-sg'; only the load balancer's security group(s) 'alb-sg' may reach ECS targets.",
         urn(LEGACY_RULE, "web-self")),
        ("ingress rule 'web-pl' of security group 'web-sg' (the tasks of ECS service 'web') admits tcp 8080 from "
         "pl-0123; only the load balancer's security group(s) 'alb-sg' may reach ECS targets.",
         urn(INGRESS, "web-pl")),
    ]


def test_inline_ingress_from_another_group_or_a_literal_id_is_reported():
    stack = without(platform(), "instances-from-alb")
    stack = put(stack, Res(SG, "bastion-sg", {"vpcId": UNKNOWN}, {"vpcId": ["vpc"]}))
    stack = inline(stack, "instance-sg", "ingress", from_group(32768, 65535),
                   {"protocol": "tcp", "fromPort": 22, "toPort": 22, "securityGroups": ["sg-0bastion"]},
                   peers=("alb-sg",))
    assert findings(stack) == [(
        "inline ingress #2 of security group 'instance-sg' (the EC2 instances of launch template "
        "'container-instances') admits tcp 22 from security group 'sg-0bastion'; only the load balancer's "
        "security group(s) 'alb-sg' may reach ECS targets.",
        urn(SG, "instance-sg"),
    )]


def test_inline_blocks_naming_two_groups_cannot_be_told_apart_in_a_preview():
    stack = without(platform(), "instances-from-alb")
    stack = put(stack, Res(SG, "bastion-sg", {"vpcId": UNKNOWN}, {"vpcId": ["vpc"]}))
    stack = inline(stack, "instance-sg", "ingress", from_group(32768, 65535), from_group(22, 22),
                   peers=("alb-sg", "bastion-sg"))
    assert check_stack(POLICY, stack).unknown


# ---- a group shared by the load balancer and its targets -------------------------------------------------------


def test_group_shared_by_the_alb_and_its_tasks_fails():
    stack = changed(without(platform(), "web-from-alb", "alb-to-web"), "web",
                    deps={"networkConfiguration": ["private-a", "private-b", "alb-sg"]})
    stack = put(stack, rule(INGRESS, "alb-self", "alb-sg", 8080, 8080, peer="alb-sg"),
                rule(EGRESS, "alb-to-self", "alb-sg", 8080, 8080, peer="alb-sg"))
    assert findings(stack) == [(
        "security group 'alb-sg' belongs to load balancer 'alb' and to the tasks of ECS service 'web', so whatever "
        "reaches the load balancer through it reaches those targets directly (here tcp 443 from 0.0.0.0/0: the "
        "whole internet); give the targets a security group of their own that admits only the load balancer's group.",
        urn(SG, "alb-sg"),
    )]


def test_group_shared_by_an_internal_alb_and_its_instances_fails_without_internet():
    stack = without(platform(), "alb-https", "instances-from-alb", "alb-to-instances")
    stack = changed(stack, "container-instances", deps={"vpcSecurityGroupIds": ["alb-sg"]})
    stack = put(stack, legacy("alb-self", "alb-sg", "ingress", 0, 0, protocol="-1", self=True),
                legacy("alb-self-out", "alb-sg", "egress", 0, 0, protocol="-1", self=True))
    (message, where), = findings(stack)
    assert where == urn(SG, "alb-sg") and message.startswith(
        "security group 'alb-sg' belongs to load balancer 'alb' and to the EC2 instances of launch template "
        "'container-instances', so whatever reaches the load balancer through it reaches those targets directly; ")


# ---- inline and standalone rules on one group ------------------------------------------------------------------


def test_inline_rules_next_to_standalone_rules_are_reported_on_the_group():
    stack = inline(platform(), "web-sg", "egress", {"protocol": "tcp", "fromPort": 443, "toPort": 443,
                                                    "cidrBlocks": ["0.0.0.0/0"]})
    assert findings(stack) == [(
        "security group 'web-sg' declares inline ingress/egress rules and also has standalone rule(s) "
        "'web-from-alb'; the provider does not support both on one group (rules conflict and are overwritten), so "
        "what reaches the load balancer's targets cannot be relied on; declare every rule of the group as "
        "aws.vpc.SecurityGroupIngressRule / SecurityGroupEgressRule resources.",
        urn(SG, "web-sg"),
    )]


def test_an_explicit_empty_inline_list_next_to_standalone_rules_is_reported():
    stack = changed(platform(), "instance-sg", props={"ingress": []})
    assert [u for _, u in findings(stack)] == [urn(SG, "instance-sg")]


def test_after_an_update_the_read_back_rules_are_not_inline_declarations():
    # The provider lists a group's standalone rules in its ingress/egress outputs.
    stack = platform(preview=False)
    stack = changed(stack, "web-sg", props={"ingress": [
        {"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "securityGroups": ["sg-alb-sg"], "self": False,
         "cidrBlocks": [], "ipv6CidrBlocks": [], "prefixListIds": []}]})
    stack = changed(stack, "alb-sg", props={"egress": [
        {"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "securityGroups": ["sg-web-sg"]},
        {"protocol": "tcp", "fromPort": 32768, "toPort": 65535, "securityGroups": ["sg-instance-sg"]}],
        "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]})
    assert findings(stack) == []


# ---- health checks on their own port ---------------------------------------------------------------------------


def test_health_check_port_must_be_reachable_and_may_be_admitted():
    stack = changed(platform(), "web-tg", props={"healthCheck": {"port": "8081", "path": "/health"}})
    violations = findings(stack)
    assert [u for _, u in violations] == [urn(SG, "web-sg"), urn(SG, "alb-sg")]
    assert "do not admit tcp 8081 from the security group(s) 'alb-sg'" in violations[0][0]
    stack = put(stack, rule(INGRESS, "web-from-alb", "web-sg", 8080, 8081, peer="alb-sg"),
                rule(EGRESS, "alb-to-web", "alb-sg", 8080, 8081, peer="web-sg"))
    assert findings(stack) == []
    stack = put(stack, rule(INGRESS, "web-from-alb", "web-sg", 8080, 8082, peer="alb-sg"))
    assert [m.split("; ")[1] for m, _ in findings(stack)] == [
        "a task group admits only the container port(s) 8080 and the health check port(s) 8081 from it."]


def test_health_check_on_the_traffic_port_is_the_default():
    stack = changed(platform(), "web-tg", props={"healthCheck": {"port": "traffic-port", "path": "/health"}})
    assert findings(stack) == []


def test_instance_group_may_admit_exactly_a_fixed_health_check_port():
    stack = changed(platform(), "api-tg", props={"healthCheck": {"port": "8081"}})
    assert [u for _, u in findings(stack)] == [urn(SG, "instance-sg"), urn(SG, "alb-sg")]
    stack = put(stack, rule(INGRESS, "health-from-alb", "instance-sg", 8081, 8081, peer="alb-sg"),
                rule(EGRESS, "alb-to-health", "alb-sg", 8081, 8081, peer="instance-sg"))
    assert findings(stack) == []
    stack = put(stack, rule(INGRESS, "health-from-alb", "instance-sg", 8081, 8082, peer="alb-sg"))
    assert [m.split("; ")[1] for m, _ in findings(stack)] == [
        "an instance group admits exactly tcp 32768-65535 (the ECS dynamic host port range) and the health check "
        "port(s) 8081 from it."]


def test_health_check_port_inside_the_dynamic_range_needs_nothing_more():
    stack = changed(platform(), "api-tg", props={"healthCheck": {"port": "40000"}})
    assert findings(stack) == []


def test_other_protocols_or_reversed_ranges_from_the_alb_are_never_exact():
    stack = put(platform(), rule(INGRESS, "web-udp", "web-sg", 8080, 8080, peer="alb-sg", protocol="udp"))
    assert [m.split("; ")[0] for m, _ in findings(stack)] == [
        "ingress rule 'web-udp' of security group 'web-sg' (the tasks of ECS service 'web') admits udp 8080 from the "
        "load balancer"]
    stack = changed(platform(), "api-tg", props={"healthCheck": {"port": "8081"}})
    stack = put(stack, rule(INGRESS, "health-from-alb", "instance-sg", 8081, 8081, peer="alb-sg"),
                rule(EGRESS, "alb-to-health", "alb-sg", 8081, 8081, peer="instance-sg"),
                rule(INGRESS, "reversed", "instance-sg", 9000, 8000, peer="alb-sg"))
    assert [u for _, u in findings(stack)] == [urn(INGRESS, "reversed")]


def test_a_blocked_port_is_blamed_on_the_first_group_of_the_load_balancer():
    stack = put(platform(), Res(SG, "alb-extra-sg", {"vpcId": UNKNOWN}, {"vpcId": ["vpc"]}))
    stack = changed(without(stack, "alb-to-web"), "alb", deps={"securityGroups": ["alb-sg", "alb-extra-sg"]})
    (message, where), = findings(stack)
    assert where == urn(SG, "alb-sg") and message.startswith(
        "security group(s) 'alb-sg', 'alb-extra-sg' of load balancer 'alb' have no egress rule allowing tcp 8080")
