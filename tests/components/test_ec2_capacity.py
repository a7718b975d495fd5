"""Ec2Capacity built directly under the mocks: launch template, Auto Scaling group, capacity provider, network."""

from __future__ import annotations

import base64
import functools
import json

import pytest
from pulumi.runtime.mocks import MockCallArgs

from components.ecs.ec2_capacity import AMI_PARAMETER, TYPE, Ec2Capacity, Ec2CapacityArgs
from components.network.egress import EgressRule
from preflight.engine import ACCOUNT_ID, PlatformMocks, Recording, Registration
from tests.mocks import REGION, context, of_type, one, record, record_failure, ref, refs

CLUSTER_NAME = "platform-cluster"
SUBNETS = ("subnet-a", "subnet-b", "subnet-c")
ALB_SG = "sg-0a1b2c3d4e5f60718"
ECS_INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
GROUP = "aws:autoscaling/group:Group"
PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
CLUSTER_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"


TAGS = (("team", "platform"), ("stack", "test"))
MOUNT_TARGET_SG = "sg-0f0f0f0f0f0f0f0f0"
MEDIA_MOUNT_TARGET_SG = "sg-0a0a0a0a0a0a0a0a0"
ENDPOINTS_SG = "sg-0e0e0e0e0e0e0e0e0"
DB_SG = "sg-0d0d0d0d0d0d0d0d0"


@functools.cache
def build(min_size: int = 1, max_size: int = 4, target_capacity: int = 100, protect: bool = False,
          instance_type: str = "t3.medium", ami_id: str | None = None, egress: tuple[EgressRule, ...] = (),
          endpoints: bool = False, partition: str = "aws",
          file_systems: tuple[tuple[str, str], ...] = ()) -> Recording:
    """One Ec2Capacity named cap, joining CLUSTER_NAME, in three private subnets behind ALB_SG."""
    args = Ec2CapacityArgs(context=context(tags=dict(TAGS), partition=partition), cluster_name=CLUSTER_NAME,
                           vpc_id="vpc-1", subnet_ids=list(SUBNETS), alb_security_group_id=ALB_SG,
                           instance_type=instance_type, min_size=min_size, max_size=max_size,
                           target_capacity=target_capacity, managed_termination_protection=protect, ami_id=ami_id,
                           egress=egress, endpoints_security_group_id=ENDPOINTS_SG if endpoints else None,
                           file_systems=dict(file_systems))
    return record(lambda: Ec2Capacity("cap", args))



def instance_sg(rec: Recording) -> Registration:
    return one(rec, SG)


# ---- launch template ---------------------------------------------------------------------------------------


def test_launch_template_requires_imdsv2_with_hop_limit_one():
    template = one(build(), TEMPLATE)
    assert template.inputs["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required",
                                                  "httpPutResponseHopLimit": 1}, template.urn


def test_launch_template_encrypts_the_root_volume():
    template = one(build(), TEMPLATE)
    [mapping] = template.inputs["blockDeviceMappings"]
    assert mapping["deviceName"] == "/dev/xvda", template.urn
    ebs = mapping["ebs"]
    # The provider takes these EBS flags as strings ("true"/"false").
    assert str(ebs["encrypted"]).lower() == "true", template.urn
    assert str(ebs["deleteOnTermination"]).lower() == "true", template.urn
    assert ebs["volumeType"] == "gp3" and ebs["volumeSize"] >= 30, template.urn


def test_launch_template_gives_no_public_ip_and_uses_the_instance_sg():
    rec = build()
    template, sg = one(rec, TEMPLATE), instance_sg(rec)
    [nic] = template.inputs["networkInterfaces"]
    assert str(nic["associatePublicIpAddress"]).lower() == "false", template.urn
    assert nic["securityGroups"] == [sg.id], template.urn
    assert refs(rec, template, "networkInterfaces") == [sg], template.urn
    assert "securityGroupNames" not in template.inputs and "vpcSecurityGroupIds" not in template.inputs, \
        template.urn


