import pytest
from guardrails.ecs.ecs_scaled_service_ignores_desired_count import POLICY, ignores_desired_count

from tests.policies.ecs._defs import CLUSTER, SCALING_TARGET, SERVICE
from tests.policies.harness import UNKNOWN, Res, check_stack, urn


def _cluster():
    return Res(CLUSTER, "platform", {"name": "platform"})


def _service(name="api", ignore_changes=("desiredCount",), **props):
    return Res(SERVICE, name, {"cluster": UNKNOWN, "desiredCount": 2, **props}, deps={"cluster": ["platform"]},
               ignore_changes=ignore_changes)


def _target(name="api-scaling", service="api", **props):
    """A scaling target whose resourceId is computed from the cluster and the service, as in a preview."""
    base = {"resourceId": UNKNOWN, "serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
            "minCapacity": 2, "maxCapacity": 4}
    return Res(SCALING_TARGET, name, {**base, **props}, deps={"resourceId": ["platform", service]})


def _message(service="api", target="api-scaling", count="desiredCount 2"):
    return (
        f'service "{service}" is scaled by "{target}" but does not ignore changes to desiredCount: every pulumi up '
        f'resets the count the scaler chose to {count}; add ignore_changes=["desiredCount"] to the service\'s '
        "resource options."
    )


def test_scaled_service_ignoring_desired_count_passes():
    result = check_stack(POLICY, [_cluster(), _service(), _target()])
    assert (result.violations, result.not_applicable, result.unknown) == ([], False, False)


@pytest.mark.parametrize("paths", [["desiredCount"], ["tags", "desiredCount"], ['["desiredCount"]'], ["*"]])
def test_every_way_to_ignore_desired_count_passes(paths):
    assert check_stack(POLICY, [_cluster(), _service(ignore_changes=paths), _target()]).violations == []


def test_scaled_service_without_ignore_changes_fails_on_the_service():
    result = check_stack(POLICY, [_cluster(), _service(ignore_changes=()), _target()])
    assert result.violations == [(_message(), urn(SERVICE, "api"))]


@pytest.mark.parametrize("paths", [["desiredCapacity"], ["desiredCount.value"], ["desired_count"]])
def test_ignoring_something_else_fails(paths):
    assert check_stack(POLICY, [_cluster(), _service(ignore_changes=paths), _target()]).messages == [_message()]


def test_service_without_desired_count_is_reset_to_the_provider_default():
    service = _service(ignore_changes=())
    del service.props["desiredCount"]
    assert check_stack(POLICY, [_cluster(), service, _target()]).messages == [
        _message(count="the provider's default desiredCount 0")]


def test_only_the_scaled_service_must_ignore_it():
    services = [_service("api", ignore_changes=()), _service("worker", ignore_changes=())]
    result = check_stack(POLICY, [_cluster(), *services, _target("api-scaling", "api")])
    assert result.messages == [_message("api", "api-scaling")]


def test_literal_resource_id_names_the_service_and_its_cluster():
    service = Res(SERVICE, "api", {"name": "orders", "cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
                                   "desiredCount": 3})
    same = Res(SCALING_TARGET, "orders-scaling", {"resourceId": "service/prod/orders", "serviceNamespace": "ecs"})
    other_cluster = Res(SCALING_TARGET, "staging-scaling", {"resourceId": "service/staging/orders"})
    assert check_stack(POLICY, [service, same]).messages == [_message("api", "orders-scaling", "desiredCount 3")]
    assert check_stack(POLICY, [service, other_cluster]).not_applicable


@pytest.mark.parametrize("target_props", [
    {"serviceNamespace": "dynamodb"},
    {"scalableDimension": "dynamodb:table:ReadCapacityUnits"},
])
def test_targets_scaling_something_else_are_not_applicable(target_props):
    result = check_stack(POLICY, [_cluster(), _service(ignore_changes=()), _target(**target_props)])
    assert (result.violations, result.not_applicable) == ([], True)


def test_stack_without_scaling_is_not_applicable():
    result = check_stack(POLICY, [_cluster(), _service(ignore_changes=())])
    assert (result.violations, result.not_applicable) == ([], True)


def test_daemon_service_has_no_count_to_protect():
    service = _service(ignore_changes=(), schedulingStrategy="DAEMON")
    assert check_stack(POLICY, [_cluster(), service, _target()]).violations == []


def test_ignores_desired_count_reads_paths_only():
    assert ignores_desired_count([" desiredCount "]) and not ignores_desired_count(None)
    assert not ignores_desired_count([]) and not ignores_desired_count([None, 3])
