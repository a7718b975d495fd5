"""An EFS volume's access point belongs to the volume's file system.

A stack policy: for every EFS volume of an ``aws:ecs/taskDefinition:TaskDefinition``, the access point named in
``authorizationConfig.accessPointId`` must be an ``aws:efs/accessPoint:AccessPoint`` of the file system named in
``fileSystemId`` (the access point's own ``fileSystemId``); ECS cannot mount an access point with another file
system, and the task fails when it starts. Volumes are paired with their file system and access point by known
ids, or, in a preview, through the ``volumes`` property's dependencies when they leave no doubt (one of each);
access points or file systems outside the stack cannot be judged.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails.base import stack_policy
from guardrails.efs._mounts import Mounts


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    mounts = Mounts(args.resources)
    if not mounts.mounts:
        args.not_applicable("no task definition has an EFS volume")
    for mount in mounts.mounts:
        if mount.file_system is None or mount.access_point is None:
            continue
        owner = mounts.file_system_of(mount.access_point)
        if owner is not None and owner.urn != mount.file_system.urn:
            report(f"EFS volume '{mount.volume}' of task definition '{mount.task_definition.name}' mounts file system "
                   f"'{mount.file_system.name}' through access point '{mount.access_point.name}', which belongs to "
                   f"file system '{owner.name}'; ECS cannot mount it: use an access point of the volume's own file "
                   "system.", mount.task_definition.urn)


POLICY = stack_policy(
    name="ecs-efs-access-point-file-system",
    description="Each EFS volume of an ECS task definition mounts an access point of its own file system.",
    service="ecs",
    severity=Severity.HIGH,
    remediation="Set authorization_config.access_point_id to an aws.efs.AccessPoint whose file_system_id is the "
                "volume's file_system_id.",
    validate=check,
)
