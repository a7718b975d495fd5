"""ECS.2: ECS services must not assign public IP addresses to their tasks automatically.

Judges ``aws:ecs/service:Service``. A service whose ``networkConfiguration.assignPublicIp`` is true gives every task
ENI a public address; tasks belong in private subnets and reach the internet through a NAT gateway or VPC endpoints.
A service without ``networkConfiguration`` (tasks not in awsvpc mode) gets no public IP: not applicable.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import SERVICE, assigns_public_ip


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SERVICE:
        return
    config = args.props.get("networkConfiguration")
    if config is None:
        args.not_applicable("the service has no networkConfiguration (its tasks do not use awsvpc networking)")
    if assigns_public_ip(config):
        report(
            "the service assigns public IP addresses to its tasks (networkConfiguration.assignPublicIp is true); "
            "set it to false or leave it unset, and run the tasks in private subnets."
        )


POLICY = resource_policy(
    name="ecs-service-no-public-ip",
    description="ECS services do not assign public IP addresses to their tasks automatically.",
    service="ecs",
    severity=Severity.HIGH,
    controls=["ECS.2"],
    remediation=(
        "Set network_configuration.assign_public_ip to False (or leave it unset) on aws.ecs.Service, place the "
        "tasks in private subnets, and give them outbound access through a NAT gateway or VPC endpoints."
    ),
    validate=check,
)
