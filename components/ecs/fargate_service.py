"""An ECS service on Fargate: awsvpc networking (one ENI and private IP per task), registered as ip targets,
behind a task security group that admits only the container port, only from the load balancer."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.ecs.service import ServiceArgs, ServiceBase, TaskNetworking
from components.lb.rules import allow_alb_to_targets, allow_https_egress

TYPE = "platform:ecs:FargateService"


class FargateService(ServiceBase):
    def __init__(self, name: str, args: ServiceArgs, subnet_ids: pulumi.Input[list[str]], spot: bool = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        self._subnet_ids = subnet_ids
        self._spot = spot
        super().__init__(TYPE, name, args, opts)

    def _networking(self, name: str, args: ServiceArgs) -> TaskNetworking:
        sg = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args.vpc_id, description=f"{name} tasks",
                                   tags={"Name": f"{name}-sg"}, opts=pulumi.ResourceOptions(parent=self))
        port = args.container.port
        allow_alb_to_targets(name, alb_security_group_id=args.alb_security_group_id, target_security_group_id=sg.id,
                             from_port=port, to_port=port, parent=self)
        allow_https_egress(name, sg.id, self)
        return TaskNetworking(
            network_mode="awsvpc", target_type="ip", host_port=port, compatibilities=("FARGATE",),
            service_args={
                "capacity_provider_strategies": [aws.ecs.ServiceCapacityProviderStrategyArgs(
                    capacity_provider="FARGATE_SPOT" if self._spot else "FARGATE", weight=1, base=0)],
                "platform_version": "LATEST",
                "network_configuration": aws.ecs.ServiceNetworkConfigurationArgs(
                    subnets=self._subnet_ids, security_groups=[sg.id], assign_public_ip=False),
            },
        )
