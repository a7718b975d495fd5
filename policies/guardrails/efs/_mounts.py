"""EFS file systems of a stack and the ECS workloads that mount them, related through property dependencies (see
``guardrails._graph``) so that the relations hold in a preview, with known ids as the fallback.

- A task definition mounts a file system through an entry of ``volumes`` with ``efsVolumeConfiguration``; the
  ``volumes`` property depends on the file systems and access points it names.
- A service runs a task definition (``taskDefinition``). Its tasks reach the mount targets from the security groups
  and subnets of its ``networkConfiguration`` (awsvpc: Fargate), or, in bridge mode (EC2), from the container
  instances: the security groups of the launch templates of the Auto Scaling groups behind the service's capacity
  providers (its strategy, or its cluster's default strategy), in the groups' subnets (``vpcZoneIdentifiers``).
- Mount targets name their file system (``fileSystemId``), subnet (``subnetId``) and security groups.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyResource

from guardrails._graph import by_type, declared, depends_on, deps, known, of_type, related
from guardrails.base import as_list
from guardrails.ecs._task import task_definition_of

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
SUBNET = "aws:ec2/subnet:Subnet"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
NFS_PORT = 2049


def keys_of(mapping: Any) -> set[str]:
    """The keys a proxied mapping holds, without reading (possibly unknown) values."""
    return set(iter(mapping)) if isinstance(mapping, Mapping) else set()


def efs_volumes(volumes: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """(volume name, ``efsVolumeConfiguration``) of every EFS volume in a task definition's ``volumes``."""
    found = []
    for index, volume in enumerate(as_list(volumes)):
        if not isinstance(volume, Mapping) or "efsVolumeConfiguration" not in keys_of(volume):
            continue
        configuration = volume["efsVolumeConfiguration"]
        if isinstance(configuration, Mapping):
            name = known(volume, "name")
            found.append((name if isinstance(name, str) else f"#{index + 1}", configuration))
    return found


@dataclass
class Mount:
    """One EFS volume of a task definition, with the file system and access point it names (when known)."""

    task_definition: PolicyResource
    volume: str
    configuration: Mapping[str, Any]
    file_system: PolicyResource | None
    access_point: PolicyResource | None
    read_only: bool | None
    """Every container mounts it read-only (a volume no container mounts counts as read-only); None when the
    container definitions are not known (a preview)."""


@dataclass
class Workload:
    """A service and where its mounts come from: its tasks' (awsvpc) or its instances' (bridge) network."""

    service: PolicyResource
    task_definition: PolicyResource
    kind: str  # "tasks" or "instances"
    security_groups: list[PolicyResource] = field(default_factory=list)
    subnets: list[PolicyResource] = field(default_factory=list)


def _pick(holder: PolicyResource, value: Any, candidates: list[PolicyResource]) -> PolicyResource | None:
    """The candidate a volume's id refers to: by known id, else the only candidate the volumes depend on."""
    if isinstance(value, str) and value:
        matches = [c for c in candidates if known(c.props, "id") == value]
        if matches:
            return matches[0]
    linked = [c for c in candidates if any(d.urn == c.urn for d in deps(holder, "volumes"))]
    return linked[0] if len(linked) == 1 else None


