from guardrails.ecs.ecs_non_privileged_containers import POLICY

from tests.policies.ecs._defs import TASK_DEFINITION, container, task_definition
from tests.policies.harness import UNKNOWN, check_resource


def test_unprivileged_containers_pass():
    props = task_definition(container("web"), container("sidecar", privileged=False))
    assert check_resource(POLICY, TASK_DEFINITION, props).violations == []


def test_privileged_container_fails():
    props = task_definition(container("web"), container("agent", privileged=True))
    assert check_resource(POLICY, TASK_DEFINITION, props).messages == [
        'container "agent" runs privileged (privileged: true); remove privileged or set it to false, and grant only '
        "the Linux capabilities it needs through linuxParameters.capabilities."
    ]


def test_malformed_container_definitions_fail_closed():
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(containerDefinitions='{"name": "web"}'))
    assert result.messages == [
        "containerDefinitions is a JSON object, not a list of containers, so privileged mode cannot be checked; "
        "give a JSON list of ECS container definitions."
    ]


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/service:Service",
                            {"containerDefinitions": '[{"name": "web", "privileged": true}]'})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_container_definitions_cannot_be_evaluated():
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(containerDefinitions=UNKNOWN)).unknown
