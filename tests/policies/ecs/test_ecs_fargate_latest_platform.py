import pytest
from guardrails.ecs.ecs_fargate_latest_platform import POLICY

from tests.policies.ecs._defs import SERVICE
from tests.policies.harness import UNKNOWN, check_resource


@pytest.mark.parametrize("version", [None, "LATEST", "1.4.0"])
def test_latest_or_default_passes(version):
    props = {"launchType": "FARGATE", "platformVersion": version} if version else {"launchType": "FARGATE"}
    assert check_resource(POLICY, SERVICE, props).violations == []


def test_pinned_old_version_fails():
    assert check_resource(POLICY, SERVICE, {"launchType": "FARGATE", "platformVersion": "1.3.0"}).messages == [
        'the Fargate service pins platformVersion "1.3.0"; use "LATEST" (or leave it unset) or the newest Linux '
        "platform version 1.4.0."
    ]


def test_fargate_spot_capacity_provider_is_fargate():
    strategies = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    props = {"capacityProviderStrategies": strategies, "platformVersion": "1.2.0"}
    assert len(check_resource(POLICY, SERVICE, props).violations) == 1


def test_platform_version_without_launch_type_is_judged():
    assert len(check_resource(POLICY, SERVICE, {"platformVersion": "1.3.0"}).violations) == 1


def test_ec2_services_not_applicable():
    assert check_resource(POLICY, SERVICE, {"launchType": "EC2"}).not_applicable
    props = {"capacityProviderStrategies": [{"capacityProvider": "asg-provider", "weight": 1}]}
    assert check_resource(POLICY, SERVICE, props).not_applicable


def test_other_types_ignored():
    task_definition = "aws:ecs/taskDefinition:TaskDefinition"
    result = check_resource(POLICY, task_definition, {"platformVersion": "1.0.0"})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_platform_version_cannot_be_evaluated():
    assert check_resource(POLICY, SERVICE, {"launchType": "FARGATE", "platformVersion": UNKNOWN}).unknown


def test_launch_type_and_strategy_left_out_without_a_version_is_not_applicable():
    assert check_resource(POLICY, SERVICE, {}).not_applicable
    assert check_resource(POLICY, SERVICE, {"launchType": "FARGATE"}).violations == []
    mixed = [{"capacityProvider": "asg-provider", "weight": 1}, {"capacityProvider": "FARGATE", "weight": 1}]
    assert check_resource(POLICY, SERVICE, {"capacityProviderStrategies": mixed, "platformVersion": "1.3.0"}
                          ).violations
    ec2 = [{"capacityProvider": "asg-provider", "weight": 1}]
    assert check_resource(POLICY, SERVICE, {"capacityProviderStrategies": ec2, "platformVersion": "1.3.0"}
                          ).not_applicable
    assert check_resource(POLICY, SERVICE, {"launchType": "EC2", "platformVersion": "1.3.0"}).not_applicable
