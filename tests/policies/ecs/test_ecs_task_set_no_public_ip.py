import pytest
from guardrails.ecs.ecs_task_set_no_public_ip import POLICY

from tests.policies.harness import UNKNOWN, check_resource

TASK_SET = "aws:ecs/taskSet:TaskSet"


def task_set(**network):
    return {"cluster": UNKNOWN, "service": UNKNOWN, "taskDefinition": UNKNOWN,
            "networkConfiguration": {"subnets": [UNKNOWN], **network}}


@pytest.mark.parametrize("value", [False, None, "false", "DISABLED"])
def test_no_public_ip_passes(value):
    network = {} if value is None else {"assignPublicIp": value}
    assert check_resource(POLICY, TASK_SET, task_set(**network)).violations == []


@pytest.mark.parametrize("value", [True, "true", "ENABLED"])
def test_public_ip_fails(value):
    assert check_resource(POLICY, TASK_SET, task_set(assignPublicIp=value)).messages == [
        "the task set assigns public IP addresses to its tasks (networkConfiguration.assignPublicIp is true); set it "
        "to false or leave it unset, and run the tasks in private subnets."
    ]


def test_without_network_configuration_not_applicable():
    assert check_resource(POLICY, TASK_SET, {"cluster": "c", "service": "s", "taskDefinition": "t"}).not_applicable


def test_services_are_not_judged_here():
    props = {"networkConfiguration": {"assignPublicIp": True}}
    assert check_resource(POLICY, "aws:ecs/service:Service", props).violations == []


def test_unknown_cannot_be_evaluated():
    assert check_resource(POLICY, TASK_SET, task_set(assignPublicIp=UNKNOWN)).unknown
