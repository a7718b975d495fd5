"""An ECS service on the cluster's EC2 capacity: bridge networking with dynamic host ports, so several copies
run per instance, registered as instance targets."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.ecs.service import ServiceArgs, ServiceBase, TaskNetworking

TYPE = "platform:ecs:Ec2Service"


class Ec2Service(ServiceBase):
    def __init__(self, name: str, args: ServiceArgs, capacity_provider_name: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        if args.egress:
            raise ValueError(f"Ec2Service {name}: bridge-mode tasks use the instances' security group; give egress "
                             f"rules to Ec2Capacity")
        self._capacity_provider_name = capacity_provider_name
        super().__init__(TYPE, name, args, opts)

    def _networking(self, name: str, args: ServiceArgs) -> TaskNetworking:
        # The instance security group admits the ephemeral range from the ALB (Ec2Capacity); host port 0 asks
        # ECS for a free port from that range for every task.
        return TaskNetworking(
            network_mode="bridge", target_type="instance", host_port=0, compatibilities=("EC2",),
            service_args={
                "capacity_provider_strategies": [aws.ecs.ServiceCapacityProviderStrategyArgs(
                    capacity_provider=self._capacity_provider_name, weight=1, base=0)],
                "ordered_placement_strategies": [
                    aws.ecs.ServiceOrderedPlacementStrategyArgs(type="spread", field="attribute:ecs.availability-zone"),
                    aws.ecs.ServiceOrderedPlacementStrategyArgs(type="binpack", field="memory"),
                ],
            },
        )
