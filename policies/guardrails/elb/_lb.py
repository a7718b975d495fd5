"""Helpers shared by the load balancer policies: type tokens, load balancer facts, security group rules.

Navigation between resources (property dependencies, with the id fallback) comes from ``guardrails._graph``; this
module adds what the ELB policies need on top of it. pulumi-aws keeps the ``aws.alb`` module as an alias of
``aws.lb`` (same resources under other type tokens), so every token set lists both.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import PolicyResource

from guardrails._graph import declared, depends_on, deps, indexed, known, referrers
from guardrails.base import as_int

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SUBNET = "aws:ec2/subnet:Subnet"

_PROTOCOL_NAMES = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def flag(value: Any) -> bool:
    """True for a boolean true or a "true" string (some provider inputs, e.g. launch template flags, are strings)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def shown(value: Any) -> str:
    """A property value for a message: "not set", "true", "false" or the value."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)


def lb_type(props: Mapping[str, Any]) -> str:
    """``loadBalancerType`` of a load balancer; absent means ``application`` (the provider's and AWS's default)."""
    return str(props.get("loadBalancerType") or "application").strip().lower()


def of_type(resources: Iterable[PolicyResource], *types: str) -> list[PolicyResource]:
    """``resources`` of the given types, each once, in order (property dependencies mix types: subnets and SGs)."""
    seen: set[str] = set()
    found = []
    for r in resources:
        if r.resource_type in types and r.urn not in seen:
            seen.add(r.urn)
            found.append(r)
    return found


def related(resource: PolicyResource, prop: str, candidates: Iterable[PolicyResource]) -> list[PolicyResource]:
    """The ``candidates`` that ``resource.prop`` refers to (property dependency, or known id/ARN), in their order."""
    if isinstance(candidates, list) and len(candidates) > _SHORT:
        return indexed(candidates)(resource, prop)
    return [c for c in candidates if depends_on(resource, prop, c)]


_SHORT = 8  # a list this short is scanned rather than indexed


def is_set(resource: PolicyResource, prop: str) -> bool:
    """Whether the program set ``prop``: computed from another resource, or a known value other than null/"".

    Stack policies see outputs, where an optional property the program left out is absent, null, "" or (in a
    preview) unknown; none of those count.
    """
    return bool(deps(resource, prop)) or known(resource.props, prop) not in (None, "")


def names(resources: Iterable[PolicyResource]) -> str:
    """'a', 'b' — resource names for a message."""
    return ", ".join(f"'{r.name}'" for r in resources)


def port_range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


class Rule:
    """A standalone security group rule (``aws.vpc.SecurityGroupIngressRule`` / ``SecurityGroupEgressRule``).

    Its security groups are found through property dependencies, so nothing here reads ``securityGroupId`` or
    ``referencedSecurityGroupId`` values, which are unknown in a preview. Protocol and ports are literals.
    """

    def __init__(self, resource: PolicyResource):
        self.resource = resource

    @property
    def urn(self) -> str:
        return self.resource.urn

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def protocol(self) -> str:
        """"all", "tcp", "udp", "icmp", "icmpv6" or another IANA protocol number."""
        value = self.resource.props.get("ipProtocol")
        number = as_int(value)
        text = str(number) if number is not None else str(value).strip().lower()
        return _PROTOCOL_NAMES.get(text, text)

    @property
    def ports(self) -> tuple[int | None, int | None]:
        return as_int(declared(self.resource, "fromPort")), as_int(declared(self.resource, "toPort"))

    def covers(self, low: int, high: int) -> bool:
        """Whether the rule allows TCP ports ``low``..``high`` (all traffic counts)."""
        if self.protocol == "all":
            return True
        first, last = self.ports
        return self.protocol == "tcp" and first is not None and last is not None and first <= low and high <= last

    def describe(self) -> str:
        """What the rule allows: "all traffic", "tcp 8080", "tcp 32768-65535", "udp 53"."""
        if self.protocol == "all":
            return "all traffic"
        first, last = self.ports
        if first is None or last is None:
            return f"protocol {self.protocol}"
        return f"{self.protocol} {port_range(first, last)}"

    def peers(self, groups: Iterable[PolicyResource]) -> list[PolicyResource]:
        """The ``groups`` this rule names as its peer (``referencedSecurityGroupId``)."""
        return related(self.resource, "referencedSecurityGroupId", groups)

    def cidrs(self) -> list[str]:
        """Descriptions of the rule's CIDR / prefix-list peers, without reading values computed from resources."""
        found = []
        for prop in ("cidrIpv4", "cidrIpv6", "prefixListId"):
            if not is_set(self.resource, prop):
                continue
            sources = deps(self.resource, prop)
            if sources:
                found.append(f"{prop} computed from {names(sources)}")
            else:
                found.append(str(self.resource.props.get(prop)))
        return found

    def other_group(self) -> str | None:
        """The literal ``referencedSecurityGroupId`` when it names no resource of this stack."""
        if deps(self.resource, "referencedSecurityGroupId") or not is_set(self.resource, "referencedSecurityGroupId"):
            return None
        return str(self.resource.props.get("referencedSecurityGroupId"))


def rules_of(rules: Iterable[Rule], group: PolicyResource) -> list[Rule]:
    """The rules that belong to ``group`` (their ``securityGroupId``), in their order."""
    if not isinstance(rules, list) or len(rules) <= _SHORT:
        return [r for r in rules if depends_on(r.resource, "securityGroupId", group)]
    return [rules[i] for i in _rule_index(rules)(group)]


def _rule_index(rules: list[Rule]) -> Any:
    """``referrers`` of the rules' ``securityGroupId``, built once per list of rules (recognised by identity)."""
    for listed, length, found in _RULE_INDEXES:
        if listed is rules and length == len(rules):
            return found
    index = referrers([r.resource for r in rules], "securityGroupId")
    _RULE_INDEXES.insert(0, (rules, len(rules), index))
    del _RULE_INDEXES[8:]
    return index


_RULE_INDEXES: list[tuple[list[Rule], int, Any]] = []


def cidr_covers(cidr: Any, subnets: list[PolicyResource]) -> bool:
    """Whether an IPv4 CIDR contains every subnet's ``cidrBlock`` (a /0 contains anything, subnets unknown or not).

    Subnet CIDR blocks are read as they are: in a preview a computed block is unknown and the SDK reports that the
    policy cannot run yet.
    """
    try:
        network = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return False
    if network.version != 4:
        return False
    if network.prefixlen == 0:
        return True
    if not subnets:
        return False
    for subnet in subnets:
        block = declared(subnet, "cidrBlock")
        try:
            if block is None or not ipaddress.ip_network(str(block), strict=False).subnet_of(network):
                return False
        except (TypeError, ValueError):
            return False
    return True
