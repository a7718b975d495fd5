"""alb-target-security-groups on one realistic stack (ALB, HTTPS listener and rule, a Fargate service, an EC2 service
on a capacity provider), first as a preview of a new stack sees it (every id unknown, related only through property
dependencies), then after an update (ids known); each other test breaks it one way."""

from guardrails.elb.alb_target_security_groups import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
TG = "aws:lb/targetGroup:TargetGroup"
CLUSTER = "aws:ecs/cluster:Cluster"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
CLUSTER_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
ASG = "aws:autoscaling/group:Group"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"

ACCOUNT = "arn:aws:elasticloadbalancing:eu-west-1:123456789012"


def rule(kind: str, name: str, group: str, low: int | None, high: int | None, *, peer: str | None = None,
         cidr: str | None = None, protocol: str = "tcp", preview: bool = True, ids: dict | None = None) -> Res:
    """A standalone rule of ``group``, from/to ``peer`` (a security group of the fixture) or ``cidr``."""
    ids = ids or {}
    props = {"securityGroupId": UNKNOWN if preview else ids.get(group, f"sg-{group}"), "ipProtocol": protocol}
    if low is not None:
        props |= {"fromPort": low, "toPort": high}
    deps = {"securityGroupId": [group]}
    if peer:
        props["referencedSecurityGroupId"] = UNKNOWN if preview else ids.get(peer, f"sg-{peer}")
        deps["referencedSecurityGroupId"] = [peer]
    if cidr:
        props["cidrIpv4" if ":" not in cidr else "cidrIpv6"] = cidr
    if not preview:  # outputs of the provider: unset optional attributes are null
        props = {"cidrIpv4": None, "cidrIpv6": None, "prefixListId": None, "referencedSecurityGroupId": None} | props
        props["id"] = f"sgr-{name}"
    return Res(kind, name, props, deps)


