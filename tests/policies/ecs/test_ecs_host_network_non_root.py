import pytest
from guardrails.ecs.ecs_host_network_non_root import POLICY, is_root

from tests.policies.ecs._defs import TASK_DEFINITION, container, task_definition
from tests.policies.harness import UNKNOWN, check_resource


def host(*containers, **props):
    return task_definition(*containers, networkMode="host", requiresCompatibilities=["EC2"], **props)


@pytest.mark.parametrize("user", ["1000", "1000:1000", "app", "app:app", "nobody", "10", "rooter"])
def test_non_root_user_passes(user):
    assert check_resource(POLICY, TASK_DEFINITION, host(container(user=user))).violations == []


@pytest.mark.parametrize("user", ["root", "0", "0:0", "root:1000", "ROOT", " 0 ", "00", "", None])
def test_root_or_unset_user_fails(user):
    result = check_resource(POLICY, TASK_DEFINITION, host(container(user=user)))
    assert len(result.violations) == 1 and 'container "web" runs as root on the host network' in result.messages[0]


def test_message_for_unset_user():
    assert check_resource(POLICY, TASK_DEFINITION, host(container())).messages == [
        'container "web" runs as root on the host network (user is not set (the image\'s user, root by default)); '
        'set "user" to a non-root UID:GID such as "1000:1000", or use the awsvpc or bridge network mode.'
    ]


def test_privileged_container_is_left_to_ecs_4():
    assert check_resource(POLICY, TASK_DEFINITION, host(container(privileged=True))).violations == []


def test_each_container_is_judged():
    result = check_resource(POLICY, TASK_DEFINITION, host(container("a", user="1000"), container("b")))
    assert len(result.violations) == 1 and 'container "b"' in result.messages[0]


@pytest.mark.parametrize("mode", ["awsvpc", "bridge", "none", None])
def test_other_network_modes_not_applicable(mode):
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(container(), networkMode=mode))
    assert result.not_applicable and result.violations == []


def test_unparseable_definitions_are_reported():
    result = check_resource(POLICY, TASK_DEFINITION, host(containerDefinitions="[oops"))
    assert result.messages and result.messages[0].startswith("containerDefinitions is not valid JSON")


def test_unknown_definitions_cannot_be_evaluated():
    assert check_resource(POLICY, TASK_DEFINITION, host(containerDefinitions=UNKNOWN)).unknown
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(networkMode=UNKNOWN)).unknown


def test_is_root():
    assert is_root(None) and is_root("0:1000") and not is_root("1000:0")
