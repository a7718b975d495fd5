"""Security-group rules in every form the provider accepts, as one kind of permission.

AWS enforces a permission the same way whatever declared it:

- ``aws.vpc.SecurityGroupIngressRule`` / ``SecurityGroupEgressRule``: one peer (``cidrIpv4``, ``cidrIpv6``,
  ``prefixListId`` or ``referencedSecurityGroupId``), ``ipProtocol``, and ports (none with protocol -1);
- ``aws.ec2.SecurityGroupRule`` of ``type`` ingress or egress: ``cidrBlocks``, ``ipv6CidrBlocks``,
  ``prefixListIds``, ``sourceSecurityGroupId`` or ``self``; ``protocol``, ``fromPort``, ``toPort``;
- inline ``ingress`` / ``egress`` blocks of ``aws.ec2.SecurityGroup`` and ``aws.ec2.DefaultSecurityGroup``:
  ``cidrBlocks``, ``ipv6CidrBlocks``, ``prefixListIds``, ``securityGroups``, ``self``; ``protocol`` and ports.

Each rule is split into one ``Permission`` per peer. Protocols are compared by meaning: "-1" and "all" are every
protocol on every port, and an IANA number is its protocol ("6" is tcp). A security group the provider creates has
no egress unless one is declared (the provider removes the allow-all egress AWS adds to a new group), so the
declared permissions are all there is.

Relations follow property dependencies (see ``guardrails._graph``). Inline blocks share one dependency list for the
whole ``ingress`` or ``egress`` property: an unknown group id in a block is the property's security-group
dependency when there is exactly one; with several, which block names which group is read from the values, and in a
preview that raises the SDK's unknown-value error ("can't run policy during preview").

After an update, a group's ``ingress`` and ``egress`` outputs also list what its standalone rules added (the
provider reads every rule of the group back). An inline block that a standalone rule of the same group explains is
that read-back, not a declaration of its own, and is left out.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from guardrails._graph import by_type, declared, deps, is_set, known, names, of_type, refers_to, related
from guardrails.base import as_int, as_list

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
GROUPS = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS, EGRESS = "ingress", "egress"
RULE, LEGACY, INLINE = "rule", "legacy", "inline"
CIDR, PREFIX_LIST, GROUP, SELF = "cidr", "prefix list", "group", "self"

_PROTOCOL_NAMES = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def protocol(value: Any) -> str:
    """"all", "tcp", "udp", "icmp", "icmpv6", or another IANA protocol number, from any form the provider takes."""
    number = as_int(value)
    text = str(number) if number is not None else str(value).strip().lower()
    return _PROTOCOL_NAMES.get(text, text)


def port_range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError:
        return None


def is_internet(value: Any) -> bool:
    """A CIDR with prefix length 0 (0.0.0.0/0, ::/0, or any address written with /0)."""
    return isinstance(value, str) and "/" in value and as_int(value.rsplit("/", 1)[1]) == 0


def cidr_covers(cidr: Any, subnets: list[PolicyResource]) -> bool:
    """Whether an IPv4 CIDR contains every subnet's ``cidrBlock`` (a /0 contains anything, subnets known or not).

    Subnet CIDR blocks are read as they are: in a preview a computed block is unknown and the SDK reports that the
    policy cannot run yet.
    """
    net = network(cidr)
    if net is None or net.version != 4:
        return False
    if net.prefixlen == 0:
        return True
    if not subnets:
        return False
    for subnet in subnets:
        block = network(declared(subnet, "cidrBlock"))
        if block is None or block.version != 4 or not block.subnet_of(net):
            return False
    return True


@dataclass(frozen=True)
class Peer:
    """The other end of a permission: a CIDR, a prefix list, a security group, or the permission's own group."""

    kind: str
    prop: str  # the property that names it ("cidrIpv4", "cidrBlocks", "securityGroups", ...)
    value: Any  # the known literal; None when it is unknown (computed from ``sources``)
    sources: tuple[PolicyResource, ...] = ()
    read: Callable[[], Any] = field(default=lambda: None, compare=False)  # reads the value; raises when unknown

    @property
    def text(self) -> str:
        """The peer for a message: its value, or what it is computed from (never reading an unknown value)."""
        if self.value is not None:
            return str(self.value)
        if self.sources:
            return f"{self.prop} computed from {names(self.sources)}"
        return str(self.read())

    @property
    def internet(self) -> bool:
        """Whether a CIDR peer is the whole internet; reads the value (unknown in a preview: the SDK's error)."""
        return self.kind == CIDR and is_internet(self.value if self.value is not None else self.read())

    def covers(self, subnets: list[PolicyResource]) -> bool:
        """Whether an IPv4 CIDR peer contains ``subnets`` (see ``cidr_covers``); reads the value."""
        return self.kind == CIDR and cidr_covers(self.value if self.value is not None else self.read(), subnets)


