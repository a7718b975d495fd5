"""Outbound security-group rules: HTTPS to AWS APIs for every workload, and the extra egress a service declares.
Every rule names its protocol, ports and one destination."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class EgressRule:
    """One outbound rule: ``protocol`` ``from_port``..``to_port`` to exactly one destination."""

    protocol: str
    """tcp or udp."""
    from_port: int
    """First port."""
    to_port: int
    """Last port (equal to ``from_port`` for one port)."""
    cidr: str | None = None
    """An IPv4 or IPv6 CIDR block."""
    security_group_id: str | None = None
    """A security group (e.g. a database's)."""
    prefix_list_id: str | None = None
    """A managed prefix list."""
    description: str = ""
    """What the rule is for."""

    @property
    def destination(self) -> str:
        return self.cidr or self.security_group_id or self.prefix_list_id or ""

    @property
    def ports(self) -> str:
        return str(self.from_port) if self.from_port == self.to_port else f"{self.from_port}-{self.to_port}"

    def slug(self) -> str:
        """A logical-name part derived from the rule's content, so reordering rules replaces nothing."""
        return re.sub(r"[^a-z0-9]+", "-", f"{self.protocol}-{self.ports}-{self.destination}".lower()).strip("-")


#: What every workload gets: ECR, CloudWatch Logs, Secrets Manager, SSM and other AWS APIs, through NAT or
#: VPC endpoints.
HTTPS_ANYWHERE = EgressRule("tcp", 443, 443, cidr="0.0.0.0/0", description="HTTPS to AWS APIs and registries")


def allow_https_egress(name: str, security_group_id: pulumi.Input[str], parent: pulumi.Resource) -> None:
    """``HTTPS_ANYWHERE`` on the group, named ``<name>-https-out``."""
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-https-out", security_group_id=security_group_id, cidr_ipv4=HTTPS_ANYWHERE.cidr,
        ip_protocol=HTTPS_ANYWHERE.protocol, from_port=HTTPS_ANYWHERE.from_port, to_port=HTTPS_ANYWHERE.to_port,
        description=HTTPS_ANYWHERE.description, opts=pulumi.ResourceOptions(parent=parent))


def add_egress(name: str, security_group_id: pulumi.Input[str], rule: EgressRule, parent: pulumi.Resource) -> None:
    """The rule as a standalone ``SecurityGroupEgressRule`` named ``<name>-out-<content>``."""
    destination: dict[str, str] = {}
    if rule.cidr:
        destination["cidr_ipv6" if ":" in rule.cidr else "cidr_ipv4"] = rule.cidr
    elif rule.security_group_id:
        destination["referenced_security_group_id"] = rule.security_group_id
    elif rule.prefix_list_id:
        destination["prefix_list_id"] = rule.prefix_list_id
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-out-{rule.slug()}", security_group_id=security_group_id, ip_protocol=rule.protocol,
        from_port=rule.from_port, to_port=rule.to_port,
        description=rule.description or f"{rule.protocol} {rule.ports} to {rule.destination}",
        opts=pulumi.ResourceOptions(parent=parent), **destination)
