"""EC2.18, EC2.19, EC2.53, EC2.54: no security-group ingress from the whole internet except to the ALB's listener ports.

Judges ingress in every form (``guardrails._sg``): standalone ``aws.vpc.SecurityGroupIngressRule``s,
``aws.ec2.SecurityGroupRule``s of type ingress, and inline ``ingress`` blocks of ``aws.ec2.SecurityGroup`` and
``aws.ec2.DefaultSecurityGroup``; "-1"/"all" and protocol numbers mean what AWS makes of them. A CIDR is "the
internet" when its prefix length is 0 (``0.0.0.0/0``, ``::/0``). Such a rule is allowed only on a security group
that application load balancers use (``loadBalancerType`` unset means application) and nothing else attaches, for
exactly one TCP port that is one of those load balancers' listener ports. A group the load balancer shares with
ECS tasks (``networkConfiguration.securityGroups``), launch templates or instances gets no exception: its listener
ports would be open on those workloads too.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, depends_on, names
from guardrails._sg import INGRESS, Permission, Rules, describe_workload, workloads
from guardrails.base import as_int, stack_policy
from guardrails.elb._lb import LISTENERS, LOAD_BALANCERS, lb_type


def _albs(resources: list[PolicyResource], groups: list[PolicyResource]) -> list[PolicyResource]:
    """The application load balancers that use one of ``groups``."""
    return [
        lb for lb in by_type(resources, *LOAD_BALANCERS)
        if lb_type(lb.props) == "application"
        and any(depends_on(lb, "securityGroups", sg) for sg in groups)
    ]


def _listener_ports(resources: list[PolicyResource], albs: list[PolicyResource]) -> set[int]:
    ports = (
        as_int(listener.props.get("port"))
        for listener in by_type(resources, *LISTENERS)
        if any(depends_on(listener, "loadBalancerArn", lb) for lb in albs)
    )
    return {p for p in ports if p is not None}


def _describe(rule: Permission) -> str:
    low, high = rule.from_port, rule.to_port
    if rule.all_traffic:
        return "all traffic"
    if low is None and high is None:
        return f"all protocol {rule.protocol} traffic"
    if rule.protocol in ("icmp", "icmpv6"):
        return f"{rule.protocol} type {low} code {high}"
    return f"{rule.protocol} port {low}" if low == high else f"{rule.protocol} ports {low}-{high}"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    rules = Rules(resources)
    for rule in rules.direction(INGRESS):
        if not rule.peer.internet:
            continue
        what = f"{rule.label} allows {_describe(rule)} from {rule.peer.text}"
        groups = rule.groups(rules.groups)
        albs = _albs(resources, groups)
        if not albs:
            report(f"{what}; only an application load balancer's security group may accept traffic from the "
                   "internet, and only on its listener ports.", rule.urn)
            continue
        shared = [w for group in groups for w in workloads(resources, group)]
        if shared:
            report(f"{what}; security group {names(groups)} of load balancer {names(albs)} is also attached to "
                   f"{', '.join(describe_workload(w) for w in shared)}, which the internet then reaches directly; "
                   "give the load balancer a security group of its own.", rule.urn)
            continue
        ports = _listener_ports(resources, albs)
        if not (rule.protocol == "tcp" and rule.from_port == rule.to_port and rule.from_port in ports):
            allowed = ", ".join(str(p) for p in sorted(ports)) or "none (it has no listener)"
            report(f"{what}; this load balancer security group may be open to the internet only on one TCP "
                   f"listener port per rule: {allowed}.", rule.urn)


POLICY = stack_policy(
    name="no-public-ingress",
    description=(
        "No security group accepts traffic from the internet (a /0 CIDR such as 0.0.0.0/0 or ::/0), except an "
        "application load balancer's own security group on that load balancer's listener ports."
    ),
    service="ec2",
    severity=Severity.HIGH,
    controls=["EC2.18", "EC2.19", "EC2.53", "EC2.54"],
    remediation=(
        "Replace the /0 source with the security group that needs access (referenced_security_group_id) or a "
        "narrow CIDR; internet traffic enters only through the ALB, whose group opens exactly its listener "
        "ports (one rule per port, ip_protocol tcp) and is attached to nothing else."
    ),
    validate=check,
)