def platform(preview: bool = True) -> list[Res]:
    """The stack; ``preview`` gives unknown ids and unknown unset computed outputs, else an update's outputs."""

    def known(value):
        return UNKNOWN if preview else value

    def subnet(name: str, cidr: str, zone: str) -> Res:
        return Res(SUBNET, name, {"vpcId": known("vpc-1"), "cidrBlock": cidr, "availabilityZone": zone,
                                  "id": known(f"subnet-{name}")}, {"vpcId": ["vpc"]})

    def group(name: str) -> Res:
        return Res(SG, name, {"vpcId": known("vpc-1"), "description": name, "id": known(f"sg-{name}")},
                   {"vpcId": ["vpc"]})

    def r(kind, name, grp, low, high, **kw):
        return rule(kind, name, grp, low, high, preview=preview, **kw)

    return [
        Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16", "id": known("vpc-1")}),
        subnet("public-a", "10.0.0.0/24", "eu-west-1a"),
        subnet("public-b", "10.0.1.0/24", "eu-west-1b"),
        subnet("private-a", "10.0.10.0/24", "eu-west-1a"),
        subnet("private-b", "10.0.11.0/24", "eu-west-1b"),
        # the load balancer
        group("alb-sg"),
        r(INGRESS, "alb-https", "alb-sg", 443, 443, cidr="0.0.0.0/0"),
        Res(LB, "alb", {
            "loadBalancerType": "application", "internal": False,
            "subnets": [known("subnet-public-a"), known("subnet-public-b")], "securityGroups": [known("sg-alb-sg")],
            "arn": known(f"{ACCOUNT}:loadbalancer/app/alb/50dc6c495c0c9188"),
        }, {"subnets": ["public-a", "public-b"], "securityGroups": ["alb-sg"]}),
        Res(TG, "web-tg", {"targetType": "ip", "port": 8080, "protocol": "HTTP", "vpcId": known("vpc-1"),
                           "arn": known(f"{ACCOUNT}:targetgroup/web-tg/943f017f100becff")}, {"vpcId": ["vpc"]}),
        Res(TG, "api-tg", {"targetType": "instance", "port": 80, "protocol": "HTTP", "vpcId": known("vpc-1"),
                           "arn": known(f"{ACCOUNT}:targetgroup/api-tg/73e2d6bc24d8a067")}, {"vpcId": ["vpc"]}),
        Res(LISTENER, "https", {
            "loadBalancerArn": known(f"{ACCOUNT}:loadbalancer/app/alb/50dc6c495c0c9188"), "port": 443,
            "protocol": "HTTPS", "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
            "defaultActions": [{"type": "forward", "targetGroupArn": known(f"{ACCOUNT}:targetgroup/web-tg/943f")}],
        }, {"loadBalancerArn": ["alb"], "defaultActions": ["web-tg"]}),
        Res(LISTENER_RULE, "api-rule", {
            "listenerArn": known(f"{ACCOUNT}:listener/app/alb/50dc6c495c0c9188/f2f7dc8efc522ab2"), "priority": 10,
            "actions": [{"type": "forward", "targetGroupArn": known(f"{ACCOUNT}:targetgroup/api-tg/73e2")}],
            "conditions": [{"pathPattern": {"values": ["/api/*"]}}],
        }, {"listenerArn": ["https"], "actions": ["api-tg"]}),
        Res(CLUSTER, "cluster", {"name": "platform"}),
        # a Fargate service: awsvpc tasks with their own security group
        group("web-sg"),
        r(INGRESS, "web-from-alb", "web-sg", 8080, 8080, peer="alb-sg"),
        r(EGRESS, "alb-to-web", "alb-sg", 8080, 8080, peer="web-sg"),
        Res(TASK, "web-task", {"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
                               "cpu": "256", "memory": "512", "containerDefinitions": UNKNOWN}),
        Res(SERVICE, "web", {
            "cluster": known("arn:aws:ecs:eu-west-1:123456789012:cluster/platform"), "taskDefinition": UNKNOWN,
            "launchType": "FARGATE", "desiredCount": 2,
            "loadBalancers": [{"targetGroupArn": UNKNOWN, "containerName": "web", "containerPort": 8080}],
            "networkConfiguration": {"subnets": [known("subnet-private-a"), known("subnet-private-b")],
                                     "securityGroups": [known("sg-web-sg")], "assignPublicIp": False},
        }, {"cluster": ["cluster"], "taskDefinition": ["web-task"], "loadBalancers": ["web-tg"],
            "networkConfiguration": ["private-a", "private-b", "web-sg"]}),
        # an EC2 service: bridge-mode tasks on the instances of a capacity provider's Auto Scaling group
        group("instance-sg"),
        r(INGRESS, "instances-from-alb", "instance-sg", 32768, 65535, peer="alb-sg"),
        r(EGRESS, "alb-to-instances", "alb-sg", 32768, 65535, peer="instance-sg"),
        Res(LAUNCH_TEMPLATE, "container-instances", {
            "imageId": "ami-0123456789abcdef0", "instanceType": "t3.medium",
            "vpcSecurityGroupIds": [known("sg-instance-sg")], "id": known("lt-0123456789abcdef0"),
            "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
        }, {"vpcSecurityGroupIds": ["instance-sg"]}),
        Res(ASG, "container-asg", {
            "minSize": 1, "maxSize": 4, "vpcZoneIdentifiers": [known("subnet-private-a"), known("subnet-private-b")],
            "launchTemplate": {"id": known("lt-0123456789abcdef0"), "version": "$Latest"},
            "arn": known("arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/asg"),
        }, {"vpcZoneIdentifiers": ["private-a", "private-b"], "launchTemplate": ["container-instances"]}),
        Res(CAPACITY_PROVIDER, "ec2-capacity", {
            "name": "ec2-capacity",
            "autoScalingGroupProvider": {"autoScalingGroupArn": UNKNOWN, "managedTerminationProtection": "DISABLED"},
        }, {"autoScalingGroupProvider": ["container-asg"]}),
        Res(CLUSTER_PROVIDERS, "cluster-capacity", {
            "clusterName": known("platform"), "capacityProviders": [known("ec2-capacity")],
            "defaultCapacityProviderStrategies": [{"capacityProvider": known("ec2-capacity"), "weight": 1}],
        }, {"clusterName": ["cluster"], "capacityProviders": ["ec2-capacity"],
            "defaultCapacityProviderStrategies": ["ec2-capacity"]}),
        # networkMode left unset: bridge (a preview shows the provider-computed output as unknown)
        Res(TASK, "api-task", {"family": "api", "networkMode": known("bridge"), "containerDefinitions": UNKNOWN}),
        Res(SERVICE, "api", {
            "cluster": known("arn:aws:ecs:eu-west-1:123456789012:cluster/platform"), "taskDefinition": UNKNOWN,
            "desiredCount": 2, "capacityProviderStrategies": [{"capacityProvider": known("ec2-capacity"), "weight": 1}],
            "loadBalancers": [{"targetGroupArn": UNKNOWN, "containerName": "api", "containerPort": 80}],
        }, {"cluster": ["cluster"], "taskDefinition": ["api-task"], "loadBalancers": ["api-tg"],
            "capacityProviderStrategies": ["ec2-capacity"]}),
    ]