def test_launch_template_uses_the_instance_profile():
    rec = build()
    template, profile, role = one(rec, TEMPLATE), one(rec, PROFILE), one(rec, ROLE)
    assert template.inputs["iamInstanceProfile"] == {"arn": profile.outputs["arn"]}, template.urn
    assert refs(rec, template, "iamInstanceProfile") == [profile], template.urn
    assert ref(rec, profile, "role", "name") == role, profile.urn


def test_launch_template_ami_comes_from_the_ecs_optimized_ssm_parameter():
    template = one(build(), TEMPLATE)
    answer = PlatformMocks(region=REGION, preview=False).call(
        MockCallArgs("aws:ssm/getParameter:getParameter", {"name": AMI_PARAMETER}, ""))
    assert AMI_PARAMETER == "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id", template.urn
    assert template.inputs["imageId"] == answer["value"], template.urn
    assert template.inputs["imageId"].startswith("ami-"), template.urn


@pytest.mark.parametrize("instance_type", ["t3.medium", "m6i.large"])
def test_launch_template_instance_type_follows_args(instance_type: str):
    template = one(build(instance_type=instance_type), TEMPLATE)
    assert template.inputs["instanceType"] == instance_type, template.urn


def test_user_data_joins_the_cluster():
    template = one(build(), TEMPLATE)
    script = base64.b64decode(template.inputs["userData"], validate=True).decode()
    lines = script.splitlines()
    assert lines[0] == "#!/bin/bash", template.urn
    assert f"ECS_CLUSTER={CLUSTER_NAME}" in lines, template.urn
    assert [line for line in lines if line.startswith("ECS_CLUSTER=")] == [f"ECS_CLUSTER={CLUSTER_NAME}"], \
        template.urn
    assert "ECS_ENABLE_TASK_IAM_ROLE=true" in lines, template.urn
    assert not any(line.startswith("ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=") for line in lines), template.urn


def test_user_data_cleans_up_stopped_tasks_sooner_when_tasks_mount_efs():
    """EFS with IAM authorization: the AMI brings amazon-efs-utils and the volume plugin, the agent hands the task
    role's credentials to the mount helper (task IAM roles on), and stopped tasks' mounts go within 15 minutes."""
    template = one(build(file_systems=(("shared", MOUNT_TARGET_SG),)), TEMPLATE)
    lines = base64.b64decode(template.inputs["userData"], validate=True).decode().splitlines()
    assert "ECS_ENABLE_TASK_IAM_ROLE=true" in lines, template.urn
    assert "ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=15m" in lines, template.urn
    assert lines.index("ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=15m") < lines.index("EOF"), template.urn


# ---- Auto Scaling group ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("min_size", "max_size"), [(0, 1), (1, 4), (2, 10)])
def test_group_spans_the_subnets_with_min_and_max(min_size: int, max_size: int):
    rec = build(min_size=min_size, max_size=max_size)
    group, template = one(rec, GROUP), one(rec, TEMPLATE)
    assert group.inputs["vpcZoneIdentifiers"] == list(SUBNETS), group.urn
    assert group.inputs["minSize"] == min_size, group.urn
    assert group.inputs["maxSize"] == max_size, group.urn
    assert "desiredCapacity" not in group.inputs, group.urn  # managed scaling owns it
    # The template's latest version, not "$Latest": a new version changes the group and starts an instance refresh.
    version = str(int(template.outputs["latestVersion"]))
    assert group.inputs["launchTemplate"] == {"id": template.id, "version": version}, group.urn
    assert refs(rec, group, "launchTemplate") == [template], group.urn
    assert "availabilityZones" not in group.inputs, group.urn


def test_group_is_tagged_as_managed_by_ecs():
    group = one(build(), GROUP)
    tags = {t["key"]: t for t in group.inputs["tags"]}
    assert tags["AmazonECSManaged"] == {"key": "AmazonECSManaged", "value": "true", "propagateAtLaunch": True}, \
        group.urn


