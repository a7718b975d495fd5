"""An ECS service on Fargate: awsvpc networking (one ENI and private IP per task), registered as ip targets,
behind a task security group that admits only the container port, only from the load balancer. Tasks mount EFS
from their own ENI: the task group reaches the mount targets of the file systems it mounts on NFS (platform 1.4.0
or later, which LATEST is)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.ecs import volumes
from components.ecs.service import ServiceArgs, ServiceBase, TaskNetworking
from components.lb.rules import allow_alb_to_targets
from components.network.egress import add_egress, allow_https_egress
from components.network.endpoints import admit_to_endpoints
from components.storage.nfs import allow_nfs

TYPE = "platform:ecs:FargateService"
#: Task sizes Fargate runs (Linux), per "Task CPU and memory" in the ECS developer guide: CPU units → memory MiB.
FARGATE_SIZES: dict[int, range | tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: range(1024, 4096 + 1, 1024),
    1024: range(2048, 8192 + 1, 1024),
    2048: range(4096, 16384 + 1, 1024),
    4096: range(8192, 30720 + 1, 1024),
    8192: range(16384, 61440 + 1, 4096),
    16384: range(32768, 122880 + 1, 8192),
}


class FargateService(ServiceBase):
    def __init__(self, name: str, args: ServiceArgs, subnet_ids: pulumi.Input[list[str]], spot: bool = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        self._subnet_ids = subnet_ids
        self._spot = spot
        spec = args.container
        if spec.memory not in FARGATE_SIZES.get(spec.cpu, ()):
            raise ValueError(f"FargateService {name}: cpu {spec.cpu} with memory {spec.memory} is not a Fargate task "
                             f"size")
        super().__init__(TYPE, name, args, opts)

    def _networking(self, name: str, args: ServiceArgs) -> TaskNetworking:
        sg = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args.vpc_id, description=f"{name} tasks",
                                   tags={"Name": f"{name}-sg"}, opts=pulumi.ResourceOptions(parent=self))
        port = args.container.port
        allow_alb_to_targets(name, alb_security_group_id=args.alb_security_group_id, target_security_group_id=sg.id,
                             from_port=port, to_port=port, parent=self)
        allow_https_egress(name, sg.id, self)
        for rule in args.egress:
            add_egress(name, sg.id, rule, self)
        if args.endpoints_security_group_id is not None:
            admit_to_endpoints(name, args.endpoints_security_group_id, sg.id, self)
        nfs_rules: tuple[pulumi.Resource, ...] = ()
        for file_system, mount_target_sg in volumes.file_systems(args.volumes).items():
            nfs_rules += allow_nfs(name, file_system, mount_target_security_group_id=mount_target_sg,
                                   client_security_group_id=sg.id, parent=self)
        return TaskNetworking(
            network_mode="awsvpc", target_type="ip", host_port=port, compatibilities=("FARGATE",),
            service_args={
                "capacity_provider_strategies": [aws.ecs.ServiceCapacityProviderStrategyArgs(
                    capacity_provider="FARGATE_SPOT" if self._spot else "FARGATE", weight=1, base=0)],
                "platform_version": "LATEST",
                "network_configuration": aws.ecs.ServiceNetworkConfigurationArgs(
                    subnets=self._subnet_ids, security_groups=[sg.id], assign_public_ip=False),
            },
            dependencies=nfs_rules,
        )
