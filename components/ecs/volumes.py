"""EFS volumes of a service: the task definition's volumes, the container's mount points, and the task role's
client permissions, each mount through one access point with transit encryption and IAM authorization."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.shared.iam import statement

#: EFS client actions: mount (read) and write. ClientRootAccess is never granted.
CLIENT_MOUNT = "elasticfilesystem:ClientMount"
CLIENT_WRITE = "elasticfilesystem:ClientWrite"
_VOLUME_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")


@dataclass(frozen=True)
class VolumeMount:
    """One EFS access point mounted into the service's container."""

    name: str
    """Task definition volume name (letters, digits, - and _), unique per service, e.g. ``shared-assets``."""
    file_system: str
    """The file system's name in the stack (names the security-group rules that let the tasks reach it)."""
    file_system_id: pulumi.Input[str]
    """The EFS file system."""
    file_system_arn: pulumi.Input[str]
    """Its ARN (the task role's client permissions name it)."""
    access_point_id: pulumi.Input[str]
    """The access point the volume mounts (it enforces the root directory and the POSIX user)."""
    access_point_arn: pulumi.Input[str]
    """Its ARN (the condition on the task role's client permissions)."""
    mount_target_security_group_id: pulumi.Input[str]
    """The security group of the file system's mount targets: it admits NFS from the tasks (or instances)."""
    container_path: str
    """Where the container sees the volume."""
    read_only: bool = False
    """Mount read-only; the task role then gets no ClientWrite."""


def validate(owner: str, mounts: Sequence[VolumeMount]) -> None:
    """One ValueError per problem ECS would refuse (volume names, paths, duplicates)."""
    names = [m.name for m in mounts]
    paths = [m.container_path for m in mounts]
    for mount in mounts:
        if not _VOLUME_NAME.fullmatch(mount.name):
            raise ValueError(f"{owner}: volume name {mount.name!r} must be 1..255 letters, digits, - and _")
        if not mount.container_path.startswith("/") or mount.container_path == "/":
            raise ValueError(f"{owner}: volume {mount.name} needs an absolute container path other than / "
                             f"(got {mount.container_path!r})")
    if duplicate := next((n for n in names if names.count(n) > 1), None):
        raise ValueError(f"{owner}: volume {duplicate} is mounted twice")
    if duplicate := next((p for p in paths if paths.count(p) > 1), None):
        raise ValueError(f"{owner}: two volumes are mounted at {duplicate}")


def task_volumes(mounts: Sequence[VolumeMount]) -> list[aws.ecs.TaskDefinitionVolumeArgs]:
    """The task definition's EFS volumes: through the access point (its root directory, so none here), TLS to the
    mount target, and the task role's credentials (IAM authorization; the file system policy admits only IAM
    principals)."""
    return [
        aws.ecs.TaskDefinitionVolumeArgs(
            name=mount.name,
            efs_volume_configuration=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs(
                file_system_id=mount.file_system_id,
                transit_encryption="ENABLED",
                authorization_config=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs(
                    access_point_id=mount.access_point_id, iam="ENABLED"),
            ),
        )
        for mount in mounts
    ]


def mount_points(mounts: Sequence[VolumeMount]) -> list[dict[str, Any]]:
    """The container definition's ``mountPoints`` (ECS API shape)."""
    return [{"sourceVolume": m.name, "containerPath": m.container_path, "readOnly": m.read_only} for m in mounts]


def client_statements(mounts: Sequence[VolumeMount]) -> list[dict]:
    """The task role's EFS permissions: per mount, ClientMount (and ClientWrite unless read-only) on the file system,
    only through that mount's access point."""
    return [
        statement([CLIENT_MOUNT] + ([] if m.read_only else [CLIENT_WRITE]), [m.file_system_arn],
                  condition={"StringEquals": {"elasticfilesystem:AccessPointArn": m.access_point_arn}})
        for m in mounts
    ]


def file_systems(mounts: Sequence[VolumeMount]) -> dict[str, pulumi.Input[str]]:
    """Each mounted file system's mount-target security group, by file system name, once."""
    found: dict[str, pulumi.Input[str]] = {}
    for mount in mounts:
        found.setdefault(mount.file_system, mount.mount_target_security_group_id)
    return found