@pytest.mark.parametrize("protect", [False, True])
def test_scale_in_protection_follows_managed_termination_protection(protect: bool):
    rec = build(protect=protect)
    group, provider = one(rec, GROUP), one(rec, PROVIDER)
    assert group.inputs["protectFromScaleIn"] is protect, group.urn
    # Destroy terminates protected instances too: the services and the capacity provider go first.
    assert group.inputs["forceDelete"] is True, group.urn
    asg = provider.inputs["autoScalingGroupProvider"]
    assert asg["managedTerminationProtection"] == ("ENABLED" if protect else "DISABLED"), provider.urn


def test_instance_refresh_replaces_instances_without_losing_capacity():
    group = one(build(), GROUP)
    assert group.inputs["instanceRefresh"] == {
        "strategy": "Rolling",
        "preferences": {"minHealthyPercentage": 100, "maxHealthyPercentage": 200, "instanceWarmup": "120",
                        "scaleInProtectedInstances": "Refresh", "standbyInstances": "Terminate",
                        "skipMatching": True},
    }, group.urn


def test_group_waits_for_the_instance_role_policy():
    rec = build()
    group, attachment = one(rec, GROUP), one(rec, ATTACHMENT)
    assert attachment.urn in group.dependencies, group.urn


def test_pinned_ami_replaces_the_ssm_lookup(monkeypatch):
    calls: list[str] = []
    original = PlatformMocks.call
    monkeypatch.setattr(PlatformMocks, "call", lambda self, a: calls.append(a.token) or original(self, a))
    template = one(build(ami_id="ami-0123456789abcdef0"), TEMPLATE)
    assert template.inputs["imageId"] == "ami-0123456789abcdef0", template.urn
    assert "aws:ssm/getParameter:getParameter" not in calls


def test_instances_and_volumes_carry_the_stack_tags():
    template = one(build(), TEMPLATE)
    expected = {**dict(TAGS), "Name": "cap"}
    assert template.inputs["tagSpecifications"] == [
        {"resourceType": kind, "tags": expected} for kind in ("instance", "volume", "network-interface")
    ], template.urn


def test_instance_policy_arn_follows_the_partition():
    attachment = one(build(partition="aws-cn"), ATTACHMENT)
    assert attachment.inputs["policyArn"] == \
        "arn:aws-cn:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role", attachment.urn


def test_declared_egress_lands_on_the_instance_sg():
    rule = EgressRule("tcp", 5432, 5432, security_group_id=DB_SG, description="orders database")
    rec = build(egress=(rule,))
    sg = instance_sg(rec)
    [extra] = [r for r in of_type(rec, EGRESS) if r.inputs.get("referencedSecurityGroupId") == DB_SG]
    assert ref(rec, extra, "securityGroupId") == sg, extra.urn
    assert (extra.inputs["ipProtocol"], extra.inputs["fromPort"], extra.inputs["toPort"]) == ("tcp", 5432, 5432)
    assert extra.inputs["description"] == "orders database", extra.urn
    assert extra.name == f"cap-out-tcp-5432-{DB_SG}", extra.urn


def test_instances_admit_themselves_to_the_interface_endpoints():
    rec = build(endpoints=True)
    [rule] = [r for r in of_type(rec, INGRESS) if r.inputs["securityGroupId"] == ENDPOINTS_SG]
    assert ref(rec, rule, "referencedSecurityGroupId") == instance_sg(rec), rule.urn
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 443, 443)
    assert not [r for r in of_type(build(), INGRESS) if r.inputs["securityGroupId"] == ENDPOINTS_SG]


# ---- capacity provider -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "max_size", "step"), [(100, 4, 2), (80, 10, 5), (1, 1, 1)])
def test_capacity_provider_manages_scaling(target: int, max_size: int, step: int):
    rec = build(target_capacity=target, max_size=max_size)
    provider, group = one(rec, PROVIDER), one(rec, GROUP)
    asg = provider.inputs["autoScalingGroupProvider"]
    assert asg["autoScalingGroupArn"] == group.outputs["arn"], provider.urn
    assert refs(rec, provider, "autoScalingGroupProvider") == [group], provider.urn
    scaling = asg["managedScaling"]
    assert scaling["status"] == "ENABLED", provider.urn
    assert scaling["targetCapacity"] == target, provider.urn
    assert scaling["minimumScalingStepSize"] == 1, provider.urn
    assert scaling["maximumScalingStepSize"] == step, provider.urn
    assert asg["managedDraining"] == "ENABLED", provider.urn


