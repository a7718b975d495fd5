"""The network area: the VPC, with interface endpoints when the private subnets have no NAT gateway."""

from __future__ import annotations

import pulumi

from components.network.endpoints import ECS_SERVICES, EKS_SERVICES, EXEC_SERVICES, FSBP_SERVICES
from components.network.vpc import Vpc, VpcArgs
from components.queue.worker import QUEUE_SERVICES
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
    if config.workers:
        needed += QUEUE_SERVICES
    return tuple(dict.fromkeys(needed))  # each once, in order


def gateway_endpoints(config: Settings) -> tuple[str, ...]:
    """Gateway endpoints besides S3's: DynamoDB for the pipelines' tables (free, and no NAT traffic)."""
    return ("dynamodb",) if config.pipelines else ()


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
            gateway_endpoints=gateway_endpoints(config),
        ),
        opts=opts,
    )