@dataclass(frozen=True)
class Permission:
    """What one rule allows to or from one peer."""

    resource: PolicyResource  # the rule, or the group that declares the inline block
    form: str  # RULE, LEGACY or INLINE
    direction: str  # INGRESS or EGRESS
    protocol: str
    from_port: int | None
    to_port: int | None
    peer: Peer
    index: int | None = None  # the inline block's position in ``ingress`` / ``egress``

    @property
    def urn(self) -> str:
        return self.resource.urn

    @property
    def all_traffic(self) -> bool:
        return self.protocol == "all"

    @property
    def label(self) -> str:
        """"ingress rule 'x'", or "security group 'g' (inline ingress)"."""
        if self.form == INLINE:
            return f"security group '{self.resource.name}' (inline {self.direction})"
        return f"{self.direction} rule '{self.resource.name}'"

    def where(self, group: PolicyResource) -> str:
        """"ingress rule 'x' of security group 'g'", or "inline ingress #1 of security group 'g'"."""
        if self.form == INLINE:
            return f"inline {self.direction} #{(self.index or 0) + 1} of security group '{group.name}'"
        return f"{self.direction} rule '{self.resource.name}' of security group '{group.name}'"

    def covers(self, low: int, high: int) -> bool:
        """Whether the permission allows TCP ports ``low``..``high`` (all traffic does)."""
        if self.all_traffic:
            return True
        first, last = self.from_port, self.to_port
        return self.protocol == "tcp" and first is not None and last is not None and first <= low and high <= last

    def describe(self) -> str:
        """"all traffic", "tcp 8080", "tcp 32768-65535", "icmp -1", "protocol 50"."""
        if self.all_traffic:
            return "all traffic"
        if self.from_port is None or self.to_port is None:
            return f"protocol {self.protocol}"
        return f"{self.protocol} {port_range(self.from_port, self.to_port)}"

    def groups(self, candidates: Iterable[PolicyResource]) -> list[PolicyResource]:
        """The ``candidates`` the permission belongs to (its ``securityGroupId``, or the declaring group)."""
        if self.form == INLINE:
            return [c for c in candidates if c.urn == self.resource.urn]
        return related(self.resource, "securityGroupId", candidates)

    def belongs_to(self, group: PolicyResource) -> bool:
        return bool(self.groups([group]))

    def peer_groups(self, candidates: list[PolicyResource]) -> list[PolicyResource]:
        """The ``candidates`` named as the peer (a self rule names its own group)."""
        if self.peer.kind == SELF:
            return self.groups(candidates)
        if self.peer.kind != GROUP:
            return []
        if self.form != INLINE:
            return related(self.resource, self.peer.prop, candidates)
        if self.peer.value is not None:
            return [c for c in candidates if known(c.props, "id") == self.peer.value]
        named = [g for g in self.peer.sources if g.resource_type in GROUPS]
        if len(named) > 1:
            self.peer.read()  # which of them this block names is only in the value: unknown in a preview
        return [c for c in candidates if any(c.urn == g.urn for g in named)]

    def outside_group(self, candidates: list[PolicyResource]) -> str | None:
        """A group peer that is none of ``candidates`` (an id typed in, or a group of another stack)."""
        if self.peer.kind != GROUP or self.peer_groups(candidates):
            return None
        return self.peer.text


def _peer(kind: str, container: Any, key: str | int, prop: str, sources: list[PolicyResource]) -> Peer:
    return Peer(kind, prop, known(container, key), tuple(sources), lambda: container[key])


def _unknown(container: Any, key: str) -> bool:
    """Whether ``container`` holds ``key`` with a value unknown in a preview (listing keys reads no value)."""
    if key not in list(container):
        return False
    try:
        container[key]
    except UnknownValueError:
        return True
    return False


def _present(resource: PolicyResource, prop: str) -> bool:
    """Whether the program set a peer property: computed from a resource, a known value other than null/"", or a
    value still unknown. The provider computes none of the CIDR, prefix-list and referenced-group properties, so an
    unknown value is one the program computed, never the provider's way of saying "unset"."""
    return bool(deps(resource, prop)) or _unknown(resource.props, prop) or known(resource.props, prop) not in (None, "")