def test_cluster_offers_the_provider_and_fargate():
    rec = build()
    providers, provider = one(rec, CLUSTER_PROVIDERS), one(rec, PROVIDER)
    name = provider.outputs["name"]
    assert providers.inputs["clusterName"] == CLUSTER_NAME, providers.urn
    assert providers.inputs["capacityProviders"] == [name, "FARGATE", "FARGATE_SPOT"], providers.urn
    assert refs(rec, providers, "capacityProviders") == [provider], providers.urn
    assert providers.inputs["defaultCapacityProviderStrategies"] == [
        {"capacityProvider": name, "weight": 1, "base": 0}], providers.urn


# ---- network -----------------------------------------------------------------------------------------------


def test_instances_admit_only_the_load_balancer_on_the_ephemeral_range():
    rec = build()
    sg = instance_sg(rec)
    assert sg.inputs["vpcId"] == "vpc-1", sg.urn
    assert sg.inputs.get("ingress", []) == [] and sg.inputs.get("egress", []) == [], sg.urn
    [rule] = of_type(rec, INGRESS)
    assert ref(rec, rule, "securityGroupId") == sg, rule.urn
    assert rule.inputs["ipProtocol"] == "tcp", rule.urn
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (32768, 65535), rule.urn
    assert rule.inputs["referencedSecurityGroupId"] == ALB_SG, rule.urn
    for key in ("cidrIpv4", "cidrIpv6", "prefixListId"):
        assert key not in rule.inputs, f"{rule.urn}: {key}"


def test_load_balancer_may_reach_the_ephemeral_range():
    rec = build()
    sg = instance_sg(rec)
    to_instances = [r for r in of_type(rec, EGRESS) if r.inputs["securityGroupId"] == ALB_SG]
    assert len(to_instances) == 1, [r.urn for r in of_type(rec, EGRESS)]
    rule = to_instances[0]
    assert ref(rec, rule, "referencedSecurityGroupId") == sg, rule.urn
    assert rule.inputs["ipProtocol"] == "tcp", rule.urn
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (32768, 65535), rule.urn
    assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs, rule.urn


def test_instances_egress_only_https():
    rec = build()
    sg = instance_sg(rec)
    from_instances = [r for r in of_type(rec, EGRESS) if refs(rec, r, "securityGroupId") == [sg]]
    assert len(from_instances) == 1, [r.urn for r in of_type(rec, EGRESS)]
    rule = from_instances[0]
    assert rule.inputs["securityGroupId"] == sg.id, rule.urn
    assert rule.inputs["ipProtocol"] == "tcp", rule.urn
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (443, 443), rule.urn
    assert rule.inputs["cidrIpv4"] == "0.0.0.0/0", rule.urn
    assert len(of_type(rec, EGRESS)) == 2, [r.urn for r in of_type(rec, EGRESS)]


def test_instances_reach_the_mount_targets_of_the_file_systems_their_tasks_mount():
    rec = build(file_systems=(("shared", MOUNT_TARGET_SG), ("media", MEDIA_MOUNT_TARGET_SG)))
    sg = instance_sg(rec)
    for file_system, mount_target_sg in (("shared", MOUNT_TARGET_SG), ("media", MEDIA_MOUNT_TARGET_SG)):
        [ingress] = [r for r in of_type(rec, INGRESS) if r.inputs["securityGroupId"] == mount_target_sg]
        assert ingress.name == f"cap-{file_system}-nfs", ingress.urn
        assert ref(rec, ingress, "referencedSecurityGroupId") == sg, ingress.urn
        assert (ingress.inputs["ipProtocol"], ingress.inputs["fromPort"], ingress.inputs["toPort"]) == \
            ("tcp", 2049, 2049), ingress.urn
        [egress] = [r for r in of_type(rec, EGRESS) if r.inputs.get("referencedSecurityGroupId") == mount_target_sg]
        assert ref(rec, egress, "securityGroupId") == sg, egress.urn
        assert (egress.inputs["ipProtocol"], egress.inputs["fromPort"], egress.inputs["toPort"]) == \
            ("tcp", 2049, 2049), egress.urn
    # The instances still admit only the load balancer.
    assert [r.inputs["securityGroupId"] for r in of_type(rec, INGRESS) if refs(rec, r, "securityGroupId") == [sg]] \
        == [sg.id]


