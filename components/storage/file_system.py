"""A shared EFS file system: encrypted at rest, elastic throughput, files moving to Infrequent Access when idle,
automatic backups where asked, a mount target in every private subnet behind a security group that admits only
the clients that mount it (they add their rules with ``components.storage.nfs.allow_nfs``), one access point per
application directory, and a file system policy that admits only IAM principals of the account, over TLS, through
an access point."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.shared.context import PlatformContext

TYPE = "platform:storage:FileSystem"
#: EFS lifecycle transitions to Infrequent Access (LifecyclePolicy.TransitionToIA).
TRANSITIONS = ("AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS",
               "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS")
CLIENT_ACTIONS = ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess",
                  "elasticfilesystem:ClientWrite")
#: POSIX ids EFS accepts (0..2^32-1).
POSIX_IDS = range(0, 2**32)
MAX_MOUNT_TARGET_SUBNETS = 6
#: An access point's root directory (CreateAccessPoint RootDirectory.Path): up to 100 characters and four levels.
_PATH_SEGMENT = re.compile(r"(?!\.)[^$#<>;`|&?{}^*/\n]+")
_PERMISSIONS = re.compile(r"[0-7]{3,4}")


@dataclass(frozen=True)
class AccessPointSpec:
    """An application's entry point: a root directory it cannot leave, and the POSIX user every request runs as."""

    name: str
    """Name in the stack (lowercase letters, digits, hyphens)."""
    path: str
    """Root directory on the file system (not "/"), created on first use with the owner and permissions below."""
    uid: int = 1000
    """POSIX user id of every request through the access point (and owner of the directory it creates)."""
    gid: int = 1000
    """POSIX group id, likewise."""
    permissions: str = "0750"
    """Octal mode of the root directory when EFS creates it."""


@dataclass(frozen=True)
class FileSystemArgs:
    context: PlatformContext
    """Environment facts (stack, account, partition, protect)."""
    vpc_id: pulumi.Input[str]
    """VPC of the mount targets' security group."""
    subnet_ids: tuple[pulumi.Input[str], ...]
    """The private subnets, one per zone: a mount target in each (EFS allows one per zone)."""
    access_points: tuple[AccessPointSpec, ...]
    """The access points, at least one: clients mount only through them."""
    backups: bool = False
    """Automatic daily backups by AWS Backup (the EFS backup policy)."""
    transition_to_ia: str = "AFTER_30_DAYS"
    """When an unread file moves to the Infrequent Access class; one read brings it back."""


def path_problem(path: str) -> str | None:
    """What is wrong with an access point root directory, or None."""
    segments = path.split("/")[1:]
    if not path.startswith("/") or path == "/" or len(path) > 100 or not 1 <= len(segments) <= 4 \
            or not all(_PATH_SEGMENT.fullmatch(s) for s in segments):
        return ("must be an absolute path other than / with one to four directories (none starting with . and "
                "without $ # < > ; ` | & ? { } ^ *), up to 100 characters")
    return None


