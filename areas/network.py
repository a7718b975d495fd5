"""The network area: the VPC, with interface endpoints when the private subnets have no NAT gateway."""

from __future__ import annotations

import pulumi

from components.network.endpoints import ECS_SERVICES, EKS_SERVICES, EXEC_SERVICES, FSBP_SERVICES
from components.network.vpc import Vpc, VpcArgs
from components.shared.context import PlatformContext
from settings import Settings


def interface_endpoints(config: Settings) -> tuple[str, ...]:
    """What the workloads (ECS, ECS Exec, EKS nodes) need to reach AWS without NAT, plus what FSBP asks for when the
    stack wants endpoints anyway; nothing when there is NAT and the stack does not ask."""
    if config.network.nat_strategy != "none" and not config.network.interface_endpoints:
        return ()
    needed = list(ECS_SERVICES)
    if any(s.enable_execute_command for s in config.services):
        needed += EXEC_SERVICES
    if config.network.interface_endpoints:
        needed += FSBP_SERVICES
    if config.eks.enabled:
        needed += EKS_SERVICES
    return tuple(dict.fromkeys(needed))  # each once, in order


def build(config: Settings, context: PlatformContext, zones: list[str], opts: pulumi.ResourceOptions) -> Vpc:
    return Vpc(
        "platform",
        VpcArgs(
            context=context,
            cidr_block=config.network.cidr,
            availability_zones=tuple(sorted(zones)[: config.network.az_count]),
            nat_strategy=config.network.nat_strategy,
            flow_logs=config.network.flow_logs,
            interface_endpoints=interface_endpoints(config),
            kubernetes_subnet_tags=config.eks.enabled,
        ),
        opts=opts,
    )