# ---- instance role -----------------------------------------------------------------------------------------


def test_instance_role_trusts_ec2_and_has_the_ecs_instance_policy():
    rec = build()
    role = one(rec, ROLE)
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Version"] == "2012-10-17", role.urn
    [st] = trust["Statement"]
    assert st["Effect"] == "Allow" and st["Action"] == "sts:AssumeRole", role.urn
    assert st["Principal"] == {"Service": "ec2.amazonaws.com"}, role.urn
    # AWS documents no aws:SourceAccount on EC2's AssumeRole for instance profiles; a condition, if any, may
    # only name this account.
    assert st.get("Condition", {}) in ({}, {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}), role.urn
    [attachment] = of_type(rec, ATTACHMENT)
    assert attachment.inputs["policyArn"] == ECS_INSTANCE_POLICY, attachment.urn
    assert ref(rec, attachment, "role", "name") == role, attachment.urn
    assert of_type(rec, "aws:iam/rolePolicy:RolePolicy") == [], role.urn


# ---- argument validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"min_size": 3, "max_size": 2}, "Ec2Capacity cap: needs 0 <= min_size <= max_size and max_size >= 1 (got 3..2)"),
    ({"min_size": -1}, "Ec2Capacity cap: needs 0 <= min_size <= max_size and max_size >= 1 (got -1..4)"),
    ({"min_size": 0, "max_size": 0}, "Ec2Capacity cap: needs 0 <= min_size <= max_size and max_size >= 1 (got 0..0)"),
    ({"target_capacity": 0}, "Ec2Capacity cap: target_capacity must be 1..100 (got 0)"),
    ({"target_capacity": 101}, "Ec2Capacity cap: target_capacity must be 1..100 (got 101)"),
], ids=["min-over-max", "negative-min", "zero-max", "target-0", "target-101"])
def test_argument_errors(changes: dict, message: str):
    values = {"context": context(), "cluster_name": CLUSTER_NAME, "vpc_id": "vpc-1", "subnet_ids": list(SUBNETS),
              "alb_security_group_id": ALB_SG, **changes}
    exc, registered = record_failure(lambda: Ec2Capacity("cap", Ec2CapacityArgs(**values)))
    assert isinstance(exc, ValueError), repr(exc)
    assert str(exc) == message
    assert registered == [], [r.urn for r in registered]


# ---- component shape ---------------------------------------------------------------------------------------


def test_children_are_parented_to_the_component():
    rec = build()
    component = one(rec, TYPE)
    assert component.urn == f"urn:pulumi:test::container-platform::{TYPE}::cap", component.urn
    for r in rec.resources:
        if r is component:
            continue
        assert r.parent == component.urn, r.urn
        assert r.name == "cap" or r.name.startswith("cap-"), r.urn
        assert r.protect is False, r.urn


def test_two_capacities_do_not_collide():
    def program() -> None:
        for name in ("general", "memory"):
            Ec2Capacity(name, Ec2CapacityArgs(context=context(), cluster_name=CLUSTER_NAME, vpc_id="vpc-1",
                                              subnet_ids=list(SUBNETS), alb_security_group_id=ALB_SG))

    rec = record(program)
    urns = [r.urn for r in rec.resources]
    assert len(urns) == len(set(urns)), [u for u in urns if urns.count(u) > 1]
    assert len(rec.by_type(TYPE)) == 2, urns
