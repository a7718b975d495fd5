import pytest
from guardrails.events.events_ecs_target_no_public_ip import POLICY

from tests.policies.harness import UNKNOWN, check_resource

TARGET = "aws:cloudwatch/eventTarget:EventTarget"


def ecs(**network) -> dict:
    return {"arn": "arn:aws:ecs:eu-west-1:123456789012:cluster/platform", "ecsTarget": {
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/dev-ingest:1",
        "networkConfiguration": {"subnets": ["subnet-a"], **network}}}


@pytest.mark.parametrize("network", [{"assignPublicIp": False}, {}])
def test_tasks_without_public_ip_pass(network):
    assert check_resource(POLICY, TARGET, ecs(**network)).violations == []


@pytest.mark.parametrize("value", [True, "true", "ENABLED"])
def test_tasks_with_public_ip_fail(value):
    assert check_resource(POLICY, TARGET, ecs(assignPublicIp=value)).messages == [
        "the target starts ECS tasks with public IP addresses (ecsTarget.networkConfiguration.assignPublicIp is "
        "true); set it to false and run the tasks in private subnets."]


def test_a_target_without_network_configuration_passes():
    props = ecs()
    props["ecsTarget"].pop("networkConfiguration")
    assert check_resource(POLICY, TARGET, props).violations == []


def test_other_targets_are_not_applicable():
    assert check_resource(POLICY, TARGET, {"arn": "arn:aws:sqs:eu-west-1:123456789012:q"}).not_applicable
    assert check_resource(POLICY, "aws:ecs/service:Service", {}).violations == []


def test_an_unknown_setting_cannot_be_evaluated():
    assert check_resource(POLICY, TARGET, ecs(assignPublicIp=UNKNOWN)).unknown
