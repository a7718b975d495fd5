"""Deploy-time validity: FARGATE task definitions must have a supported task size and the awsvpc network mode.

Judges ``aws:ecs/taskDefinition:TaskDefinition`` whose ``requiresCompatibilities`` includes FARGATE (even alongside
EC2); others are not applicable. AWS rejects the registration otherwise ("No Fargate configuration exists for given
values", "Fargate only supports network mode 'awsvpc'").

Task size, per "Task CPU and memory" in the ECS developer guide (memory in MiB):
- cpu 256: memory 512, 1024, 2048
- cpu 512: 1024 to 4096 in steps of 1024
- cpu 1024: 2048 to 8192 in steps of 1024
- cpu 2048: 4096 to 16384 in steps of 1024
- cpu 4096: 8192 to 30720 in steps of 1024
- cpu 8192: 16384 to 61440 in steps of 4096 (Linux platform 1.4.0 or later)
- cpu 16384: 32768 to 122880 in steps of 8192 (Linux platform 1.4.0 or later)
Windows (``runtimePlatform.operatingSystemFamily`` WINDOWS_SERVER_...) supports only cpu 1024, 2048 and 4096.

``cpu`` and ``memory`` are strings: CPU units ("1024") or vCPUs ("1 vCPU", "0.25 vcpu"), and MiB ("2048") or GB
("2 GB", "2GB"), which AWS converts at registration. Any other form is reported as invalid. ``networkMode`` must be
"awsvpc"; unset means "bridge" and is reported.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_int, resource_policy
from guardrails.ecs._task import TASK_DEFINITION, is_windows, requires_fargate

FARGATE_SIZES: dict[int, range | tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: range(1024, 4096 + 1, 1024),
    1024: range(2048, 8192 + 1, 1024),
    2048: range(4096, 16384 + 1, 1024),
    4096: range(8192, 30720 + 1, 1024),
    8192: range(16384, 61440 + 1, 4096),
    16384: range(32768, 122880 + 1, 8192),
}
WINDOWS_CPU = (1024, 2048, 4096)

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
_VCPU = re.compile(rf"^{_NUMBER}\s*vcpu$", re.IGNORECASE)
_GB = re.compile(rf"^{_NUMBER}\s*gb$", re.IGNORECASE)


def _scaled(value: Any, unit: re.Pattern[str]) -> int | None:
    """A whole number from "1024" / 1024.0, or from "<n> <unit>" times 1024; None when it is neither."""
    number = as_int(value)
    if number is not None:
        return number
    if not isinstance(value, str):
        return None
    match = unit.match(value.strip())
    if not match:
        return None
    scaled = float(match.group(1)) * 1024
    return int(scaled) if scaled.is_integer() else None


def parse_cpu(value: Any) -> int | None:
    """CPU units from "1024", "1 vCPU" or "0.25 vcpu"; None for anything else."""
    return _scaled(value, _VCPU)


def parse_memory(value: Any) -> int | None:
    """MiB from "2048", "2 GB" or "2GB"; None for anything else."""
    return _scaled(value, _GB)


def _allowed(sizes: range | tuple[int, ...]) -> str:
    if isinstance(sizes, range):
        return f"{sizes.start} to {sizes.stop - 1} MiB in steps of {sizes.step}"
    return ", ".join(str(s) for s in sizes) + " MiB"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    props = args.props
    if not requires_fargate(props):
        args.not_applicable("the task definition does not require FARGATE compatibility")

    network_mode = props.get("networkMode")
    if network_mode != "awsvpc":
        shown = "not set (bridge)" if network_mode is None else f'"{network_mode}"'
        report(f'the FARGATE task definition\'s networkMode is {shown}; Fargate accepts only "awsvpc".')

    raw_cpu, raw_memory = props.get("cpu"), props.get("memory")
    cpu, memory = parse_cpu(raw_cpu), parse_memory(raw_memory)
    if raw_cpu is None:
        report('the FARGATE task definition sets no task-level cpu; Fargate requires cpu and memory (e.g. "256").')
    elif cpu is None:
        report(f'cpu "{raw_cpu}" is neither CPU units ("1024") nor vCPUs ("1 vCPU"); use a Fargate task size.')
    elif cpu not in FARGATE_SIZES:
        report(f"cpu {cpu} is not a Fargate task size; use one of {', '.join(map(str, FARGATE_SIZES))} CPU units.")
        cpu = None
    elif is_windows(props) and cpu not in WINDOWS_CPU:
        report(f"cpu {cpu} is not available for Windows tasks on Fargate; use 1024, 2048 or 4096 CPU units.")

    if raw_memory is None:
        report('the FARGATE task definition sets no task-level memory; Fargate requires cpu and memory (e.g. "512").')
    elif memory is None:
        report(f'memory "{raw_memory}" is neither MiB ("2048") nor GB ("2 GB"); use a Fargate task size.')
    elif cpu is not None and cpu in FARGATE_SIZES and memory not in FARGATE_SIZES[cpu]:
        report(f"memory {memory} MiB is not valid with cpu {cpu} on Fargate; allowed: {_allowed(FARGATE_SIZES[cpu])}.")


POLICY = resource_policy(
    name="ecs-fargate-task-size-valid",
    description="FARGATE task definitions use a supported cpu/memory pair and the awsvpc network mode.",
    service="ecs",
    severity=Severity.HIGH,
    remediation=(
        'Set network_mode="awsvpc" and a supported cpu/memory pair on aws.ecs.TaskDefinition, e.g. cpu="256" with '
        'memory="512", cpu="1024" with memory="2048" (see "Task CPU and memory" in the ECS developer guide).'
    ),
    validate=check,
)
