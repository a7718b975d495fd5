from guardrails.ecs.ecs_service_no_public_ip import POLICY

from tests.policies.ecs._defs import SERVICE
from tests.policies.harness import UNKNOWN, check_resource


def _service(**network):
    return {"launchType": "FARGATE", "networkConfiguration": {"subnets": ["subnet-1"], **network}}


def test_private_service_passes():
    assert check_resource(POLICY, SERVICE, _service(assignPublicIp=False)).violations == []
    assert check_resource(POLICY, SERVICE, _service()).violations == []


def test_public_ip_fails():
    result = check_resource(POLICY, SERVICE, _service(assignPublicIp=True))
    assert result.messages == [
        "the service assigns public IP addresses to its tasks (networkConfiguration.assignPublicIp is true); "
        "set it to false or leave it unset, and run the tasks in private subnets."
    ]


def test_without_network_configuration_not_applicable():
    assert check_resource(POLICY, SERVICE, {"launchType": "EC2"}).not_applicable


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/cluster:Cluster", {"assignPublicIp": True})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_assign_public_ip_cannot_be_evaluated():
    assert check_resource(POLICY, SERVICE, _service(assignPublicIp=UNKNOWN)).unknown
    assert check_resource(POLICY, SERVICE, {"networkConfiguration": UNKNOWN}).unknown


def test_flag_left_out_is_false_and_string_forms_count():
    assert check_resource(POLICY, SERVICE, {"networkConfiguration": {}}).violations == []
    for value, fails in (("ENABLED", True), ("true", True), ("DISABLED", False), ("false", False), (False, False)):
        assert bool(check_resource(POLICY, SERVICE, _service(assignPublicIp=value)).violations) is fails, value
