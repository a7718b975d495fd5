import pytest
from guardrails.ecs.ecs_deployment_config_valid import POLICY, deadlocks
from hypothesis import given
from hypothesis import strategies as st

from tests.policies.ecs._defs import SCALING_TARGET, SERVICE
from tests.policies.harness import UNKNOWN, Res, check_stack, urn


def _service(name="api", **props):
    return Res(SERVICE, name, {"launchType": "FARGATE", **props})


def _deadlock_message(name, count, source, minimum, keep, maximum, allowed):
    return (
        f'service "{name}" cannot finish a rolling deployment at {count} task(s) ({source}): {minimum} keeps '
        f"{keep} running and {maximum} allows {allowed}, so no replacement task can start; raise "
        "deploymentMaximumPercent or lower deploymentMinimumHealthyPercent."
    )


def test_defaults_pass():
    assert check_stack(POLICY, [_service(desiredCount=1), _service("web", desiredCount=3)]).violations == []


@pytest.mark.parametrize(("count", "minimum", "maximum"), [(1, 0, 100), (2, 50, 100), (4, 50, 75), (1, 100, 200)])
def test_room_for_a_replacement_passes(count, minimum, maximum):
    service = _service(
        desiredCount=count, deploymentMinimumHealthyPercent=minimum, deploymentMaximumPercent=maximum
    )
    assert check_stack(POLICY, [service]).violations == []


def test_single_task_fifty_hundred_deadlocks():
    service = _service(desiredCount=1, deploymentMinimumHealthyPercent=50, deploymentMaximumPercent=100)
    result = check_stack(POLICY, [service])
    assert result.messages[0] == (
        'service "api" cannot finish a rolling deployment at 1 task(s) (desiredCount 1): '
        "deploymentMinimumHealthyPercent 50 keeps ceil(1*50/100) = 1 running and deploymentMaximumPercent 100 allows "
        "floor(1*100/100) = 1, so no replacement task can start; raise deploymentMaximumPercent or lower "
        "deploymentMinimumHealthyPercent."
    )
    assert result.violations == [(
        _deadlock_message(
            "api", 1, "desiredCount 1", "deploymentMinimumHealthyPercent 50", "ceil(1*50/100) = 1",
            "deploymentMaximumPercent 100", "floor(1*100/100) = 1",
        ),
        urn(SERVICE, "api"),
    )]


def test_defaults_are_named_in_the_message():
    service = _service(desiredCount=2, deploymentMaximumPercent=100)
    assert check_stack(POLICY, [service]).messages == [
        _deadlock_message(
            "api", 2, "desiredCount 2", "deploymentMinimumHealthyPercent 100 (default)", "ceil(2*100/100) = 2",
            "deploymentMaximumPercent 100", "floor(2*100/100) = 2",
        )
    ]


@pytest.mark.parametrize(("count", "minimum", "maximum"), [(4, 50, 50), (3, 67, 133), (5, 100, 110)])
def test_rounding_deadlocks(count, minimum, maximum):
    service = _service(desiredCount=count, deploymentMinimumHealthyPercent=minimum, deploymentMaximumPercent=maximum)
    assert len(check_stack(POLICY, [service]).violations) == 1


def test_scaling_target_counts_are_checked():
    service = _service(deploymentMinimumHealthyPercent=50, deploymentMaximumPercent=100)
    target = Res(SCALING_TARGET, "api-scaling", {
        "resourceId": UNKNOWN, "scalableDimension": "ecs:service:DesiredCount", "serviceNamespace": "ecs",
        "minCapacity": 1, "maxCapacity": 4,
    }, deps={"resourceId": ["platform", "api"]})
    cluster = Res("aws:ecs/cluster:Cluster", "platform", {"name": "platform"})
    assert check_stack(POLICY, [cluster, service, target]).messages == [
        _deadlock_message(
            "api", 1, 'scaling target "api-scaling" (1 to 4 tasks)', "deploymentMinimumHealthyPercent 50",
            "ceil(1*50/100) = 1", "deploymentMaximumPercent 100", "floor(1*100/100) = 1",
        )
    ]


def test_scaling_target_matched_by_literal_resource_id():
    service = _service(name="api", deploymentMinimumHealthyPercent=100, deploymentMaximumPercent=100)
    service.props["name"] = "orders"
    target = Res(SCALING_TARGET, "orders-scaling", {
        "resourceId": "service/platform/orders", "serviceNamespace": "ecs", "minCapacity": 2, "maxCapacity": 6,
    })
    other = Res(SCALING_TARGET, "other-scaling", {
        "resourceId": "service/platform/billing", "serviceNamespace": "ecs", "minCapacity": 1, "maxCapacity": 1,
    })
    result = check_stack(POLICY, [service, target, other])
    assert len(result.messages) == 1 and 'at 2 task(s) (scaling target "orders-scaling"' in result.messages[0]


def test_launch_type_and_capacity_providers_conflict():
    service = _service(desiredCount=2, capacityProviderStrategies=[{"capacityProvider": "FARGATE", "weight": 1}])
    assert check_stack(POLICY, [service]).messages == [
        'service "api" sets both launchType "FARGATE" and capacityProviderStrategies; AWS accepts only one of them: '
        "drop launchType to use the capacity provider strategy."
    ]


