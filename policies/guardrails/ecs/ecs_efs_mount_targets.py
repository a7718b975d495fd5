"""A service that mounts EFS runs only in subnets where its file system has a mount target.

A stack policy (relations in ``guardrails.efs._mounts``): for every ECS service whose task definition mounts a file
system of the stack, every subnet its tasks (awsvpc: ``networkConfiguration.subnets``) or container instances
(bridge: the Auto Scaling group's ``vpcZoneIdentifiers``) run in needs a mount target of that file system in the
same subnet or, when the zones are known, the same availability zone: the file system's DNS name resolves to the
mount target of the client's zone, and without one the mount fails when the task starts. Subnets outside the stack
and volumes whose file system is not in the stack cannot be judged.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import deps, of_type
from guardrails.base import stack_policy
from guardrails.efs._mounts import SUBNET, Mounts, zone_of


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    mounts = Mounts(args.resources)
    workloads = mounts.workloads()
    if not workloads:
        args.not_applicable("no ECS service mounts an EFS volume")
    for workload in workloads:
        file_systems = {m.file_system.urn: m.file_system for m in mounts.mounts_of(workload.task_definition)
                        if m.file_system is not None}
        for fs in file_systems.values():
            targets = mounts.targets_of(fs)
            subnets = of_type([s for t in targets for s in deps(t, "subnetId")], SUBNET)
            covered = {s.urn for s in subnets}
            zones = {zone_of(s) for s in subnets} - {None}
            for subnet in workload.subnets:
                if subnet.urn in covered or (zone_of(subnet) is not None and zone_of(subnet) in zones):
                    continue
                where = f"zone {zone_of(subnet)}" if zone_of(subnet) else "it"
                report(f"the {workload.kind} of ECS service '{workload.service.name}' run in subnet "
                       f"'{subnet.name}', but EFS file system '{fs.name}' has no mount target in {where}, so the "
                       "mount fails there; add a mount target in that subnet.", workload.service.urn)


POLICY = stack_policy(
    name="ecs-efs-mount-targets",
    description="ECS services that mount an EFS file system run only in subnets (zones) where it has a mount target.",
    service="ecs",
    severity=Severity.HIGH,
    remediation="Create an aws.efs.MountTarget of the file system in every private subnet the service's tasks "
                "(network_configuration.subnets) or container instances (the Auto Scaling group's "
                "vpc_zone_identifiers) run in.",
    validate=check,
)
