"""EC2.18, EC2.19, EC2.53, EC2.54: no security-group ingress from the whole internet except to the ALB's listener ports.

Judges standalone ingress rules (``aws.vpc.SecurityGroupIngressRule``), legacy ``aws.ec2.SecurityGroupRule``s of
type ingress, and inline ``ingress`` blocks of ``aws.ec2.SecurityGroup``. A CIDR is "the internet" when its prefix
length is 0 (``0.0.0.0/0``, ``::/0``). Such a rule is allowed only on the security group of an application load
balancer, for exactly one TCP port that is one of that load balancer's listener ports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, depends_on
from guardrails.base import as_int, as_list, stack_policy

INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")

_PROTOCOL_NAMES = {"all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


@dataclass(frozen=True)
class _OpenIngress:
    """One permission open to the internet, whatever resource declared it."""

    resource: PolicyResource  # the resource to blame: the rule, or the group with inline ingress
    group_prop: str | None  # the resource's property naming its security group; None when it is the group
    cidr: str
    protocol: str  # "-1" (all traffic), "tcp", "udp", "icmp", "icmpv6" or an IANA protocol number
    from_port: int | None
    to_port: int | None

    @property
    def label(self) -> str:
        if self.group_prop is None:
            return f"security group '{self.resource.name}' (inline ingress)"
        return f"ingress rule '{self.resource.name}'"

    def belongs_to(self, group: PolicyResource) -> bool:
        if self.group_prop is None:
            return group.urn == self.resource.urn
        return depends_on(self.resource, self.group_prop, group)


def _is_internet(cidr: object) -> bool:
    return isinstance(cidr, str) and "/" in cidr and as_int(cidr.rsplit("/", 1)[1]) == 0


def _protocol(value: object) -> str:
    number = as_int(value)
    text = str(number) if number is not None else str(value).strip().lower()
    return _PROTOCOL_NAMES.get(text, text)


def _open(resource: PolicyResource, group_prop: str | None, rule: Mapping[str, Any], cidrs: list[Any],
          protocol_key: str) -> Iterator[_OpenIngress]:
    """The permissions of one rule whose CIDR is the internet; its protocol and ports are read only then."""
    for cidr in cidrs:
        if _is_internet(cidr):
            yield _OpenIngress(resource, group_prop, cidr, _protocol(rule.get(protocol_key)),
                               as_int(rule.get("fromPort")), as_int(rule.get("toPort")))


def _open_ingress(resources: list[PolicyResource]) -> Iterator[_OpenIngress]:
    for rule in by_type(resources, INGRESS_RULE):
        cidrs = [rule.props.get("cidrIpv4"), rule.props.get("cidrIpv6")]
        yield from _open(rule, "securityGroupId", rule.props, cidrs, "ipProtocol")
    for rule in by_type(resources, SECURITY_GROUP_RULE):
        if rule.props.get("type") == "ingress":
            cidrs = as_list(rule.props.get("cidrBlocks")) + as_list(rule.props.get("ipv6CidrBlocks"))
            yield from _open(rule, "securityGroupId", rule.props, cidrs, "protocol")
    for group in by_type(resources, SECURITY_GROUP):
        for block in as_list(declared(group, "ingress")):
            cidrs = as_list(block.get("cidrBlocks")) + as_list(block.get("ipv6CidrBlocks"))
            yield from _open(group, None, block, cidrs, "protocol")


def _listener_ports(resources: list[PolicyResource], ingress: _OpenIngress) -> set[int] | None:
    """The listener ports of the application load balancers using the permission's group; None if none uses it."""
    groups = [sg for sg in by_type(resources, SECURITY_GROUP) if ingress.belongs_to(sg)]
    albs = [
        lb for lb in by_type(resources, *LOAD_BALANCERS)
        if (lb.props.get("loadBalancerType") or "application") == "application"
        and any(depends_on(lb, "securityGroups", sg) for sg in groups)
    ]
    if not albs:
        return None
    ports = (
        as_int(listener.props.get("port"))
        for listener in by_type(resources, *LISTENERS)
        if any(depends_on(listener, "loadBalancerArn", lb) for lb in albs)
    )
    return {p for p in ports if p is not None}


def _describe(ingress: _OpenIngress) -> str:
    low, high = ingress.from_port, ingress.to_port
    if ingress.protocol == "-1":
        return "all traffic"
    if low is None and high is None:
        return f"all protocol {ingress.protocol} traffic"
    if ingress.protocol in ("icmp", "icmpv6"):
        return f"{ingress.protocol} type {low} code {high}"
    return f"{ingress.protocol} port {low}" if low == high else f"{ingress.protocol} ports {low}-{high}"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    for ingress in _open_ingress(resources):
        what = f"{ingress.label} allows {_describe(ingress)} from {ingress.cidr}"
        ports = _listener_ports(resources, ingress)
        if ports is None:
            report(f"{what}; only an application load balancer's security group may accept traffic from the "
                   "internet, and only on its listener ports.", ingress.resource.urn)
        elif not (ingress.protocol == "tcp" and ingress.from_port == ingress.to_port and ingress.from_port in ports):
            allowed = ", ".join(str(p) for p in sorted(ports)) or "none (it has no listener)"
            report(f"{what}; this load balancer security group may be open to the internet only on one TCP "
                   f"listener port per rule: {allowed}.", ingress.resource.urn)


POLICY = stack_policy(
    name="no-public-ingress",
    description=(
        "No security group accepts traffic from the internet (a /0 CIDR such as 0.0.0.0/0 or ::/0), except an "
        "application load balancer's security group on that load balancer's listener ports."
    ),
    service="ec2",
    severity=Severity.HIGH,
    controls=["EC2.18", "EC2.19", "EC2.53", "EC2.54"],
    remediation=(
        "Replace the /0 source with the security group that needs access (referenced_security_group_id) or a "
        "narrow CIDR; internet traffic enters only through the ALB, whose group opens exactly its listener "
        "ports (one rule per port, ip_protocol tcp)."
    ),
    validate=check,
)
