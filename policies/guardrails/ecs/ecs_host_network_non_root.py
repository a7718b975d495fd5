"""ECS.1: task definitions on the host network run their containers as a non-root user.

Judges ``aws:ecs/taskDefinition:TaskDefinition`` whose ``networkMode`` is ``host``: such containers share the
instance's network stack (its interfaces, its loopback services, the instance metadata endpoint without the extra
hop that keeps bridge-mode containers away from it). Each container must then name a ``user`` that is not root:
neither ``root`` nor UID ``0``, in any of the ``user``, ``user:group``, ``uid`` or ``uid:gid`` forms. Unset, Docker
runs the image's user, which is root unless the image says otherwise.

A container with ``privileged: true`` passes, as Security Hub's control does (it opted in to host access
explicitly); ``ecs-non-privileged-containers`` reports it under ECS.4. ``networkMode`` absent means ``bridge`` on EC2
(Fargate requires ``awsvpc``): not applicable, like every mode other than ``host``.
"""

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import TASK_DEFINITION, containers_or_report, label

ROOT_NAMES = frozenset({"root", "0"})


def is_root(user: Any) -> bool:
    """Whether a container ``user`` value runs as root: unset, empty, ``root`` or UID 0 (group part ignored)."""
    if not isinstance(user, str) or not user.strip():
        return True
    name = user.strip().split(":", 1)[0].strip().lower()
    return name in ROOT_NAMES or (name.isdigit() and int(name) == 0)


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    mode = args.props.get("networkMode")
    if str(mode or "").strip().lower() != "host":
        args.not_applicable(f"the task definition uses network mode {mode or 'bridge (default)'}, not host")
    for index, container in enumerate(containers_or_report(args.props, report, "the container users") or []):
        if not isinstance(container, Mapping) or container.get("privileged") is True:
            continue
        user = container.get("user")
        if is_root(user):
            shown = f'"{user}"' if isinstance(user, str) and user.strip() else "not set (the image's user, root "\
                "by default)"
            report(
                f"{label(container, index)} runs as root on the host network (user is {shown}); set \"user\" to a "
                "non-root UID:GID such as \"1000:1000\", or use the awsvpc or bridge network mode."
            )


POLICY = resource_policy(
    name="ecs-host-network-non-root",
    description=(
        "ECS task definitions in host network mode run every non-privileged container as a non-root user."
    ),
    service="ecs",
    severity=Severity.HIGH,
    controls=["ECS.1"],
    remediation=(
        'Give each container definition a non-root "user" (e.g. "1000:1000") in aws.ecs.TaskDefinition '
        "container_definitions, or use network_mode='awsvpc' (or 'bridge') instead of 'host'."
    ),
    validate=check,
)
