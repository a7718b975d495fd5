"""ECS.3: ECS task definitions must not share the host's process namespace.

Judges ``aws:ecs/taskDefinition:TaskDefinition``: ``pidMode`` "host" lets every container see and signal the
processes of the host (and of other tasks on it). "task" (shared within the task) or unset (private per container)
are allowed.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import TASK_DEFINITION


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    pid_mode = args.props.get("pidMode")
    if isinstance(pid_mode, str) and pid_mode.strip().lower() == "host":
        report(
            f'the task definition sets pidMode "{pid_mode}", sharing the host\'s process namespace; '
            'use "task" or leave pidMode unset.'
        )


POLICY = resource_policy(
    name="ecs-no-host-pid",
    description="ECS task definitions do not share the host's process namespace (pidMode host).",
    service="ecs",
    severity=Severity.HIGH,
    controls=["ECS.3"],
    remediation='Remove pid_mode from aws.ecs.TaskDefinition, or set it to "task" when containers must see each other.',
    validate=check,
)