class Mounts:
    """The stack's file systems, mount targets, access points, EFS mounts and the workloads that run them."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.resources = list(resources)
        self.file_systems = by_type(self.resources, FILE_SYSTEM)
        self.access_points = by_type(self.resources, ACCESS_POINT)
        self.mount_targets = by_type(self.resources, MOUNT_TARGET)
        self.mounts: list[Mount] = []
        for task in by_type(self.resources, TASK_DEFINITION):
            read_only = _read_only_volumes(task)
            for name, configuration in efs_volumes(declared(task, "volumes")):
                authorization = configuration.get("authorizationConfig") \
                    if "authorizationConfig" in keys_of(configuration) else None
                access_point_id = known(authorization, "accessPointId") if isinstance(authorization, Mapping) else None
                has_access_point = isinstance(authorization, Mapping) and "accessPointId" in keys_of(authorization)
                self.mounts.append(Mount(
                    task_definition=task, volume=name, configuration=configuration,
                    file_system=_pick(task, known(configuration, "fileSystemId"), self.file_systems),
                    access_point=_pick(task, access_point_id, self.access_points) if has_access_point else None,
                    read_only=None if read_only is None else read_only.get(name, True)))

    def mounts_of(self, task: PolicyResource) -> list[Mount]:
        return [m for m in self.mounts if m.task_definition.urn == task.urn]

    def file_system_of(self, holder: PolicyResource, prop: str = "fileSystemId") -> PolicyResource | None:
        found = related(holder, prop, self.file_systems)
        return found[0] if found else None

    def targets_of(self, file_system: PolicyResource) -> list[PolicyResource]:
        return [t for t in self.mount_targets if depends_on(t, "fileSystemId", file_system)]

    def workloads(self) -> list[Workload]:
        """Every service whose task definition mounts an EFS volume, with its client groups and subnets."""
        found = []
        for service in by_type(self.resources, SERVICE):
            task = task_definition_of(service, self.resources)
            if task is None or not self.mounts_of(task):
                continue
            mode = str(declared(task, "networkMode") or "bridge").strip().lower()
            workload = Workload(service, task, "tasks" if mode == "awsvpc" else "instances")
            if mode == "awsvpc":
                workload.security_groups = of_type(deps(service, "networkConfiguration"), SECURITY_GROUP)
                workload.subnets = of_type(deps(service, "networkConfiguration"), SUBNET)
            else:
                for group in self._auto_scaling_groups(service):
                    workload.subnets += of_type(deps(group, "vpcZoneIdentifiers"), SUBNET)
                    for template in of_type(deps(group, "launchTemplate") + deps(group, "mixedInstancesPolicy"),
                                            LAUNCH_TEMPLATE):
                        workload.security_groups += of_type(
                            deps(template, "vpcSecurityGroupIds") + deps(template, "networkInterfaces"),
                            SECURITY_GROUP)
                workload.subnets = of_type(workload.subnets, SUBNET)
                workload.security_groups = of_type(workload.security_groups, SECURITY_GROUP)
            found.append(workload)
        return found

    def _auto_scaling_groups(self, service: PolicyResource) -> list[PolicyResource]:
        providers = of_type(deps(service, "capacityProviderStrategies"), CAPACITY_PROVIDER)
        if not providers and not known(service.props, "launchType"):
            clusters = {c.urn for c in deps(service, "cluster")}
            for association in by_type(self.resources, CLUSTER_CAPACITY_PROVIDERS):
                if clusters & {c.urn for c in deps(association, "clusterName")}:
                    providers += of_type(deps(association, "defaultCapacityProviderStrategies"), CAPACITY_PROVIDER)
        groups = []
        for provider in providers:
            groups += of_type(deps(provider, "autoScalingGroupProvider"), AUTOSCALING_GROUP)
        return of_type(groups, AUTOSCALING_GROUP)


def _read_only_volumes(task: PolicyResource) -> dict[str, bool] | None:
    """Volume name → whether every container's mount point of it is read-only; None when the definitions are not
    known, {} when they are not valid JSON (other policies report that)."""
    raw = known(task.props, "containerDefinitions")
    if raw is None:
        return None
    try:
        containers = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        return {}
    modes: dict[str, bool] = {}
    for container in containers if isinstance(containers, list) else []:
        for point in (container.get("mountPoints") or []) if isinstance(container, dict) else []:
            if isinstance(point, dict) and isinstance(point.get("sourceVolume"), str):
                name = point["sourceVolume"]
                modes[name] = modes.get(name, True) and point.get("readOnly") is True
    return modes


def zone_of(subnet: PolicyResource) -> str | None:
    zone = known(subnet.props, "availabilityZone")
    return zone if isinstance(zone, str) and zone else None
