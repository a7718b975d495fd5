"""EventBridge ECS targets run their tasks without public IP addresses.

Judges ``aws:cloudwatch/eventTarget:EventTarget``. An ECS target whose ``ecsTarget.networkConfiguration
.assignPublicIp`` is true gives every task it starts a public address; tasks belong in private subnets and reach AWS
through NAT or VPC endpoints. The default is false; a target without ``ecsTarget`` is not applicable.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.events._targets import TARGET


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TARGET:
        return
    ecs = args.props.get("ecsTarget")
    if ecs is None:
        args.not_applicable("the target does not run ECS tasks")
    network = ecs.get("networkConfiguration")
    value = network.get("assignPublicIp") if network is not None else None
    if value is True or (isinstance(value, str) and value.strip().lower() in ("true", "enabled")):
        report("the target starts ECS tasks with public IP addresses (ecsTarget.networkConfiguration.assignPublicIp "
               "is true); set it to false and run the tasks in private subnets.")


POLICY = resource_policy(
    name="events-ecs-target-no-public-ip",
    description="EventBridge ECS targets do not assign public IP addresses to the tasks they start.",
    service="events",
    severity=Severity.HIGH,
    remediation=(
        "Set ecs_target.network_configuration.assign_public_ip to False (or leave it unset) on "
        "aws.cloudwatch.EventTarget and give private subnets in ecs_target.network_configuration.subnets."
    ),
    validate=check,
)