def _listed(kind: str, container: Any, prop: str, sources: list[PolicyResource]) -> list[Peer]:
    """One peer per element of a list property; a whole list still unknown is one unknown peer."""
    value = known(container, prop)
    if value is None:
        return [_peer(kind, container, prop, prop, sources)] if sources or _unknown(container, prop) else []
    return [_peer(kind, value, index, prop, sources) for index in range(len(value))]


def _ports(proto: str, read: Callable[[str], Any]) -> tuple[int | None, int | None]:
    if proto == "all":
        return None, None
    return as_int(read("fromPort")), as_int(read("toPort"))


def _standalone(rule: PolicyResource) -> list[Permission]:
    """The permission of an ``aws.vpc`` ingress or egress rule."""
    direction = INGRESS if rule.resource_type == INGRESS_RULE else EGRESS
    proto = protocol(rule.props.get("ipProtocol"))
    low, high = _ports(proto, lambda p: declared(rule, p))
    found = []
    for prop, kind in (("cidrIpv4", CIDR), ("cidrIpv6", CIDR), ("prefixListId", PREFIX_LIST),
                       ("referencedSecurityGroupId", GROUP)):
        if _present(rule, prop):
            found.append(_peer(kind, rule.props, prop, prop, deps(rule, prop)))
    return [Permission(rule, RULE, direction, proto, low, high, peer) for peer in found]


def _legacy(rule: PolicyResource) -> list[Permission]:
    """The permissions of an ``aws.ec2.SecurityGroupRule``."""
    direction = str(rule.props.get("type") or "").strip().lower()
    if direction not in (INGRESS, EGRESS):
        return []
    proto = protocol(rule.props.get("protocol"))
    low, high = _ports(proto, rule.props.get)
    found = []
    for prop, kind in (("cidrBlocks", CIDR), ("ipv6CidrBlocks", CIDR), ("prefixListIds", PREFIX_LIST)):
        if _present(rule, prop):
            found += _listed(kind, rule.props, prop, deps(rule, prop))
    if is_set(rule, "sourceSecurityGroupId"):  # provider-computed: unknown when left out
        found.append(_peer(GROUP, rule.props, "sourceSecurityGroupId", "sourceSecurityGroupId",
                           deps(rule, "sourceSecurityGroupId")))
    if declared(rule, "self") is True:
        found.append(Peer(SELF, "self", True))
    return [Permission(rule, LEGACY, direction, proto, low, high, peer) for peer in found]


