"""ECS.16: ECS task sets do not assign public IP addresses to their tasks.

Judges ``aws:ecs/taskSet:TaskSet`` (the task sets of a service with an ``EXTERNAL`` deployment controller):
``networkConfiguration.assignPublicIp`` must not be true. Absent, the provider's and AWS's default is false. A task
set without ``networkConfiguration`` (tasks not in awsvpc mode) gets no public IP: not applicable. The same rule
for services is ECS.2 (``ecs-service-no-public-ip``).
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import assigns_public_ip

TASK_SET = "aws:ecs/taskSet:TaskSet"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_SET:
        return
    config = args.props.get("networkConfiguration")
    if config is None:
        args.not_applicable("the task set has no networkConfiguration (its tasks do not use awsvpc networking)")
    if assigns_public_ip(config):
        report(
            "the task set assigns public IP addresses to its tasks (networkConfiguration.assignPublicIp is true); "
            "set it to false or leave it unset, and run the tasks in private subnets."
        )


POLICY = resource_policy(
    name="ecs-task-set-no-public-ip",
    description="ECS task sets do not assign public IP addresses to their tasks.",
    service="ecs",
    severity=Severity.HIGH,
    controls=["ECS.16"],
    remediation=(
        "Set network_configuration.assign_public_ip to False (or leave it unset) on aws.ecs.TaskSet and give the "
        "tasks private subnets with outbound access through a NAT gateway or VPC endpoints."
    ),
    validate=check,
)
