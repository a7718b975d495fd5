"""The network area: the VPC, with interface endpoints when the private subnets have no NAT gateway."""

from __future__ import annotations

import pulumi

from components.network.endpoints import ECS_SERVICES, EXEC_SERVICES
from components.network.vpc import Vpc, VpcArgs
from components.queue.worker import QUEUE_SERVICES
from components.shared.context import PlatformContext
from settings import Settings


def interface_endpoints(config: Settings) -> tuple[str, ...]:
    """What the workloads need to reach AWS without NAT; nothing when there is NAT."""
    if config.network.nat_strategy != "none":
        return ()
    needed = list(ECS_SERVICES)
    if any(s.enable_execute_command for s in config.services):
        needed += EXEC_SERVICES
    if config.workers:
        needed += [s for s in QUEUE_SERVICES if s not in needed]
    return tuple(needed)


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
            gateway_endpoints=gateway_endpoints(config),
        ),
        opts=opts,
    )