PEER_PROPS = ("cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "securityGroups")


def block_allows(block: Any) -> bool:
    """Whether an inline block names a peer (a CIDR, prefix list, group or ``self``): without one it allows
    nothing, the provider documents ("If nothing is specified, traffic will be blocked")."""
    if not isinstance(block, Mapping):
        return False
    return block.get("self") is True or any(len(as_list(block.get(prop))) > 0 for prop in PEER_PROPS)


def _inline(group: PolicyResource, direction: str) -> list[Permission]:
    """The permissions of a group's inline ``ingress`` or ``egress`` blocks."""
    sources = deps(group, direction)
    others = [s for s in sources if s.resource_type not in GROUPS]
    found = []
    for index, block in enumerate(as_list(declared(group, direction))):
        if not isinstance(block, Mapping):
            continue
        proto = protocol(block.get("protocol"))
        low, high = _ports(proto, block.get)
        peers = []
        for prop, kind, from_ in (("cidrBlocks", CIDR, others), ("ipv6CidrBlocks", CIDR, others),
                                  ("prefixListIds", PREFIX_LIST, others), ("securityGroups", GROUP, sources)):
            if known(block, prop) is not None or _unknown(block, prop):
                peers += _listed(kind, block, prop, from_)
        if block.get("self") is True:
            peers.append(Peer(SELF, "self", True))
        found += [Permission(group, INLINE, direction, proto, low, high, peer, index) for peer in peers]
    return found


def _key(permission: Permission, own_id: Any) -> tuple[Any, ...] | None:
    """What a permission allows, by known values, to tell an inline block read back from a standalone rule."""
    peer = permission.peer
    if peer.kind == SELF or (peer.kind == GROUP and peer.value is not None and peer.value == own_id):
        target: Any = (SELF,)
    elif peer.value is None:
        return None
    elif peer.kind == CIDR:
        net = network(peer.value)
        target = (CIDR, str(net) if net is not None else peer.value)
    else:
        target = (peer.kind, peer.value)
    ports = None if permission.all_traffic else (permission.from_port, permission.to_port)
    return permission.direction, permission.protocol, ports, target


class Rules:
    """Every security-group permission of a stack, with the groups they belong to.

    Standalone rules are read at once; a group's inline blocks only when that group's permissions are asked for, so
    that inline rules unknown in a preview (computed from other resources) stop only the judgments that need them.
    """

    def __init__(self, resources: Iterable[PolicyResource]):
        resources = list(resources)
        self.groups = by_type(resources, *GROUPS)
        self.rule_resources = by_type(resources, INGRESS_RULE, EGRESS_RULE, LEGACY_RULE)
        self.standalone: list[Permission] = []
        for rule in self.rule_resources:
            self.standalone += _legacy(rule) if rule.resource_type == LEGACY_RULE else _standalone(rule)
        self._standalone_of: dict[str, list[Permission]] = {}
        self._rules_of_group: dict[str, list[PolicyResource]] = {}
        for rule in self.rule_resources:
            for group in related(rule, "securityGroupId", self.groups):
                self._rules_of_group.setdefault(group.urn, []).append(rule)
        for permission in self.standalone:
            for group in permission.groups(self.groups):
                self._standalone_of.setdefault(group.urn, []).append(permission)
        self._inline: dict[str, list[Permission]] = {}

    def inline(self, group: PolicyResource) -> list[Permission]:
        """The permissions of ``group``'s inline blocks that no standalone rule of the group explains."""
        if group.urn not in self._inline:
            own_id = known(group.props, "id")
            explained = {_key(p, own_id) for p in self._standalone_of.get(group.urn, [])} - {None}
            declared_here = [p for direction in (INGRESS, EGRESS) for p in _inline(group, direction)]
            self._inline[group.urn] = [p for p in declared_here if _key(p, own_id) not in explained]
        return self._inline[group.urn]

    def of(self, group: PolicyResource, direction: str | None = None) -> list[Permission]:
        """The permissions of ``group``, optionally of one direction."""
        found = self._standalone_of.get(group.urn, []) + self.inline(group)
        return [p for p in found if direction in (None, p.direction)]

    def standalone_rules(self, group: PolicyResource) -> list[PolicyResource]:
        """The rule resources (``aws.vpc`` and ``aws.ec2.SecurityGroupRule``) whose ``securityGroupId`` is ``group``."""
        return self._rules_of_group.get(group.urn, [])

    def direction(self, direction: str) -> Iterator[Permission]:
        """Every permission of one direction: standalone rules first, then each group's inline blocks."""
        yield from (p for p in self.standalone if p.direction == direction)
        for group in self.groups:
            yield from (p for p in self.inline(group) if p.direction == direction)


# ---- what attaches a security group --------------------------------------------------------------------------

SERVICE = "aws:ecs/service:Service"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
ATTACHING = {
    SERVICE: ("networkConfiguration",),
    LAUNCH_TEMPLATE: ("vpcSecurityGroupIds", "networkInterfaces"),
    INSTANCE: ("vpcSecurityGroupIds", "securityGroups"),
}


def attached_groups(resource: PolicyResource, groups: list[PolicyResource]) -> list[PolicyResource]:
    """The ``groups`` an ECS service (``networkConfiguration.securityGroups``), launch template
    (``vpcSecurityGroupIds``, ``networkInterfaces[].securityGroups``) or instance attaches."""
    props = ATTACHING.get(resource.resource_type, ())
    return of_type([g for g in groups for prop in props if refers_to(resource, prop, g)], *GROUPS)


def describe_workload(resource: PolicyResource) -> str:
    """"the tasks of ECS service 'web'", "the instances of launch template 'lt'", "instance 'bastion'"."""
    if resource.resource_type == SERVICE:
        return f"the tasks of ECS service '{resource.name}'"
    if resource.resource_type == LAUNCH_TEMPLATE:
        return f"the EC2 instances of launch template '{resource.name}'"
    return f"EC2 instance '{resource.name}'"


def workloads(resources: Iterable[PolicyResource], group: PolicyResource) -> list[PolicyResource]:
    """The ECS services, launch templates and instances that attach ``group``."""
    return [r for r in by_type(resources, *ATTACHING) if attached_groups(r, [group])]
