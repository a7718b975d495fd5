from guardrails._sg import INGRESS_RULE, SECURITY_GROUP
from guardrails._sg import LEGACY_RULE as SECURITY_GROUP_RULE
from guardrails.elb._lb import LISTENERS, LOAD_BALANCERS
from guardrails.network.no_public_ingress import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

LB, LISTENER = LOAD_BALANCERS[0], LISTENERS[0]


def platform(*extra: Res, lb_props=None) -> list[Res]:
    """An ALB with listeners on 80 and 443 and its security group, an app security group, and ``extra``."""
    return [
        Res(SECURITY_GROUP, "alb-sg", {"vpcId": "vpc-1"}),
        Res(SECURITY_GROUP, "app-sg", {"vpcId": "vpc-1"}),
        Res(LB, "alb", {"internal": False, "securityGroups": [UNKNOWN], **(lb_props or {})},
            deps={"securityGroups": ["alb-sg"]}),
        Res(LISTENER, "https", {"loadBalancerArn": UNKNOWN, "port": 443, "protocol": "HTTPS"},
            deps={"loadBalancerArn": ["alb"]}),
        Res(LISTENER, "http", {"loadBalancerArn": UNKNOWN, "port": 80, "protocol": "HTTP"},
            deps={"loadBalancerArn": ["alb"]}),
        *extra,
    ]


def rule(name: str, group: str, **props) -> Res:
    """A standalone ingress rule on ``group`` as a preview shows it (group id unknown, known through deps)."""
    return Res(INGRESS_RULE, name, {"securityGroupId": UNKNOWN, **props}, deps={"securityGroupId": [group]})


def tcp(port: int, to_port: int | None = None, **props) -> dict:
    return {"ipProtocol": "tcp", "fromPort": port, "toPort": port if to_port is None else to_port, **props}


