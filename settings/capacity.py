"""EC2 capacity for ECS: instance type, AMI, Auto Scaling bounds, managed scaling and termination protection."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from settings import aws
from settings.schema import PROJECT, Key, Reader, between, did_you_mean

_AMI_ID = re.compile(r"ami-([0-9a-f]{8}|[0-9a-f]{17})")


@dataclass(frozen=True)
class CapacitySettings:
    instance_type: str
    min_size: int
    max_size: int
    target_capacity: int
    managed_termination_protection: bool
    ami_id: str | None = None
    """A pinned ECS-optimized AMI; None follows AWS's recommended AMI (SSM parameter)."""


def _instance_type(v: str) -> str | None:
    if v not in aws.instance_types():
        return "must be an EC2 instance type" + did_you_mean(v, aws.instance_types())
    if aws.is_arm64(v):
        return ("must be an x86_64 instance type: the ECS-optimized AMI and the task runtime platform the platform "
                "uses are x86_64 (this is a Graviton/arm64 type)")
    return None


def _ami(v: str) -> str | None:
    return None if v == "" or _AMI_ID.fullmatch(v) else "must be an AMI id (ami- and 8 or 17 hex digits) or empty"


KEYS: tuple[Key, ...] = (
    Key("instanceType", "string", "t3.medium", "EC2 instance type of the ECS container instances (x86_64).",
        _instance_type),
    Key("ecsAmiId", "string", "",
        "Pinned ECS-optimized Amazon Linux 2023 AMI id; empty follows AWS's recommended AMI (SSM parameter).", _ami),
    Key("capacityMinSize", "integer", 1, "Minimum number of container instances (0..100).", between(0, 100)),
    Key("capacityMaxSize", "integer", 4, "Maximum number of container instances (1..100).", between(1, 100)),
    Key("capacityTargetPercent", "integer", 100,
        "Managed scaling target utilisation of the EC2 capacity provider (1..100).", between(1, 100)),
    Key("managedTerminationProtection", "boolean", False,
        "Protect instances running tasks from scale-in by the capacity provider."),
)


def read(reader: Reader, v: Mapping[str, Any]) -> CapacitySettings:
    capacity = CapacitySettings(instance_type=v["instanceType"], min_size=v["capacityMinSize"],
                                max_size=v["capacityMaxSize"], target_capacity=v["capacityTargetPercent"],
                                managed_termination_protection=v["managedTerminationProtection"],
                                ami_id=v["ecsAmiId"] or None)
    if capacity.min_size > capacity.max_size:
        raise reader.fail(f"{PROJECT}:capacityMinSize", f"must not exceed {PROJECT}:capacityMaxSize "
                          f"({capacity.max_size})", capacity.min_size)
    return capacity
