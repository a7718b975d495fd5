"""ECS.5: ECS containers should have read-only root filesystems (advisory).

Judges every container of ``aws:ecs/taskDefinition:TaskDefinition``: ``readonlyRootFilesystem`` must be true; false
or unset (Docker's default is writable) is reported. Paths a container must write belong on volumes (a task-level
``volume`` mounted through ``mountPoints``). Windows task definitions (``runtimePlatform.operatingSystemFamily``
WINDOWS_SERVER_...) are not applicable: ECS does not support the parameter for Windows containers.
"""

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import TASK_DEFINITION, containers_or_report, is_windows, label


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    if is_windows(args.props):
        args.not_applicable("readonlyRootFilesystem is not supported for Windows containers")
    definitions = containers_or_report(args.props, report, "readonlyRootFilesystem")
    for index, container in enumerate(definitions or []):
        value = container.get("readonlyRootFilesystem")
        if value is not True:
            state = "is not set" if value is None else f"is {_json_text(value)}"
            report(
                f"{label(container, index)} has a writable root filesystem (readonlyRootFilesystem {state}); "
                "set readonlyRootFilesystem to true and mount volumes for the paths it writes."
            )


def _json_text(value: object) -> str:
    return "false" if value is False else repr(value)


POLICY = resource_policy(
    name="ecs-read-only-root-filesystem",
    description="ECS containers have read-only root filesystems.",
    service="ecs",
    severity=Severity.HIGH,
    controls=["ECS.5"],
    enforcement=EnforcementLevel.ADVISORY,
    remediation=(
        'Set "readonlyRootFilesystem": true in each container definition; declare a task volume and mount it '
        '(mountPoints) at every path the container writes, e.g. /tmp.'
    ),
    validate=check,
)
