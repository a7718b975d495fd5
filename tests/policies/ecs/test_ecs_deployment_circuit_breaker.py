from guardrails.ecs.ecs_deployment_circuit_breaker import POLICY

from tests.policies.ecs._defs import SERVICE
from tests.policies.harness import UNKNOWN, check_resource


def test_enabled_with_rollback_passes():
    props = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    assert check_resource(POLICY, SERVICE, props).violations == []
    props["deploymentController"] = {"type": "ECS"}
    props["deploymentConfiguration"] = {"strategy": "ROLLING"}
    assert check_resource(POLICY, SERVICE, props).violations == []


def test_unset_fails():
    assert check_resource(POLICY, SERVICE, {"desiredCount": 2}).messages == [
        "the service's deploymentCircuitBreaker is not set; set enable and rollback to true so a failing deployment "
        "stops and rolls back."
    ]


def test_without_rollback_fails():
    props = {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    assert check_resource(POLICY, SERVICE, props).messages == [
        "the service's deploymentCircuitBreaker has enable true and rollback false; set enable and rollback to true "
        "so a failing deployment stops and rolls back."
    ]


def test_other_deployment_types_not_applicable():
    assert check_resource(POLICY, SERVICE, {"deploymentController": {"type": "CODE_DEPLOY"}}).not_applicable
    assert check_resource(POLICY, SERVICE, {"deploymentConfiguration": {"strategy": "BLUE_GREEN"}}).not_applicable


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/cluster:Cluster", {})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_breaker_cannot_be_evaluated():
    assert check_resource(POLICY, SERVICE, {"deploymentCircuitBreaker": {"enable": UNKNOWN, "rollback": True}}).unknown


def test_rollback_or_enable_left_out_fails():
    props = {"deploymentCircuitBreaker": {"enable": True}}
    assert check_resource(POLICY, SERVICE, props).messages == [
        "the service's deploymentCircuitBreaker has enable true and rollback unset; set enable and rollback to true "
        "so a failing deployment stops and rolls back."
    ]
    props = {"deploymentCircuitBreaker": {"rollback": True}}
    assert "has enable unset and rollback true;" in check_resource(POLICY, SERVICE, props).messages[0]
    props = {"deploymentCircuitBreaker": {"enable": "true", "rollback": "true"}}
    assert "has enable 'true' and rollback 'true';" in check_resource(POLICY, SERVICE, props).messages[0]


def test_controller_and_strategy_left_out_mean_the_ecs_rolling_update():
    assert check_resource(POLICY, SERVICE, {"deploymentController": {}}).violations
    assert check_resource(POLICY, SERVICE, {"deploymentConfiguration": {}}).violations
    for strategy in ("LINEAR", "CANARY"):
        assert check_resource(POLICY, SERVICE, {"deploymentConfiguration": {"strategy": strategy}}).not_applicable
    assert check_resource(POLICY, SERVICE, {"deploymentController": {"type": "EXTERNAL"}}).not_applicable


def test_explicit_ecs_controller_and_rolling_strategy_are_judged():
    assert check_resource(POLICY, SERVICE, {"deploymentController": {"type": "ECS"}}).violations
    assert check_resource(POLICY, SERVICE, {"deploymentConfiguration": {"strategy": "ROLLING"}}).violations