def get(stack: list[Res], name: str) -> Res:
    return next(r for r in stack if r.name == name)


def put(stack: list[Res], *resources: Res) -> list[Res]:
    """The stack with ``resources`` added, replacing those of the same name."""
    replaced = {r.name for r in resources}
    return [r for r in stack if r.name not in replaced] + list(resources)


def without(stack: list[Res], *names: str) -> list[Res]:
    return [r for r in stack if r.name not in names]


def changed(stack: list[Res], name: str, props: dict | None = None, deps: dict | None = None,
            drop: tuple[str, ...] = ()) -> list[Res]:
    old = get(stack, name)
    new_props = {k: v for k, v in ({**old.props, **(props or {})}).items() if k not in drop}
    new_deps = {k: v for k, v in ({**old.deps, **(deps or {})}).items() if k not in drop}
    return put(stack, Res(old.type, old.name, new_props, new_deps))


def findings(stack: list[Res]) -> list[tuple[str, str]]:
    result = check_stack(POLICY, stack)
    assert not result.unknown and not result.not_applicable
    return result.violations


# ---- the whole platform passes ---------------------------------------------------------------------------------


def test_platform_passes_in_a_preview_of_a_new_stack():
    assert findings(platform(preview=True)) == []


def test_platform_passes_after_an_update():
    assert findings(platform(preview=False)) == []


def test_known_ids_relate_a_rule_without_property_dependencies():
    stack = platform(preview=False)
    literal = rule(INGRESS, "instances-from-alb", "instance-sg", 32768, 65535, peer="alb-sg", preview=False)
    literal.deps = {}  # ids typed in by hand: no dependency, but they equal the groups' known ids
    assert findings(put(stack, literal)) == []


def test_ec2_service_may_use_the_cluster_default_capacity_provider_strategy():
    stack = changed(platform(), "api", drop=("capacityProviderStrategies",))
    assert findings(stack) == []


def test_capacity_provider_named_by_a_literal_name_after_an_update():
    stack = changed(platform(preview=False), "api", deps={"capacityProviderStrategies": []})
    assert findings(stack) == []


def test_alb_egress_to_a_cidr_containing_the_target_subnets_passes():
    stack = put(without(platform(), "alb-to-instances"),
                rule(EGRESS, "alb-to-vpc", "alb-sg", 32768, 65535, cidr="10.0.0.0/16"))
    assert findings(stack) == []


def test_alb_egress_of_all_traffic_to_the_instances_passes():
    stack = put(platform(), rule(EGRESS, "alb-to-instances", "alb-sg", None, None, peer="instance-sg", protocol="-1"))
    assert findings(stack) == []


# ---- EC2 instance security groups ------------------------------------------------------------------------------


def test_instance_group_open_to_the_internet_is_reported_on_the_rule():
    stack = put(platform(), rule(INGRESS, "ssh-anywhere", "instance-sg", 22, 22, cidr="0.0.0.0/0"))
    assert findings(stack) == [(
        "ingress rule 'ssh-anywhere' of security group 'instance-sg' (the EC2 instances of launch template "
        "'container-instances') admits tcp 22 from 0.0.0.0/0 (the whole internet); only the load balancer's "
        "security group(s) 'alb-sg' may reach ECS targets.",
        urn(INGRESS, "ssh-anywhere"),
    )]


def test_instance_group_must_admit_exactly_the_ephemeral_range():
    stack = put(platform(), rule(INGRESS, "instances-from-alb", "instance-sg", 32768, 60999, peer="alb-sg"))
    violations = findings(stack)
    assert [u for _, u in violations] == [urn(SG, "instance-sg"), urn(INGRESS, "instances-from-alb")]
    assert "do not admit tcp 32768-65535 from the security group(s) 'alb-sg' of load balancer 'alb'" in violations[0][0]
    assert "admits tcp 32768-60999 from the load balancer; an instance group admits exactly tcp 32768-65535" in (
        violations[1][0])


def test_instance_group_admitting_another_security_group_is_reported():
    stack = put(platform(), Res(SG, "bastion-sg", {"vpcId": UNKNOWN}, {"vpcId": ["vpc"]}),
                rule(INGRESS, "ssh-from-bastion", "instance-sg", 22, 22, peer="bastion-sg"))
    assert findings(stack) == [(
        "ingress rule 'ssh-from-bastion' of security group 'instance-sg' (the EC2 instances of launch template "
        "'container-instances') admits tcp 22 from security group 'bastion-sg'; only the load balancer's security "
        "group(s) 'alb-sg' may reach ECS targets.",
        urn(INGRESS, "ssh-from-bastion"),
    )]


