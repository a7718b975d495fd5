"""ECS.10: ECS Fargate services must run on the latest Fargate platform version.

Judges ``aws:ecs/service:Service`` whose tasks run on Fargate: ``launchType`` FARGATE, a capacity provider strategy
naming FARGATE or FARGATE_SPOT, or neither but a ``platformVersion`` set (the parameter only applies to Fargate, so
such a service relies on the cluster's default Fargate strategy). ``platformVersion`` must be "LATEST", unset (AWS
then uses LATEST), or the newest Linux platform version, 1.4.0. Other services are not applicable.

Windows Fargate tasks (whose newest version is 1.0.0) are not told apart here: a resource policy does not see the
task definition's runtime platform.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import SERVICE, runs_on_fargate, strategy_providers

LATEST_LINUX_VERSION = "1.4.0"
ALLOWED = ("LATEST", LATEST_LINUX_VERSION)


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SERVICE:
        return
    version = args.props.get("platformVersion")
    implicit = version is not None and args.props.get("launchType") is None and not strategy_providers(args.props)
    if not (runs_on_fargate(args.props) or implicit):
        args.not_applicable("the service does not run on Fargate")
    if version is None or version in ALLOWED:
        return
    report(
        f'the Fargate service pins platformVersion "{version}"; use "LATEST" (or leave it unset) or the newest '
        f"Linux platform version {LATEST_LINUX_VERSION}."
    )


POLICY = resource_policy(
    name="ecs-fargate-latest-platform",
    description="ECS Fargate services run on the latest Fargate platform version.",
    service="ecs",
    severity=Severity.MEDIUM,
    controls=["ECS.10"],
    remediation='Set platform_version="LATEST" on aws.ecs.Service (or remove it; AWS defaults to LATEST).',
    validate=check,
)
