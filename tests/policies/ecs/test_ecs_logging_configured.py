from guardrails.ecs.ecs_logging_configured import POLICY

from tests.policies.ecs._defs import TASK_DEFINITION, container, task_definition
from tests.policies.harness import UNKNOWN, check_resource


def test_containers_with_log_driver_pass():
    firelens = container("router", logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}})
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(container("web"), firelens)).violations == []


def test_missing_logging_fails():
    props = task_definition(
        container("web", logConfiguration=None), container("sidecar", logConfiguration={"options": {}})
    )
    assert check_resource(POLICY, TASK_DEFINITION, props).messages == [
        'container "web" has no logConfiguration; set logConfiguration with a logDriver such as awslogs '
        "(CloudWatch Logs) or awsfirelens.",
        'container "sidecar" has no logConfiguration.logDriver; set logConfiguration with a logDriver such as '
        "awslogs (CloudWatch Logs) or awsfirelens.",
    ]


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/cluster:Cluster", {})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_container_definitions_cannot_be_evaluated():
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(containerDefinitions=UNKNOWN)).unknown