def test_other_deployment_types_and_idle_services_are_skipped():
    deadlocking = {"desiredCount": 1, "deploymentMinimumHealthyPercent": 100, "deploymentMaximumPercent": 100}
    services = [
        _service("daemon", schedulingStrategy="DAEMON", **deadlocking),
        _service("codedeploy", deploymentController={"type": "CODE_DEPLOY"}, **deadlocking),
        _service("bluegreen", deploymentConfiguration={"strategy": "BLUE_GREEN"}, **deadlocking),
        _service("idle", deploymentMinimumHealthyPercent=100, deploymentMaximumPercent=100),
        _service("zero", **{**deadlocking, "desiredCount": 0}),
    ]
    assert check_stack(POLICY, services).violations == []


def test_no_services_not_applicable():
    assert check_stack(POLICY, [Res("aws:ecs/cluster:Cluster", "platform", {})]).not_applicable


def test_unknown_scaling_capacity_cannot_be_evaluated():
    service = _service(deploymentMinimumHealthyPercent=50, deploymentMaximumPercent=100)
    target = Res(SCALING_TARGET, "api-scaling", {"resourceId": UNKNOWN, "minCapacity": UNKNOWN, "maxCapacity": 4},
                 deps={"resourceId": ["api"]})
    assert check_stack(POLICY, [service, target]).unknown


def _completes(count: int, minimum: int, maximum: int) -> bool:
    """Brute force: can ECS go from ``count`` old tasks to ``count`` new ones, starting a task only while fewer than
    floor(count*max/100) exist and stopping an old one only while more than ceil(count*min/100) remain?"""
    keep, limit = -(-count * minimum // 100), count * maximum // 100
    seen, frontier = set(), [(count, 0)]
    while frontier:
        old, new = frontier.pop()
        if (old, new) in seen:
            continue
        seen.add((old, new))
        if old == 0 and new == count:
            return True
        if new < count and old + new + 1 <= limit:
            frontier.append((old, new + 1))
        if old > 0 and old + new - 1 >= keep:
            frontier.append((old - 1, new))
    return False


@given(st.integers(1, 40), st.integers(0, 100), st.integers(100, 200))
def test_rule_matches_a_brute_force_rolling_deployment(count, minimum, maximum):
    assert deadlocks(count, minimum, maximum) == (not _completes(count, minimum, maximum))


def _scaled(service_props: dict, **target_props) -> list[Res]:
    service = _service(**service_props)
    target = Res(SCALING_TARGET, "api-scaling", {"resourceId": UNKNOWN, "serviceNamespace": "ecs", **target_props},
                 deps={"resourceId": ["api"]})
    return [service, target]


def test_every_count_up_to_the_scaling_maximum_is_checked():
    # 50/75 finishes at 4 tasks (floor(3) > ceil(2)) but not at 5 (floor(3.75) = 3 <= ceil(2.5) = 3).
    stack = _scaled({"deploymentMinimumHealthyPercent": 50, "deploymentMaximumPercent": 75},
                    minCapacity=4, maxCapacity=5)
    assert [m.split(" (")[0] for m in check_stack(POLICY, stack).messages] == [
        'service "api" cannot finish a rolling deployment at 5 task(s)']
    stack = _scaled({"deploymentMinimumHealthyPercent": 50, "deploymentMaximumPercent": 75},
                    minCapacity=4, maxCapacity=4)
    assert check_stack(POLICY, stack).violations == []


def test_scaling_maximum_left_out_or_below_the_minimum_checks_the_minimum_only():
    percents = {"deploymentMinimumHealthyPercent": 50, "deploymentMaximumPercent": 75}
    assert check_stack(POLICY, _scaled(percents, minCapacity=4)).violations == []
    assert check_stack(POLICY, _scaled(percents, minCapacity=4, maxCapacity=2)).violations == []
    assert check_stack(POLICY, _scaled(percents, minCapacity=5)).violations


def test_scaling_minimum_left_out_is_not_judged():
    percents = {"deploymentMinimumHealthyPercent": 100, "deploymentMaximumPercent": 100}
    assert check_stack(POLICY, _scaled(percents, maxCapacity=3)).violations == []


def test_targets_of_other_services_or_namespaces_do_not_count():
    percents = {"deploymentMinimumHealthyPercent": 100, "deploymentMaximumPercent": 100}
    service, target = _scaled(percents, minCapacity=1, maxCapacity=2)
    target.props["serviceNamespace"] = "dynamodb"
    assert check_stack(POLICY, [service, target]).violations == []
    other = Res(SCALING_TARGET, "other", {"resourceId": "service/platform/other", "serviceNamespace": "ecs",
                                          "minCapacity": 1, "maxCapacity": 1})
    assert check_stack(POLICY, [service, other]).violations == []
    service.props["name"] = ""
    other.props["resourceId"] = "service/platform/"
    assert check_stack(POLICY, [service, other]).violations == []


def test_minimum_zero_is_a_value_and_maximum_left_out_is_200():
    assert check_stack(POLICY, [_service(desiredCount=1, deploymentMinimumHealthyPercent=0,
                                         deploymentMaximumPercent=100)]).violations == []
    assert check_stack(POLICY, [_service(desiredCount=1, deploymentMaximumPercent=100)]).violations
    assert check_stack(POLICY, [_service(desiredCount=1, deploymentMinimumHealthyPercent=100)]).violations == []
    assert check_stack(POLICY, [_service(desiredCount=1, deploymentMinimumHealthyPercent=100,
                                         deploymentMaximumPercent=199)]).violations
