import pytest
from guardrails.efs.efs_mount_target_security_groups import POLICY

from tests.policies.efs._stack import EGRESS, INGRESS, SG, get, platform, replace, without
from tests.policies.harness import UNKNOWN, Res, check_stack


def names(result) -> list[str]:
    return sorted(urn.rsplit("::", 1)[1] for _, urn in result.violations)


@pytest.mark.parametrize("preview", [False, True])
def test_exactly_the_two_clients_on_nfs_pass(preview):
    result = check_stack(POLICY, platform(preview))
    assert result.violations == [] and not result.unknown


@pytest.mark.parametrize("preview", [False, True])
def test_a_cidr_rule_fails(preview):
    stack = platform(preview) + [Res(INGRESS, "vpc-nfs", {"securityGroupId": UNKNOWN, "ipProtocol": "tcp",
                                                          "fromPort": 2049, "toPort": 2049,
                                                          "cidrIpv4": "10.0.0.0/16"}, {"securityGroupId": ["mt-sg"]})]
    result = check_stack(POLICY, stack)
    assert names(result) == ["vpc-nfs"]
    assert "admits tcp 2049 from 10.0.0.0/16; only NFS (tcp 2049) from the groups of the tasks and instances that " \
           "mount it ('instance-sg', 'api-sg') may reach it" in result.messages[0]


@pytest.mark.parametrize("preview", [False, True])
def test_a_group_that_mounts_nothing_fails(preview):
    known = (lambda v: UNKNOWN) if preview else (lambda v: v)
    stack = platform(preview) + [
        Res(SG, "batch-sg", {"vpcId": known("vpc-1"), "id": known("sg-batch-sg")}, {"vpcId": ["vpc"]}),
        Res(INGRESS, "batch-nfs", {"securityGroupId": known("sg-mt-sg"), "ipProtocol": "tcp", "fromPort": 2049,
                                   "toPort": 2049, "referencedSecurityGroupId": known("sg-batch-sg")},
            {"securityGroupId": ["mt-sg"], "referencedSecurityGroupId": ["batch-sg"]})]
    result = check_stack(POLICY, stack)
    assert names(result) == ["batch-nfs"]
    assert "from security group 'batch-sg', which mounts nothing of this file system" in result.messages[0]


def test_a_literal_group_outside_the_stack_fails():
    stack = platform() + [Res(INGRESS, "vpn-nfs", {"securityGroupId": "sg-mt-sg", "ipProtocol": "tcp",
                                                   "fromPort": 2049, "toPort": 2049,
                                                   "referencedSecurityGroupId": "sg-0123456789abcdef0"},
                              {"securityGroupId": ["mt-sg"]})]
    assert "from security group 'sg-0123456789abcdef0'" in check_stack(POLICY, stack).messages[0]


@pytest.mark.parametrize(("changes", "shown"), [
    ({"fromPort": 2049, "toPort": 2050}, "tcp 2049-2050"), ({"fromPort": 111, "toPort": 111}, "tcp 111"),
    ({"ipProtocol": "-1", "fromPort": None, "toPort": None}, "all traffic"),
    ({"ipProtocol": "udp"}, "udp 2049"),
], ids=["wider", "other-port", "all", "udp"])
def test_a_client_rule_beyond_nfs_fails(changes, shown):
    result = check_stack(POLICY, replace(platform(), "api-nfs", **changes))
    assert f"ingress rule 'api-nfs' of security group 'mt-sg' of the mount targets of EFS file system 'fs' admits " \
           f"{shown};" in result.messages[0]


@pytest.mark.parametrize("preview", [False, True])
def test_a_client_the_mount_targets_do_not_admit_fails(preview):
    result = check_stack(POLICY, without(platform(preview), "instances-nfs"))
    assert names(result) == ["web"]
    assert result.messages == [
        "the mount targets of EFS file system 'fs' (groups 'mt-sg') do not admit tcp 2049 from 'instance-sg' of the "
        "instances of ECS service 'web', so the mount fails when a task starts; add an ingress rule on the mount "
        "targets' group referencing the clients' group."]


@pytest.mark.parametrize("preview", [False, True])
def test_a_client_without_egress_fails(preview):
    result = check_stack(POLICY, without(platform(preview), "api-nfs-out"))
    assert names(result) == ["api"]
    assert "'api-sg' of the tasks of ECS service 'api' have no egress rule for tcp 2049" in result.messages[0]


def test_egress_to_a_cidr_covering_the_mount_targets_counts():
    stack = without(platform(), "api-nfs-out") + [
        Res(EGRESS, "api-vpc-out", {"securityGroupId": "sg-api-sg", "ipProtocol": "tcp", "fromPort": 2049,
                                    "toPort": 2049, "cidrIpv4": "10.0.0.0/16"}, {"securityGroupId": ["api-sg"]})]
    assert check_stack(POLICY, stack).violations == []


def test_egress_to_a_cidr_missing_a_mount_target_subnet_fails():
    stack = without(platform(), "api-nfs-out") + [
        Res(EGRESS, "api-a-out", {"securityGroupId": "sg-api-sg", "ipProtocol": "tcp", "fromPort": 2049,
                                  "toPort": 2049, "cidrIpv4": "10.0.0.0/20"}, {"securityGroupId": ["api-sg"]})]
    assert names(check_stack(POLICY, stack)) == ["api"]


def test_inline_ingress_on_the_mount_target_group_counts_like_a_rule():
    group = get(platform(), "mt-sg")
    stack = replace(platform(), "mt-sg", ingress=[{"protocol": "tcp", "fromPort": 2049, "toPort": 2049,
                                                   "cidrBlocks": ["10.0.0.0/8"]}])
    assert group.props.get("ingress") is None
    # Inline blocks count like rule resources: this one admits a CIDR.
    assert check_stack(POLICY, stack).messages[0].startswith(
        "inline ingress #1 of security group 'mt-sg' of the mount targets of EFS file system 'fs' admits tcp 2049 "
        "from 10.0.0.0/8; only NFS (tcp 2049)")


def test_a_legacy_rule_on_the_mount_target_group_is_reported():
    stack = platform() + [Res("aws:ec2/securityGroupRule:SecurityGroupRule", "legacy",
                              {"type": "ingress", "securityGroupId": "sg-mt-sg", "protocol": "tcp", "fromPort": 2049,
                               "toPort": 2049, "cidrBlocks": ["10.0.0.0/8"]}, {"securityGroupId": ["mt-sg"]})]
    assert names(check_stack(POLICY, stack)) == ["legacy"]


def test_a_mount_target_without_a_group_of_the_stack_is_reported():
    stack = replace(platform(), "mt-1", securityGroups=["sg-0123456789abcdef0"], deps={"securityGroups": []})
    assert names(check_stack(POLICY, stack)) == ["mt-1"]


def test_a_stack_without_file_systems_is_not_applicable():
    assert check_stack(POLICY, [Res("aws:ec2/vpc:Vpc", "vpc", {})]).not_applicable


def test_a_legacy_rule_from_a_client_on_nfs_counts_like_a_rule_resource():
    stack = without(platform(), "api-nfs") + [Res(
        "aws:ec2/securityGroupRule:SecurityGroupRule", "api-nfs-legacy",
        {"type": "ingress", "securityGroupId": "sg-mt-sg", "protocol": "tcp", "fromPort": 2049, "toPort": 2049,
         "sourceSecurityGroupId": "sg-api-sg"},
        {"securityGroupId": ["mt-sg"], "sourceSecurityGroupId": ["api-sg"]})]
    assert check_stack(POLICY, stack).violations == []
