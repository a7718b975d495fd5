"""ECS.9: every ECS container must have a logging configuration.

Judges every container of ``aws:ecs/taskDefinition:TaskDefinition``: ``logConfiguration`` must be set with a
non-empty ``logDriver`` (awslogs, awsfirelens, splunk, ...). Without it the container's output stays on the host (or
is lost on Fargate).
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import TASK_DEFINITION, containers_or_report, label


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    definitions = containers_or_report(args.props, report, "the logging configuration")
    for index, container in enumerate(definitions or []):
        config = container.get("logConfiguration")
        driver = config.get("logDriver") if isinstance(config, dict) else None
        if not isinstance(driver, str) or not driver.strip():
            missing = "logConfiguration" if config is None else "logConfiguration.logDriver"
            report(
                f"{label(container, index)} has no {missing}; set logConfiguration with a logDriver such as "
                "awslogs (CloudWatch Logs) or awsfirelens."
            )


POLICY = resource_policy(
    name="ecs-logging-configured",
    description="Every ECS container has a logging configuration with a log driver.",
    service="ecs",
    severity=Severity.HIGH,
    controls=["ECS.9"],
    remediation=(
        'Add "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": <log group>, '
        '"awslogs-region": <region>, "awslogs-stream-prefix": <prefix>}} to each container definition, with a '
        "retention set on the log group and logs:CreateLogStream/PutLogEvents on the execution role."
    ),
    validate=check,
)
