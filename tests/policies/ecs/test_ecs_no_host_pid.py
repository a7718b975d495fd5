from guardrails.ecs.ecs_no_host_pid import POLICY

from tests.policies.ecs._defs import TASK_DEFINITION, task_definition
from tests.policies.harness import UNKNOWN, check_resource


def test_task_or_unset_pid_mode_passes():
    assert check_resource(POLICY, TASK_DEFINITION, task_definition()).violations == []
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(pidMode="task")).violations == []


def test_host_pid_mode_fails():
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(networkMode="bridge", pidMode="host"))
    assert result.messages == [
        'the task definition sets pidMode "host", sharing the host\'s process namespace; use "task" or leave pidMode '
        "unset."
    ]


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/service:Service", {"pidMode": "host"})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_pid_mode_cannot_be_evaluated():
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(pidMode=UNKNOWN)).unknown
