import pytest
from guardrails.ecs.ecs_efs_mount_targets import POLICY

from tests.policies.efs._stack import SUBNET, platform, replace, without
from tests.policies.harness import Res, check_stack


def services(result) -> list[str]:
    return sorted(urn.rsplit("::", 1)[1] for _, urn in result.violations)


@pytest.mark.parametrize("preview", [False, True])
def test_mount_targets_in_every_subnet_pass(preview):
    result = check_stack(POLICY, platform(preview))
    assert result.violations == [] and not result.unknown


@pytest.mark.parametrize("preview", [False, True])
def test_a_missing_mount_target_fails_for_both_launch_types(preview):
    result = check_stack(POLICY, without(platform(preview), "mt-1"))
    assert services(result) == ["api", "web"]
    assert ("the tasks of ECS service 'api' run in subnet 'private-b', but EFS file system 'fs' has no mount target "
            "in zone eu-west-1b, so the mount fails there; add a mount target in that subnet.") in result.messages


def test_a_mount_target_in_another_subnet_of_the_same_zone_counts():
    stack = platform() + [Res(SUBNET, "private-b2", {"vpcId": "vpc-1", "cidrBlock": "10.0.32.0/20",
                                                     "availabilityZone": "eu-west-1b", "id": "subnet-private-b2"},
                              {"vpcId": ["vpc"]})]
    stack = replace(stack, "mt-1", subnetId="subnet-private-b2", deps={"subnetId": ["private-b2"]})
    assert check_stack(POLICY, stack).violations == []


def test_a_service_in_a_third_zone_fails():
    stack = platform() + [Res(SUBNET, "private-c", {"vpcId": "vpc-1", "cidrBlock": "10.0.32.0/20",
                                                    "availabilityZone": "eu-west-1c", "id": "subnet-private-c"},
                              {"vpcId": ["vpc"]})]
    stack = replace(stack, "api", deps={"networkConfiguration": ["private-a", "private-b", "private-c", "api-sg"]})
    result = check_stack(POLICY, stack)
    assert services(result) == ["api"] and "zone eu-west-1c" in result.messages[0]


def test_a_file_system_without_mount_targets_fails_everywhere():
    result = check_stack(POLICY, without(platform(), "mt-0", "mt-1"))
    assert len(result.violations) == 4


def test_services_without_efs_are_not_applicable():
    stack = replace(replace(platform(), "web-td", volumes=None, deps={"volumes": []}), "api-td", volumes=None,
                    deps={"volumes": []})
    assert check_stack(POLICY, stack).not_applicable