def test_instance_group_admitting_a_computed_cidr_is_reported_without_reading_it():
    vpc_cidr = rule(INGRESS, "from-vpc", "instance-sg", 32768, 65535, cidr="placeholder")
    vpc_cidr.props["cidrIpv4"] = UNKNOWN
    vpc_cidr.deps["cidrIpv4"] = ["vpc"]
    (message, where), = findings(put(platform(), vpc_cidr))
    assert where == urn(INGRESS, "from-vpc")
    assert "admits tcp 32768-65535 from cidrIpv4 computed from 'vpc';" in message


def test_shared_instance_group_is_reported_once():
    second_service = [
        Res(TG, "worker-tg", {"targetType": "instance", "port": 80}),
        Res(LISTENER_RULE, "worker-rule", {"listenerArn": UNKNOWN, "actions": [{"type": "forward"}]},
            {"listenerArn": ["https"], "actions": ["worker-tg"]}),
        Res(SERVICE, "worker", {"cluster": UNKNOWN, "taskDefinition": UNKNOWN, "loadBalancers": [
            {"targetGroupArn": UNKNOWN, "containerName": "worker", "containerPort": 80}]},
            {"cluster": ["cluster"], "taskDefinition": ["api-task"], "loadBalancers": ["worker-tg"]}),
    ]
    stack = put(platform(), *second_service, rule(INGRESS, "icmp", "instance-sg", -1, -1, cidr="10.0.0.0/8",
                                                  protocol="icmp"))
    assert [u for _, u in findings(stack)] == [urn(INGRESS, "icmp")]


# ---- Fargate task security groups ------------------------------------------------------------------------------


def test_task_group_admitting_more_than_the_container_port_is_reported():
    stack = put(platform(), rule(INGRESS, "web-from-alb", "web-sg", 8080, 8090, peer="alb-sg"))
    assert findings(stack) == [(
        "ingress rule 'web-from-alb' of security group 'web-sg' (the tasks of ECS service 'web') admits tcp "
        "8080-8090 from the load balancer; a task group admits only the container port(s) 8080 from it.",
        urn(INGRESS, "web-from-alb"),
    )]


def test_task_group_open_to_ipv6_internet_is_reported():
    stack = put(platform(), rule(INGRESS, "web-v6", "web-sg", 8080, 8080, cidr="::/0"))
    (message, where), = findings(stack)
    assert where == urn(INGRESS, "web-v6") and "from ::/0 (the whole internet);" in message


def test_blocked_container_port_is_reported_on_the_task_group():
    (message, where), = findings(without(platform(), "web-from-alb"))
    assert where == urn(SG, "web-sg")
    assert message.startswith("security group(s) 'web-sg' of the tasks of ECS service 'web' do not admit tcp 8080 "
                              "from the security group(s) 'alb-sg' of load balancer 'alb'")


def test_fargate_service_without_its_own_security_group_is_reported():
    stack = changed(platform(), "web", deps={"networkConfiguration": ["private-a", "private-b"]})
    assert [u for _, u in findings(stack)] == [urn(SERVICE, "web")]


# ---- the load balancer's side ----------------------------------------------------------------------------------


def test_missing_alb_egress_is_reported_on_the_alb_group():
    (message, where), = findings(without(platform(), "alb-to-web"))
    assert where == urn(SG, "alb-sg")
    assert message.startswith("security group(s) 'alb-sg' of load balancer 'alb' have no egress rule allowing tcp "
                              "8080 to 'web-sg' of the tasks of ECS service 'web'")


def test_alb_egress_cidr_not_covering_every_target_subnet_is_reported():
    stack = put(without(platform(), "alb-to-instances"),
                rule(EGRESS, "alb-to-private-a", "alb-sg", 32768, 65535, cidr="10.0.10.0/24"))
    assert [u for _, u in findings(stack)] == [urn(SG, "alb-sg")]


def test_alb_egress_cidr_unknown_in_a_preview_cannot_be_evaluated():
    egress = rule(EGRESS, "alb-to-vpc", "alb-sg", 32768, 65535, cidr="placeholder")
    egress.props["cidrIpv4"] = UNKNOWN
    egress.deps["cidrIpv4"] = ["vpc"]
    assert check_stack(POLICY, put(without(platform(), "alb-to-instances"), egress)).unknown


def test_alb_without_security_groups_of_this_stack_is_reported():
    stack = changed(platform(), "alb", drop=("securityGroups",))
    assert findings(stack) == [(
        "application load balancer 'alb' has no security group of this stack (securityGroups), so what it reaches "
        "cannot be checked; give it its own.",
        urn(LB, "alb"),
    )]


