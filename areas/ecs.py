"""The ECS area: the load balancer, the cluster, its EC2 capacity and the services behind the load balancer, with
their images from the storage area's repositories and its file systems mounted."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from areas.storage import StorageArea
from components.ecs.cluster import Cluster, ClusterArgs
from components.ecs.ec2_capacity import Ec2Capacity, Ec2CapacityArgs
from components.ecs.ec2_service import Ec2Service
from components.ecs.fargate_service import FargateService
from components.ecs.service import ContainerSpec, ServiceArgs, ServiceBase
from components.ecs.volumes import VolumeMount
from components.lb.alb import ApplicationLoadBalancer, ApplicationLoadBalancerArgs
from components.network.egress import EgressRule
from components.network.vpc import Vpc
from components.shared.context import PlatformContext
from settings import ServiceSettings, Settings


@dataclass(frozen=True)
class EcsArea:
    alb: ApplicationLoadBalancer
    cluster: Cluster
    capacity: Ec2Capacity
    services: dict[str, ServiceBase]


def _ec2_egress(config: Settings) -> tuple[EgressRule, ...]:
    """EC2 (bridge mode) tasks share the instances' SG: their egress rules, each once."""
    rules: dict[tuple, EgressRule] = {}
    for svc in config.services:
        if svc.launch_type == "ec2":
            for rule in svc.egress:
                rules.setdefault((rule.protocol, rule.from_port, rule.to_port, rule.destination), rule)
    return tuple(rules.values())


def _volumes(svc: ServiceSettings, storage: StorageArea) -> tuple[VolumeMount, ...]:
    mounts = []
    for volume in svc.volumes:
        fs = storage.file_systems[volume.file_system]
        mounts.append(VolumeMount(
            name=f"{volume.file_system}-{volume.access_point}", file_system=volume.file_system,
            file_system_id=fs.file_system_id, file_system_arn=fs.file_system_arn,
            access_point_id=fs.access_point_ids_by_name[volume.access_point],
            access_point_arn=fs.access_point_arns_by_name[volume.access_point],
            mount_target_security_group_id=fs.security_group_id,
            container_path=volume.container_path, read_only=volume.read_only))
    return tuple(mounts)


def _ec2_file_systems(config: Settings, storage: StorageArea) -> dict[str, pulumi.Output[str]]:
    """The file systems EC2 (bridge mode) services mount: the instances mount them, each once."""
    return {volume.file_system: storage.file_systems[volume.file_system].security_group_id
            for svc in config.services if svc.launch_type == "ec2" for volume in svc.volumes}


def build(config: Settings, context: PlatformContext, network: Vpc, storage: StorageArea,
          opts: pulumi.ResourceOptions) -> EcsArea:
    alb = ApplicationLoadBalancer(
        "alb",
        ApplicationLoadBalancerArgs(
            context=context,
            vpc_id=network.vpc_id,
            subnet_ids=network.public_subnet_ids,
            allowed_cidrs=config.alb.allowed_cidrs,
            certificate_arn=config.alb.certificate_arn,
            allow_plain_http=config.alb.allow_plain_http,
            deletion_protection=config.alb.deletion_protection,
            access_logs=config.alb.access_logs,
        ),
        opts=opts,
    )
    cluster = Cluster("cluster", ClusterArgs(context=context), opts=opts)
    capacity = Ec2Capacity(
        "capacity",
        Ec2CapacityArgs(
            context=context,
            cluster_name=cluster.name,
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            alb_security_group_id=alb.security_group_id,
            instance_type=config.capacity.instance_type,
            min_size=config.capacity.min_size,
            max_size=config.capacity.max_size,
            target_capacity=config.capacity.target_capacity,
            managed_termination_protection=config.capacity.managed_termination_protection,
            ami_id=config.capacity.ami_id,
            egress=_ec2_egress(config),
            endpoints_security_group_id=network.endpoints_security_group_id,
            file_systems=_ec2_file_systems(config, storage),
        ),
        opts=opts,
    )
    services = {svc.name: _service(svc, context, network, storage, alb, cluster, capacity, opts)
                for svc in config.services}
    return EcsArea(alb=alb, cluster=cluster, capacity=capacity, services=services)


def _service(svc: ServiceSettings, context: PlatformContext, network: Vpc, storage: StorageArea,
             alb: ApplicationLoadBalancer, cluster: Cluster, capacity: Ec2Capacity,
             opts: pulumi.ResourceOptions) -> ServiceBase:
    repositories = storage.repositories
    from_repository = svc.repository is not None and repositories is not None
    mounted = tuple(storage.file_systems[name] for name in dict.fromkeys(v.file_system for v in svc.volumes))
    args = ServiceArgs(
        context=context,
        container=ContainerSpec(
            image=svc.image, image_tag=svc.image_tag, port=svc.port, cpu=svc.cpu, memory=svc.memory,
            environment=svc.environment, secrets=svc.secrets, read_only_root_filesystem=svc.read_only_root_filesystem,
            secrets_kms_keys=svc.secrets_kms_keys,
        ),
        cluster_arn=cluster.arn,
        cluster_name=cluster.name,
        vpc_id=network.vpc_id,
        listener_arn=alb.listener_arn,
        alb_security_group_id=alb.security_group_id,
        path=svc.path,
        host=svc.host,
        priority=svc.priority,
        health_check_path=svc.health_check_path,
        desired_count=svc.desired_count,
        min_count=svc.min_count,
        max_count=svc.max_count,
        cpu_target=svc.cpu_target,
        min_healthy_percent=svc.min_healthy_percent,
        max_percent=svc.max_percent,
        grants=svc.grants,
        egress=svc.egress if svc.launch_type == "fargate" else (),
        enable_execute_command=svc.enable_execute_command,
        exec_log_group_arn=cluster.exec_log_group_arn,
        wait_for_steady_state=svc.wait_for_steady_state,
        endpoints_security_group_id=network.endpoints_security_group_id,
        # Services start once the capacity providers (FARGATE ones too) are associated with the cluster and the file
        # systems they mount have their mount targets, and on `pulumi destroy` they go first: then the association,
        # the capacity provider, and the Auto Scaling group.
        depends_on=(capacity, *mounted),
        repository_url=repositories.urls[svc.repository] if from_repository else None,
        repository_arn=repositories.arns[svc.repository] if from_repository else None,
        volumes=_volumes(svc, storage),
    )
    if svc.launch_type == "ec2":
        return Ec2Service(svc.name, args, capacity_provider_name=capacity.capacity_provider_name, opts=opts)
    return FargateService(svc.name, args, subnet_ids=network.private_subnet_ids, spot=svc.spot, opts=opts)
