"""ECS.4: ECS containers must run as non-privileged.

Judges every container of ``aws:ecs/taskDefinition:TaskDefinition``: ``privileged: true`` gives the container root
on the host (all devices, all capabilities). ``privileged`` false or unset is allowed. A ``containerDefinitions``
that cannot be parsed is reported, since the containers cannot be checked.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import TASK_DEFINITION, containers_or_report, label


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    definitions = containers_or_report(args.props, report, "privileged mode")
    for index, container in enumerate(definitions or []):
        if container.get("privileged") is True:
            report(
                f"{label(container, index)} runs privileged (privileged: true); remove privileged or set it to "
                "false, and grant only the Linux capabilities it needs through linuxParameters.capabilities."
            )


POLICY = resource_policy(
    name="ecs-non-privileged-containers",
    description="ECS containers do not run in privileged mode.",
    service="ecs",
    severity=Severity.HIGH,
    controls=["ECS.4"],
    remediation=(
        'Remove "privileged": true from the container definitions; add specific capabilities with '
        '"linuxParameters": {"capabilities": {"add": [...]}} where a container really needs one.'
    ),
    validate=check,
)
