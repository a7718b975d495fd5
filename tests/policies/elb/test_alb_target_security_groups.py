"""alb-target-security-groups: the platform passes, in a preview and after an update; each other test breaks it one
way: the targets' groups, the load balancer's side, broken chains, arguments left out."""

from guardrails.elb.alb_target_security_groups import POLICY

from tests.policies.elb._alb_stack import (
    ASG,
    CAPACITY_PROVIDER,
    EGRESS,
    INGRESS,
    LAUNCH_TEMPLATE,
    LB,
    LEGACY_RULE,
    LISTENER_RULE,
    SERVICE,
    SG,
    TG,
    changed,
    findings,
    platform,
    put,
    rule,
    without,
)
from tests.policies.harness import UNKNOWN, Res, check_stack, urn

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
    stack = without(changed(platform(preview=False), "api", deps={"capacityProviderStrategies": []}),
                    "cluster-capacity")
    assert findings(stack) == []
    stack = changed(stack, "api", props={"capacityProviderStrategies": [{"capacityProvider": "other", "weight": 1}]})
    assert [u for _, u in findings(stack)] == [urn(SERVICE, "api")]


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


# ---- arguments left out ----------------------------------------------------------------------------------------


def test_load_balancer_type_left_out_is_an_application_load_balancer():
    assert findings(changed(platform(), "alb", drop=("loadBalancerType",))) == []
    stack = changed(without(platform(), "alb-to-web"), "alb", drop=("loadBalancerType",))
    assert [u for _, u in findings(stack)] == [urn(SG, "alb-sg")]


def test_fargate_egress_to_a_cidr_containing_the_task_subnets_passes():
    stack = put(without(platform(), "alb-to-web"), rule(EGRESS, "alb-to-private", "alb-sg", 8080, 8080,
                                                        cidr="10.0.10.0/23"))
    assert findings(stack) == []
    stack = put(without(platform(), "alb-to-web"), rule(EGRESS, "alb-to-private-a", "alb-sg", 8080, 8080,
                                                        cidr="10.0.10.0/24"))
    assert [u for _, u in findings(stack)] == [urn(SG, "alb-sg")]


def test_service_whose_task_definition_is_outside_the_stack_is_judged_by_its_network_configuration():
    stack = changed(without(platform(), "web-task"), "web", deps={"taskDefinition": []},
                    props={"taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1"})
    assert findings(stack) == []
    stack = changed(without(platform(), "api-task"), "api", deps={"taskDefinition": []},
                    props={"taskDefinition": "api:1"})
    assert findings(stack) == []


def test_task_groups_are_named_together_and_blamed_on_the_first():
    stack = put(platform(), Res(SG, "web-extra-sg", {"vpcId": UNKNOWN}, {"vpcId": ["vpc"]}))
    stack = changed(without(stack, "web-from-alb"), "web",
                    deps={"networkConfiguration": ["private-a", "private-b", "web-sg", "web-extra-sg"]})
    (message, where), = findings(stack)
    assert where == urn(SG, "web-sg")
    assert message.startswith("security group(s) 'web-sg', 'web-extra-sg' of the tasks of ECS service 'web' do not "
                              "admit tcp 8080")
    stack = put(stack, rule(INGRESS, "extra-from-alb", "web-extra-sg", 8080, 8080, peer="alb-sg"))
    assert findings(stack) == []


def test_capacity_provider_without_auto_scaling_group_and_group_without_template_are_reported():
    stack = changed(platform(), "ec2-capacity", deps={"autoScalingGroupProvider": []})
    (message, where), = findings(stack)
    assert where == urn(CAPACITY_PROVIDER, "ec2-capacity") and message.startswith(
        "capacity provider 'ec2-capacity' names no Auto Scaling group of this stack")
    stack = changed(platform(), "container-asg", deps={"launchTemplate": []})
    (message, where), = findings(stack)
    assert where == urn(ASG, "container-asg") and message.startswith(
        "Auto Scaling group 'container-asg' uses no launch template of this stack")


def test_launch_template_of_a_mixed_instances_policy_counts():
    stack = changed(platform(), "container-asg", deps={"launchTemplate": [], "mixedInstancesPolicy":
                                                       ["container-instances"]})
    assert findings(stack) == []


def test_launch_template_groups_and_subnets_through_network_interfaces():
    # The platform's launch template names its group in networkInterfaces, as the ECS-optimized setup does.
    stack = changed(platform(), "container-instances", drop=("vpcSecurityGroupIds",),
                    props={"networkInterfaces": [{"securityGroups": [UNKNOWN], "associatePublicIpAddress": "false"}]},
                    deps={"networkInterfaces": ["instance-sg"]})
    assert findings(stack) == []
    stack = changed(stack, "container-asg", deps={"vpcZoneIdentifiers": []})
    stack = changed(stack, "container-instances", deps={"networkInterfaces": ["instance-sg", "private-a"]})
    stack = put(without(stack, "alb-to-instances"),
                rule(EGRESS, "alb-to-private-a", "alb-sg", 32768, 65535, cidr="10.0.10.0/24"))
    assert findings(stack) == []


def test_alb_subnets_through_subnet_mappings():
    stack = changed(platform(), "alb", drop=("subnets",), props={"subnetMappings": [{"subnetId": UNKNOWN}] * 2},
                    deps={"subnetMappings": ["public-a", "public-b"]})
    stack = put(without(stack, "web-from-alb"), rule(INGRESS, "web-from-public", "web-sg", 8080, 8080,
                                                     cidr="10.0.0.0/23"))
    assert [u for _, u in findings(stack)] == [urn(INGRESS, "web-from-public")]


def test_health_check_port_on_the_traffic_port_or_inside_the_range_edges_adds_nothing():
    for group, port in (("web-tg", "8080"), ("api-tg", "32768"), ("api-tg", "65535")):
        assert findings(changed(platform(), group, props={"healthCheck": {"port": port}})) == [], (group, port)