def test_alb_listener_ports_open_to_the_internet_pass():
    result = check_stack(POLICY, platform(
        rule("alb-https", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0")),
        rule("alb-http6", "alb-sg", **tcp(80, cidrIpv6="::/0")),
        rule("alb-http-num", "alb-sg", **tcp(80, ipProtocol="6", cidrIpv4="0.0.0.0/0")),
    ))
    assert result.violations == []


def test_rules_not_open_to_the_internet_pass():
    result = check_stack(POLICY, platform(
        rule("app-from-alb", "app-sg", **tcp(8080, referencedSecurityGroupId=UNKNOWN)),
        rule("app-from-vpc", "app-sg", **tcp(22, cidrIpv4="10.0.0.0/16")),
        rule("app-all-from-vpc", "app-sg", ipProtocol="-1", cidrIpv4="10.0.0.0/8"),
    ))
    assert result.violations == []


def test_internet_ingress_to_other_group_fails_with_rule_urn():
    result = check_stack(POLICY, platform(rule("ssh", "app-sg", **tcp(22, cidrIpv4="0.0.0.0/0"))))
    assert result.violations == [(
        "ingress rule 'ssh' allows tcp port 22 from 0.0.0.0/0; only an application load balancer's security group "
        "may accept traffic from the internet, and only on its listener ports.",
        urn(INGRESS_RULE, "ssh"),
    )]


def test_alb_group_other_port_fails():
    result = check_stack(POLICY, platform(rule("alb-8080", "alb-sg", **tcp(8080, cidrIpv6="::/0"))))
    assert result.messages == [
        "ingress rule 'alb-8080' allows tcp port 8080 from ::/0; this load balancer security group may be open to "
        "the internet only on one TCP listener port per rule: 80, 443."
    ]


def test_alb_group_ranges_all_traffic_and_udp_fail():
    result = check_stack(POLICY, platform(
        rule("range", "alb-sg", **tcp(80, 443, cidrIpv4="0.0.0.0/0")),
        rule("all", "alb-sg", ipProtocol="-1", cidrIpv4="0.0.0.0/0"),
        rule("udp", "alb-sg", ipProtocol="udp", fromPort=443, toPort=443, cidrIpv4="0.0.0.0/0"),
        rule("icmp", "alb-sg", ipProtocol="icmp", fromPort=-1, toPort=-1, cidrIpv4="0.0.0.0/0"),
    ))
    assert [m.split(";")[0] for m in result.messages] == [
        "ingress rule 'range' allows tcp ports 80-443 from 0.0.0.0/0",
        "ingress rule 'all' allows all traffic from 0.0.0.0/0",
        "ingress rule 'udp' allows udp port 443 from 0.0.0.0/0",
        "ingress rule 'icmp' allows icmp type -1 code -1 from 0.0.0.0/0",
    ]


def test_any_zero_prefix_is_the_internet():
    result = check_stack(POLICY, platform(rule("odd", "app-sg", **tcp(443, cidrIpv4="10.0.0.0/0"))))
    assert result.messages[0].startswith("ingress rule 'odd' allows tcp port 443 from 10.0.0.0/0;")


def test_listener_of_another_load_balancer_does_not_count():
    other = Res(LISTENER, "other-8443", {"loadBalancerArn": UNKNOWN, "port": 8443}, deps={"loadBalancerArn": ["nlb"]})
    nlb = Res(LB, "nlb", {"loadBalancerType": "network"})
    result = check_stack(POLICY, platform(nlb, other, rule("alb-8443", "alb-sg", **tcp(8443, cidrIpv4="0.0.0.0/0"))))
    assert len(result.messages) == 1 and result.messages[0].endswith("per rule: 80, 443.")


def test_network_load_balancer_group_is_not_exempt():
    result = check_stack(POLICY, platform(rule("alb-443", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0")),
                                          lb_props={"loadBalancerType": "network"}))
    assert result.messages[0].endswith("only an application load balancer's security group may accept traffic "
                                       "from the internet, and only on its listener ports.")


def test_alb_without_listener_allows_nothing():
    resources = [r for r in platform(rule("alb-443", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0")))
                 if r.type != LISTENER]
    assert check_stack(POLICY, resources).messages[0].endswith("per rule: none (it has no listener).")


def test_legacy_security_group_rule():
    legacy = {"type": "ingress", "protocol": "tcp", "fromPort": 22, "toPort": 22, "securityGroupId": UNKNOWN}
    result = check_stack(POLICY, platform(
        Res(SECURITY_GROUP_RULE, "legacy-ssh", {**legacy, "cidrBlocks": ["10.0.0.0/8", "0.0.0.0/0"]},
            deps={"securityGroupId": ["app-sg"]}),
        Res(SECURITY_GROUP_RULE, "legacy-egress", {**legacy, "type": "egress", "cidrBlocks": ["0.0.0.0/0"]},
            deps={"securityGroupId": ["app-sg"]}),
        Res(SECURITY_GROUP_RULE, "legacy-https", {**legacy, "fromPort": 443, "toPort": 443,
                                                  "ipv6CidrBlocks": ["::/0"]}, deps={"securityGroupId": ["alb-sg"]}),
    ))
    assert result.violations == [(
        "ingress rule 'legacy-ssh' allows tcp port 22 from 0.0.0.0/0; only an application load balancer's security "
        "group may accept traffic from the internet, and only on its listener ports.",
        urn(SECURITY_GROUP_RULE, "legacy-ssh"),
    )]


def test_inline_ingress_on_security_group():
    inline = Res(SECURITY_GROUP, "inline-sg", {"ingress": [
        {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]},
        {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["10.0.0.0/16"]},
    ]})
    result = check_stack(POLICY, platform(inline))
    assert result.violations == [(
        "security group 'inline-sg' (inline ingress) allows all traffic from 0.0.0.0/0; only an application load "
        "balancer's security group may accept traffic from the internet, and only on its listener ports.",
        urn(SECURITY_GROUP, "inline-sg"),
    )]


def test_inline_ingress_on_alb_group_allowed_on_listener_port():
    resources = platform()
    resources[0] = Res(SECURITY_GROUP, "alb-sg", {"ingress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]})
    assert check_stack(POLICY, resources).violations == []


def test_known_ids_relate_resources_without_dependencies():
    resources = [
        Res(SECURITY_GROUP, "alb-sg", {"id": "sg-alb"}),
        Res(LB, "alb", {"id": "arn:lb", "arn": "arn:lb", "securityGroups": ["sg-alb"]}),
        Res(LISTENER, "https", {"loadBalancerArn": "arn:lb", "port": 443}),
        Res(INGRESS_RULE, "alb-https", {"securityGroupId": "sg-alb", **tcp(443, cidrIpv4="0.0.0.0/0")}),
        Res(INGRESS_RULE, "alb-ssh", {"securityGroupId": "sg-alb", **tcp(22, cidrIpv4="0.0.0.0/0")}),
    ]
    assert [u for _, u in check_stack(POLICY, resources).violations] == [urn(INGRESS_RULE, "alb-ssh")]


def test_no_security_group_rules_not_applicable():
    result = check_stack(POLICY, [Res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}), *platform()[:3]])
    assert result.violations == [] and not result.unknown


def test_cidr_computed_from_a_resource_cannot_be_evaluated_in_a_preview():
    computed = rule("computed", "app-sg", **tcp(22, cidrIpv4=UNKNOWN))
    computed.deps = {**computed.deps, "cidrIpv4": ["vpc"]}
    resources = platform(Res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": UNKNOWN}), computed)
    assert check_stack(POLICY, resources).unknown


def test_unknown_cidr_that_no_resource_feeds_cannot_be_evaluated_either():
    # The provider never computes cidrIpv4: unknown means the program computed it from something unknown.
    assert check_stack(POLICY, platform(rule("computed", "app-sg", **tcp(22, cidrIpv4=UNKNOWN)))).unknown


def test_provider_computed_inline_ingress_is_not_declared():
    # In a preview the provider reports an SG's ingress as unknown when the program declared none.
    resources = platform(Res(SECURITY_GROUP, "bare-sg", {"ingress": UNKNOWN}))
    result = check_stack(POLICY, resources)
    assert result.violations == [] and not result.unknown


def test_inline_ingress_computed_from_other_resources_cannot_be_evaluated():
    resources = platform(Res(SECURITY_GROUP, "fed-sg", {"ingress": UNKNOWN}, deps={"ingress": ["alb-sg"]}))
    assert check_stack(POLICY, resources).unknown


# ---- every rule form counts alike ------------------------------------------------------------------------------

SERVICE = "aws:ecs/service:Service"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def legacy(name: str, group: str, **props) -> Res:
    return Res(SECURITY_GROUP_RULE, name, {"type": "ingress", "securityGroupId": UNKNOWN, **props},
               deps={"securityGroupId": [group]})


def inline_group(name: str, *blocks: dict) -> Res:
    return Res(SECURITY_GROUP, name, {"vpcId": "vpc-1", "ingress": list(blocks)})


def first_parts(result) -> list[str]:
    return [m.split(";")[0] for m in result.messages]


def test_protocol_forms_mean_the_same_in_every_form():
    result = check_stack(POLICY, platform(
        rule("all-num", "app-sg", ipProtocol="-1", cidrIpv4="0.0.0.0/0"),
        rule("all-word", "app-sg", ipProtocol="all", cidrIpv6="::/0"),
        legacy("legacy-all", "app-sg", protocol="all", fromPort=0, toPort=0, cidrBlocks=["0.0.0.0/0"]),
        legacy("legacy-six", "app-sg", protocol="6", fromPort=22, toPort=22, ipv6CidrBlocks=["::/0"]),
        inline_group("inline-sg", {"protocol": "-1", "fromPort": 0, "toPort": 0, "ipv6CidrBlocks": ["::/0"]},
                     {"protocol": "6", "fromPort": 3389, "toPort": 3389, "cidrBlocks": ["0.0.0.0/0"]}),
    ))
    assert first_parts(result) == [
        "ingress rule 'all-num' allows all traffic from 0.0.0.0/0",
        "ingress rule 'all-word' allows all traffic from ::/0",
        "ingress rule 'legacy-all' allows all traffic from 0.0.0.0/0",
        "ingress rule 'legacy-six' allows tcp port 22 from ::/0",
        "security group 'inline-sg' (inline ingress) allows all traffic from ::/0",
        "security group 'inline-sg' (inline ingress) allows tcp port 3389 from 0.0.0.0/0",
    ]


def test_legacy_and_inline_rules_on_the_alb_group_follow_the_listener_ports():
    resources = platform(
        legacy("legacy-https", "alb-sg", protocol="6", fromPort=443, toPort=443, cidrBlocks=["0.0.0.0/0"]),
        legacy("legacy-range", "alb-sg", protocol="tcp", fromPort=80, toPort=443, ipv6CidrBlocks=["::/0"]),
    )
    resources[0] = inline_group("alb-sg",
                                {"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["0.0.0.0/0"]},
                                {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]})
    assert first_parts(check_stack(POLICY, resources)) == [
        "ingress rule 'legacy-range' allows tcp ports 80-443 from ::/0",
        "security group 'alb-sg' (inline ingress) allows all traffic from 0.0.0.0/0",
    ]


def test_peers_other_than_the_internet_pass_in_every_form():
    result = check_stack(POLICY, platform(
        legacy("legacy-sg", "app-sg", protocol="tcp", fromPort=22, toPort=22, sourceSecurityGroupId=UNKNOWN),
        legacy("legacy-self", "app-sg", protocol="-1", fromPort=0, toPort=0, self=True),
        legacy("legacy-pl", "app-sg", protocol="tcp", fromPort=22, toPort=22, prefixListIds=["pl-1"]),
        inline_group("inline-sg", {"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True},
                     {"protocol": "tcp", "fromPort": 22, "toPort": 22, "securityGroups": ["sg-1"],
                      "prefixListIds": ["pl-1"], "cidrBlocks": ["10.0.0.0/8"], "ipv6CidrBlocks": ["fd00::/8"]}),
    ))
    assert result.violations == []


def test_egress_to_the_internet_is_not_ingress():
    result = check_stack(POLICY, platform(
        Res(EGRESS_RULE, "out", {"securityGroupId": UNKNOWN, "ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"},
            deps={"securityGroupId": ["app-sg"]}),
        Res(SECURITY_GROUP, "egress-sg", {"egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0,
                                                      "cidrBlocks": ["0.0.0.0/0"]}]}),
    ))
    assert result.violations == []


def test_default_security_group_inline_ingress_counts():
    result = check_stack(POLICY, platform(Res(DEFAULT_SG, "default", {"ingress": [
        {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]})))
    assert result.violations == [(
        "security group 'default' (inline ingress) allows tcp port 22 from 0.0.0.0/0; only an application load "
        "balancer's security group may accept traffic from the internet, and only on its listener ports.",
        urn(DEFAULT_SG, "default"),
    )]


def test_read_back_of_a_standalone_rule_after_an_update_is_reported_once():
    resources = [
        Res(SECURITY_GROUP, "app-sg", {"id": "sg-app", "ingress": [
            {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"], "self": False}]}),
        Res(INGRESS_RULE, "ssh", {"securityGroupId": "sg-app", **tcp(22, cidrIpv4="0.0.0.0/0")}),
    ]
    assert [u for _, u in check_stack(POLICY, resources).violations] == [urn(INGRESS_RULE, "ssh")]


# ---- a load balancer group that targets carry too --------------------------------------------------------------


def test_alb_group_attached_to_ecs_tasks_gets_no_exception():
    service = Res(SERVICE, "web", {"networkConfiguration": {"securityGroups": [UNKNOWN], "subnets": [UNKNOWN]}},
                  deps={"networkConfiguration": ["alb-sg"]})
    result = check_stack(POLICY, platform(service, rule("alb-https", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0"))))
    assert result.violations == [(
        "ingress rule 'alb-https' allows tcp port 443 from 0.0.0.0/0; security group 'alb-sg' of load balancer 'alb' "
        "is also attached to the tasks of ECS service 'web', which the internet then reaches directly; give the load "
        "balancer a security group of its own.",
        urn(INGRESS_RULE, "alb-https"),
    )]


def test_alb_group_attached_to_a_launch_template_or_an_instance_gets_no_exception():
    template = Res(LAUNCH_TEMPLATE, "lt", {"networkInterfaces": [{"securityGroups": [UNKNOWN]}]},
                   deps={"networkInterfaces": ["alb-sg"]})
    instance = Res(INSTANCE, "bastion", {"vpcSecurityGroupIds": ["sg-alb"]})
    resources = platform(template, instance, rule("alb-https", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0")))
    resources[0] = Res(SECURITY_GROUP, "alb-sg", {"vpcId": "vpc-1", "id": "sg-alb"})
    (message,) = check_stack(POLICY, resources).messages
    assert ("is also attached to the EC2 instances of launch template 'lt', EC2 instance 'bastion', which the "
            "internet then reaches directly;") in message


def test_workloads_on_other_groups_keep_the_alb_exception():
    service = Res(SERVICE, "web", {"networkConfiguration": {"securityGroups": [UNKNOWN]}},
                  deps={"networkConfiguration": ["app-sg"]})
    result = check_stack(POLICY, platform(service, rule("alb-https", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0"))))
    assert result.violations == []


# ---- arguments left out ----------------------------------------------------------------------------------------


def test_load_balancer_type_left_out_is_an_application_load_balancer():
    resources = platform(rule("alb-https", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0")))
    assert "loadBalancerType" not in resources[2].props
    assert check_stack(POLICY, resources).violations == []
    gateway = platform(rule("alb-https", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0")),
                       lb_props={"loadBalancerType": "gateway"})
    assert len(check_stack(POLICY, gateway).violations) == 1


def test_listener_without_a_port_opens_nothing():
    resources = [r if r.name != "https" else Res(LISTENER, "https", {"loadBalancerArn": UNKNOWN, "protocol": "HTTPS"},
                                                   deps={"loadBalancerArn": ["alb"]})
                 for r in platform(rule("alb-https", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0")))]
    assert check_stack(POLICY, resources).messages[0].endswith("per rule: 80.")


def test_rule_violations_are_reported_before_unknown_inline_rules_stop_the_check():
    resources = platform(rule("ssh", "app-sg", **tcp(22, cidrIpv4="0.0.0.0/0")),
                         Res(SECURITY_GROUP, "fed-sg", {"ingress": UNKNOWN}, deps={"ingress": ["alb-sg"]}))
    result = check_stack(POLICY, resources)
    assert result.unknown and [u for _, u in result.violations] == [urn(INGRESS_RULE, "ssh")]


def test_alb_group_attached_through_vpc_security_group_ids_or_instance_security_groups():
    for workload in (Res(LAUNCH_TEMPLATE, "lt", {"vpcSecurityGroupIds": [UNKNOWN]},
                         deps={"vpcSecurityGroupIds": ["alb-sg"]}),
                     Res(INSTANCE, "bastion", {"securityGroups": [UNKNOWN]}, deps={"securityGroups": ["alb-sg"]})):
        result = check_stack(POLICY, platform(workload, rule("alb-https", "alb-sg", **tcp(443, cidrIpv4="0.0.0.0/0"))))
        assert len(result.violations) == 1 and "is also attached to" in result.messages[0], workload.name


def test_protocols_without_ports_and_icmpv6_are_described():
    result = check_stack(POLICY, platform(
        rule("v6-all", "app-sg", ipProtocol="icmpv6", cidrIpv6="::/0"),
        rule("v6-echo", "app-sg", ipProtocol="58", fromPort=128, toPort=0, cidrIpv6="::/0"),
        rule("esp", "app-sg", ipProtocol="50", cidrIpv4="0.0.0.0/0"),
    ))
    assert first_parts(result) == [
        "ingress rule 'v6-all' allows all protocol icmpv6 traffic from ::/0",
        "ingress rule 'v6-echo' allows icmpv6 type 128 code 0 from ::/0",
        "ingress rule 'esp' allows all protocol 50 traffic from 0.0.0.0/0",
    ]
