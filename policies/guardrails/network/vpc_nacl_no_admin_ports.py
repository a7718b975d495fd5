"""EC2.21: no network ACL allows ingress from 0.0.0.0/0 or ::/0 to port 22 or 3389.

A stack policy over every network ACL the stack's subnets can use:

- each VPC's default network ACL. Unless the stack adopts it with ``aws:ec2/defaultNetworkAcl:DefaultNetworkAcl``
  (whose ``defaultNetworkAclId`` refers to the VPC), it keeps AWS's default entries: rule 100 allows all traffic
  from 0.0.0.0/0 (and from ::/0 in a VPC with IPv6), which includes SSH and RDP. Adopting it removes every entry
  the resource does not declare.
- every ``aws:ec2/networkAcl:NetworkAcl``.

The entries of an ACL are its inline ``ingress`` blocks plus the ``aws:ec2/networkAclRule:NetworkAclRule``
resources (``egress`` false, the default) whose ``networkAclId`` refers to it. An entry fails when it allows
(``action``/``ruleAction`` allow), its source is a /0 (``cidrBlock`` 0.0.0.0/0 or ``ipv6CidrBlock`` ::/0), its
protocol is all traffic (-1), TCP or UDP, and its port range covers 22 or 3389. Like Security Hub's check, every
entry is judged on its own: an allow entry shadowed by a lower-numbered deny still fails, because the deny is one
renumbering away from not applying.

"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, depends_on
from guardrails.base import as_int, as_list, stack_policy

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_ACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
ACL = "aws:ec2/networkAcl:NetworkAcl"
ACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
ADMIN_PORTS = (22, 3389)
_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp"}
AWS_DEFAULT_ENTRY = {"ruleNo": 100, "action": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0",
                     "fromPort": 0, "toPort": 0}


def _protocol(value: Any) -> str | None:
    number = as_int(value)
    return _PROTOCOLS.get(str(number) if number is not None else str(value).strip().lower())


def _open_source(entry: Mapping[str, Any]) -> str | None:
    for key in ("cidrBlock", "ipv6CidrBlock"):
        cidr = entry.get(key)
        try:
            if isinstance(cidr, str) and cidr and ipaddress.ip_network(cidr, strict=False).prefixlen == 0:
                return cidr
        except ValueError:
            continue
    return None


def admin_ports_open(entry: Mapping[str, Any], action_key: str = "action") -> list[int]:
    """The admin ports an ingress entry opens to the whole internet (empty when it does not)."""
    if str(entry.get(action_key) or "").strip().lower() != "allow" or _open_source(entry) is None:
        return []
    protocol = _protocol(entry.get("protocol"))
    if protocol == "all":
        return list(ADMIN_PORTS)
    if protocol not in ("tcp", "udp"):
        return []
    low, high = as_int(entry.get("fromPort")), as_int(entry.get("toPort"))
    if low is None or high is None:
        return []
    return [p for p in ADMIN_PORTS if low <= p <= high]


def _rules(target: PolicyResource, resources: list[PolicyResource]) -> list[PolicyResource]:
    """The ingress NetworkAclRule resources whose networkAclId refers to ``target`` (an ACL, or a VPC whose
    default_network_acl_id they use)."""
    return [rule for rule in by_type(resources, ACL_RULE)
            if declared(rule, "egress") is not True and depends_on(rule, "networkAclId", target)]


def _describe(entry: Mapping[str, Any], ports: list[int], number_key: str) -> str:
    number = as_int(entry.get(number_key))
    rule = f"rule {number}" if number is not None else "an entry"
    return f"{rule} allows {_protocol(entry.get('protocol'))} from {_open_source(entry)} to port(s) " \
           f"{', '.join(str(p) for p in ports)}"


def _judge(label: str, urn: str, inline: list[Any], rules: list[PolicyResource], report: ReportViolation) -> None:
    findings = []
    for entry in inline:
        if isinstance(entry, Mapping) and (ports := admin_ports_open(entry)):
            findings.append(_describe(entry, ports, "ruleNo"))
    for rule in rules:
        if ports := admin_ports_open(rule.props, "ruleAction"):
            findings.append(f"network ACL rule '{rule.name}': " + _describe(rule.props, ports, "ruleNumber"))
    if findings:
        report(f"{label}: {'; '.join(findings)}. Deny SSH and RDP from the internet: allow only the ports the "
               "subnets serve (split ranges around 22 and 3389), or narrow the source CIDR.", urn)


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    adopted = by_type(resources, DEFAULT_ACL)
    judged: set[str] = set()
    for vpc in by_type(resources, VPC):
        by_vpc = _rules(vpc, resources)
        own = [a for a in adopted if depends_on(a, "defaultNetworkAclId", vpc)]
        for acl in own:
            judged.add(acl.urn)
            _judge(f"default network ACL '{acl.name}'", acl.urn, as_list(declared(acl, "ingress")),
                   _rules(acl, resources) + by_vpc, report)
        if own:
            continue
        entries: list[Any] = [AWS_DEFAULT_ENTRY]
        if declared(vpc, "assignGeneratedIpv6CidrBlock") is True or declared(vpc, "ipv6CidrBlock"):
            entries.append({**AWS_DEFAULT_ENTRY, "ruleNo": 101, "cidrBlock": None, "ipv6CidrBlock": "::/0"})
        _judge(f"VPC '{vpc.name}' keeps AWS's default network ACL (no aws.ec2.DefaultNetworkAcl adopts it), whose "
               "rule 100 allows all traffic from the internet", vpc.urn, entries, by_vpc, report)
    for acl in (a for a in adopted if a.urn not in judged):
        _judge(f"default network ACL '{acl.name}'", acl.urn, as_list(declared(acl, "ingress")),
               _rules(acl, resources), report)
    for acl in by_type(resources, ACL):
        _judge(f"network ACL '{acl.name}'", acl.urn, as_list(declared(acl, "ingress")), _rules(acl, resources),
               report)


POLICY = stack_policy(
    name="vpc-nacl-no-admin-ports",
    description=(
        "No network ACL entry, including those of a VPC's default network ACL that the stack does not adopt, allows "
        "ingress from 0.0.0.0/0 or ::/0 to port 22 or 3389."
    ),
    service="ec2",
    severity=Severity.MEDIUM,
    controls=["EC2.21"],
    remediation=(
        "Adopt each VPC's default network ACL with aws.ec2.DefaultNetworkAcl(default_network_acl_id="
        "vpc.default_network_acl_id, subnet_ids=...) and declare ingress entries that allow tcp and udp 0-21, "
        "23-3388 and 3390-65535 (and the ICMP types needed) instead of all traffic; declare egress explicitly."
    ),
    validate=check,
)