def test_legacy_rule_on_a_target_group_is_reported():
    legacy = Res(LEGACY_RULE, "old-rule", {"type": "ingress", "securityGroupId": UNKNOWN, "protocol": "tcp",
                                           "fromPort": 8080, "toPort": 8080, "cidrBlocks": ["10.0.0.0/8"]},
                 {"securityGroupId": ["web-sg"]})
    assert [u for _, u in findings(put(platform(), legacy))] == [urn(LEGACY_RULE, "old-rule")]


# ---- broken chains ---------------------------------------------------------------------------------------------


def test_ec2_service_without_any_capacity_provider_is_reported():
    stack = without(changed(platform(), "api", drop=("capacityProviderStrategies",)), "cluster-capacity")
    (message, where), = findings(stack)
    assert where == urn(SERVICE, "api") and "no capacity provider of this stack is known" in message


def test_ec2_launch_type_does_not_use_the_cluster_default_strategy():
    stack = changed(platform(), "api", props={"launchType": "EC2"}, drop=("capacityProviderStrategies",))
    assert [u for _, u in findings(stack)] == [urn(SERVICE, "api")]


def test_launch_template_without_security_group_is_reported():
    stack = changed(platform(), "container-instances", drop=("vpcSecurityGroupIds",))
    assert [u for _, u in findings(stack)] == [urn(LAUNCH_TEMPLATE, "container-instances")]


def test_host_network_mode_is_reported():
    stack = changed(platform(), "api-task", props={"networkMode": "host"})
    assert [u for _, u in findings(stack)] == [urn(SERVICE, "api")]


# ---- not applicable --------------------------------------------------------------------------------------------


def test_stack_without_application_load_balancer_is_not_applicable():
    stack = changed(platform(), "alb", props={"loadBalancerType": "network"})
    assert check_stack(POLICY, stack).not_applicable


def test_service_behind_no_load_balancer_of_the_stack_is_not_judged():
    stack = changed(platform(), "api-rule", deps={"listenerArn": []}, props={"listenerArn": "arn:other"})
    stack = put(stack, rule(INGRESS, "ssh-anywhere", "instance-sg", 22, 22, cidr="0.0.0.0/0"))
    assert findings(stack) == []


def test_cidr_ingress_is_still_reported_when_the_alb_groups_are_unknown():
    stack = put(changed(platform(), "alb", drop=("securityGroups",)),
                rule(INGRESS, "ssh-anywhere", "instance-sg", 22, 22, cidr="0.0.0.0/0"))
    assert (
        "ingress rule 'ssh-anywhere' of security group 'instance-sg' (the EC2 instances of launch template "
        "'container-instances') admits tcp 22 from 0.0.0.0/0 (the whole internet); only the load balancer's "
        "security group may reach ECS targets.",
        urn(INGRESS, "ssh-anywhere"),
    ) in findings(stack)


# ---- every rule form counts alike ------------------------------------------------------------------------------


def legacy(name: str, group: str, kind: str, low: int, high: int, *, peer: str | None = None, protocol: str = "tcp",
           **props) -> Res:
    """An aws.ec2.SecurityGroupRule of ``group`` as a preview shows it."""
    values = {"type": kind, "securityGroupId": UNKNOWN, "protocol": protocol, "fromPort": low, "toPort": high, **props}
    deps = {"securityGroupId": [group]}
    if peer:
        values["sourceSecurityGroupId"] = UNKNOWN
        deps["sourceSecurityGroupId"] = [peer]
    return Res(LEGACY_RULE, name, values, deps)


def inline(stack: list[Res], group: str, direction: str, *blocks: dict, peers: tuple[str, ...] = ()) -> list[Res]:
    """``group`` with inline ``direction`` blocks; ``peers`` are the groups their securityGroups come from."""
    return changed(stack, group, props={direction: list(blocks)}, deps={direction: list(peers)})


def from_group(low: int, high: int, protocol: str = "tcp") -> dict:
    return {"protocol": protocol, "fromPort": low, "toPort": high, "securityGroups": [UNKNOWN]}


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


# ---- arguments left out ----------------------------------------------------------------------------------------


def test_load_balancer_type_left_out_is_an_application_load_balancer():
    assert findings(changed(platform(), "alb", drop=("loadBalancerType",))) == []
    stack = changed(without(platform(), "alb-to-web"), "alb", drop=("loadBalancerType",))
    assert [u for _, u in findings(stack)] == [urn(SG, "alb-sg")]


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