def file_system_policy(file_system_arn: str, account_root: str) -> dict[str, Any]:
    """Clients over TLS only, through an access point only, and only IAM principals of the account whose own
    policies allow it (the account as principal delegates to IAM): no anonymous NFS mounts, no root access."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyWithoutTls", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": list(CLIENT_ACTIONS),
         "Resource": file_system_arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyWithoutAccessPoint", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": list(CLIENT_ACTIONS),
         "Resource": file_system_arn, "Condition": {"Null": {"elasticfilesystem:AccessPointArn": "true"}}},
        {"Sid": "AccountPrincipals", "Effect": "Allow", "Principal": {"AWS": account_root},
         "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": file_system_arn,
         "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}},
    ]}


class FileSystem(pulumi.ComponentResource):
    file_system_id: pulumi.Output[str]
    file_system_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    """The mount targets' security group."""
    access_point_ids: pulumi.Output[dict[str, str]]
    access_point_ids_by_name: dict[str, pulumi.Output[str]]
    access_point_arns_by_name: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: FileSystemArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        _validate(name, args)
        super().__init__(TYPE, name, None, opts)
        ctx = args.context
        child = pulumi.ResourceOptions(parent=self)
        label = f"{ctx.stack}-{name}"

        file_system = aws.efs.FileSystem(
            name, encrypted=True, throughput_mode="elastic",
            # One transition per lifecycle policy entry (the API's rule).
            lifecycle_policies=[
                aws.efs.FileSystemLifecyclePolicyArgs(transition_to_ia=args.transition_to_ia),
                aws.efs.FileSystemLifecyclePolicyArgs(transition_to_primary_storage_class="AFTER_1_ACCESS"),
            ],
            tags={"Name": label}, opts=pulumi.ResourceOptions(parent=self, protect=ctx.protect))
        aws.efs.BackupPolicy(
            f"{name}-backup", file_system_id=file_system.id,
            backup_policy=aws.efs.BackupPolicyBackupPolicyArgs(status="ENABLED" if args.backups else "DISABLED"),
            opts=child)
        account_root = f"arn:{ctx.partition}:iam::{ctx.account_id}:root"
        aws.efs.FileSystemPolicy(
            f"{name}-policy", file_system_id=file_system.id,
            policy=file_system.arn.apply(lambda arn: json.dumps(file_system_policy(arn, account_root))), opts=child)

        sg = aws.ec2.SecurityGroup(f"{name}-mt-sg", vpc_id=args.vpc_id,
                                   description=f"{name} mount targets: NFS from the tasks and instances that mount it",
                                   tags={"Name": f"{name}-mt-sg"}, opts=child)
        for index, subnet_id in enumerate(args.subnet_ids):
            # EFS allows one mount target per zone: a replacement must delete the old one first.
            aws.efs.MountTarget(f"{name}-mt-{index}", file_system_id=file_system.id, subnet_id=subnet_id,
                                security_groups=[sg.id],
                                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True))

        self.access_point_ids_by_name, self.access_point_arns_by_name = {}, {}
        for spec in args.access_points:
            access_point = aws.efs.AccessPoint(
                f"{name}-{spec.name}", file_system_id=file_system.id,
                posix_user=aws.efs.AccessPointPosixUserArgs(uid=spec.uid, gid=spec.gid),
                root_directory=aws.efs.AccessPointRootDirectoryArgs(
                    path=spec.path,
                    creation_info=aws.efs.AccessPointRootDirectoryCreationInfoArgs(
                        owner_uid=spec.uid, owner_gid=spec.gid, permissions=spec.permissions)),
                tags={"Name": f"{label}-{spec.name}"}, opts=child)
            self.access_point_ids_by_name[spec.name] = access_point.id
            self.access_point_arns_by_name[spec.name] = access_point.arn

        self.file_system_id = file_system.id
        self.file_system_arn = file_system.arn
        self.security_group_id = sg.id
        self.access_point_ids = pulumi.Output.all(**self.access_point_ids_by_name)
        self.register_outputs({"fileSystemId": self.file_system_id, "fileSystemArn": self.file_system_arn,
                               "securityGroupId": self.security_group_id, "accessPointIds": self.access_point_ids})


def _validate(name: str, args: FileSystemArgs) -> None:
    if not 1 <= len(args.subnet_ids) <= MAX_MOUNT_TARGET_SUBNETS:
        raise ValueError(f"FileSystem {name}: needs 1..{MAX_MOUNT_TARGET_SUBNETS} subnets, one per zone "
                         f"(got {len(args.subnet_ids)})")
    if args.transition_to_ia not in TRANSITIONS:
        raise ValueError(f"FileSystem {name}: transition_to_ia must be one of {', '.join(TRANSITIONS)} "
                         f"(got {args.transition_to_ia})")
    names = [spec.name for spec in args.access_points]
    if not names:
        raise ValueError(f"FileSystem {name}: needs at least one access point (clients mount only through them)")
    if duplicate := next((n for n in names if names.count(n) > 1), None):
        raise ValueError(f"FileSystem {name}: access point {duplicate} is declared twice")
    for spec in args.access_points:
        if problem := path_problem(spec.path):
            raise ValueError(f"FileSystem {name}: access point {spec.name} path {problem} (got {spec.path!r})")
        if spec.uid not in POSIX_IDS or spec.gid not in POSIX_IDS or spec.uid == 0:
            raise ValueError(f"FileSystem {name}: access point {spec.name} needs a POSIX uid 1..{POSIX_IDS.stop - 1} "
                             f"(not root) and gid 0..{POSIX_IDS.stop - 1} (got {spec.uid}, {spec.gid})")
        if not _PERMISSIONS.fullmatch(spec.permissions):
            raise ValueError(f"FileSystem {name}: access point {spec.name} permissions must be 3 or 4 octal digits "
                             f"(got {spec.permissions!r})")
