"""The network: VPC range, zones, egress of the private subnets, flow logs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from settings.schema import Key, between, cidr, one_of

NAT_STRATEGIES = ("none", "single", "per-az")


@dataclass(frozen=True)
class NetworkSettings:
    cidr: str
    az_count: int
    nat_strategy: str
    flow_logs: bool
    interface_endpoints: bool = False


KEYS: tuple[Key, ...] = (
    Key("vpcCidr", "string", "10.0.0.0/16", "IPv4 CIDR block of the VPC (/16../20).", cidr(16, 20)),
    Key("azCount", "integer", 2, "Availability zones to spread subnets across (2..6).", between(2, 6)),
    Key("natStrategy", "string", "single",
        "Egress for private subnets: none (VPC endpoints only), single (one NAT gateway) or per-az (one per zone).",
        one_of(*NAT_STRATEGIES)),
    Key("flowLogs", "boolean", False, "Record VPC flow logs to CloudWatch Logs."),
    Key("interfaceEndpoints", "boolean", False,
        "Reach AWS APIs through interface endpoints even with NAT (FSBP EC2.10/55-58/60); natStrategy none always "
        "has the ones ECS needs."),
)


def read(v: Mapping[str, Any]) -> NetworkSettings:
    return NetworkSettings(cidr=v["vpcCidr"], az_count=v["azCount"], nat_strategy=v["natStrategy"],
                           flow_logs=v["flowLogs"], interface_endpoints=v["interfaceEndpoints"])
