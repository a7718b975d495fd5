"""The application load balancer reaches exactly its ECS targets' ports, and nothing else reaches the targets.

A stack policy; how the load balancer, its target groups, the ECS services behind them and their tasks' or
instances' security groups relate is in ``guardrails.elb._targets``. Rules in every form count alike
(``guardrails._sg``): ``aws.vpc.SecurityGroupIngressRule`` / ``SecurityGroupEgressRule``,
``aws.ec2.SecurityGroupRule``, and inline ``ingress`` / ``egress`` blocks. A group the provider creates has no egress
unless one is declared: the provider removes AWS's default allow-all egress.

- an instance security group admits exactly tcp 32768-65535 (the ECS dynamic host ports) from the ALB's security
  group(s), and nothing else (no CIDR, no prefix list, no other group, no other port) except a fixed health check
  port of its target groups;
- a task security group admits only its services' container port(s) (and fixed health check ports), only from the
  ALB's security group(s);
- the ALB reaches every port it forwards or health-checks: one of its groups has an egress rule covering the port
  to the target's group (or to a CIDR containing the targets' subnets: 0.0.0.0/0 contains every subnet), and one of
  the target's groups admits it from one of the ALB's groups (or from a CIDR containing the ALB's subnets). A
  blocked port is a violation; an open one may still be (a target group open to a CIDR is reported as such);
- a security group that the ALB and its targets share is a violation: whatever reaches the load balancer through it
  (the internet, for an internet-facing one) reaches the targets directly;
- a group with inline rules must not also have standalone rules: the provider documents that the two "may cause
  rule conflicts, perpetual differences, and result in rules being overwritten".

Findings name the URN of the offending rule or security group (or of the resource that breaks the chain). Left to
other policies: fixed host ports in bridge mode and target types that do not fit the network mode
(``ecs-load-balancer-consistency``), the ALB's own listener ingress (``no-public-ingress``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, deps, names, of_type
from guardrails._sg import CIDR, EGRESS, INGRESS, PREFIX_LIST, Permission, is_internet, port_range
from guardrails.base import stack_policy
from guardrails.elb._lb import LOAD_BALANCERS, TARGET_GROUPS, lb_type
from guardrails.elb._targets import EPHEMERAL, INSTANCE, TASK, Findings, Stack, Target, targets

SERVICE = "aws:ecs/service:Service"


@dataclass
class Allowance:
    """What may reach one target security group."""

    kinds: set[str] = field(default_factory=set)
    sources: dict[str, PolicyResource] = field(default_factory=dict)  # ALB security groups by URN
    task_ports: set[int] = field(default_factory=set)
    health_ports: set[int] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)


def _admitted(stack: Stack, target: Target, alb_groups: list[PolicyResource], alb_subnets: list[PolicyResource],
              low: int, high: int) -> bool:
    """Whether a target group admits the port from the ALB: by group reference first, and only then by CIDR (whose
    value may be unknown in a preview)."""
    rules = [p for group in target.groups for p in stack.rules.of(group, INGRESS) if p.covers(low, high)]
    if any(p.peer_groups(alb_groups) for p in rules):
        return True
    return any(p.peer.covers(alb_subnets) for p in rules if p.peer.kind == CIDR)


def _reached(stack: Stack, target: Target, alb_groups: list[PolicyResource], low: int, high: int) -> bool:
    """Whether an egress rule of the ALB's groups lets the port out to the target (group first, then CIDR)."""
    rules = [p for group in alb_groups for p in stack.rules.of(group, EGRESS) if p.covers(low, high)]
    if any(p.peer_groups(target.groups) for p in rules):
        return True
    return any(p.peer.covers(target.subnets) for p in rules if p.peer.kind == CIDR)


def _check_reach(stack: Stack, target: Target, alb: PolicyResource, alb_groups: list[PolicyResource],
                 findings: Findings) -> None:
    for low, high in target.reached:
        ports = f"tcp {port_range(low, high)}"
        if not _admitted(stack, target, alb_groups, stack.alb_subnets(alb), low, high):
            findings.add(target.groups[0], (
                f"security group(s) {names(target.groups)} of {target.label} do not admit {ports} from the security "
                f"group(s) {names(alb_groups)} of load balancer '{alb.name}', so the load balancer cannot reach its "
                f"targets; add an ingress rule for {ports} referencing the load balancer's security group."
            ))
        if not _reached(stack, target, alb_groups, low, high):
            findings.add(alb_groups[0], (
                f"security group(s) {names(alb_groups)} of load balancer '{alb.name}' have no egress rule allowing "
                f"{ports} to {names(target.groups)} of {target.label}, so the load balancer cannot reach its "
                f"targets; add an egress rule for {ports} referencing the targets' security group."
            ))


def _exact(rule: Permission, allowance: Allowance) -> bool:
    """Whether a rule from the load balancer admits only what the targets need."""
    first, last = rule.from_port, rule.to_port
    if rule.protocol != "tcp" or first is None or last is None:
        return False
    ports = set(range(first, last + 1))
    if not ports:
        return False
    if INSTANCE in allowance.kinds and ((first, last) == EPHEMERAL or ports <= allowance.health_ports):
        return True
    return TASK in allowance.kinds and ports <= allowance.task_ports | allowance.health_ports


def _check_rule(stack: Stack, rule: Permission, group: PolicyResource, allowance: Allowance,
                findings: Findings) -> None:
    """One ingress permission of a target security group: from the ALB only, and only the target port(s)."""
    what = f"{rule.where(group)} ({'; '.join(allowance.labels)})"
    sources = names(allowance.sources.values())
    only = f"only the load balancer's security group{f'(s) {sources}' if sources else ''} may reach ECS targets"
    if rule.peer.kind in (CIDR, PREFIX_LIST):
        internet = " (the whole internet)" if is_internet(rule.peer.value) else ""
        findings.add(rule.resource, f"{what} admits {rule.describe()} from {rule.peer.text}{internet}; {only}.")
        return
    if not allowance.sources:
        return  # the load balancer's own groups are unknown (reported on it): no group or port can be judged
    peers = rule.peer_groups(stack.groups)
    others = [g for g in peers if g.urn not in allowance.sources]
    outside = rule.outside_group(stack.groups)
    if others or outside:
        other = names(others) if others else repr(outside)
        findings.add(rule.resource, f"{what} admits {rule.describe()} from security group {other}; {only}.")
        return
    if not peers or _exact(rule, allowance):
        return
    allowed = []
    health = ", ".join(str(p) for p in sorted(allowance.health_ports))
    if INSTANCE in allowance.kinds:
        allowed.append(f"an instance group admits exactly tcp {port_range(*EPHEMERAL)} (the ECS dynamic host port "
                       "range)" + (f" and the health check port(s) {health}" if health else "") + " from it")
    if TASK in allowance.kinds:
        ports = ", ".join(str(p) for p in sorted(allowance.task_ports)) or "none"
        allowed.append(f"a task group admits only the container port(s) {ports}"
                       + (f" and the health check port(s) {health}" if health else "") + " from it")
    findings.add(rule.resource, f"{what} admits {rule.describe()} from the load balancer; {' and '.join(allowed)}.")


def _check_shared(stack: Stack, group: PolicyResource, albs: list[PolicyResource], allowance: Allowance,
                  findings: Findings) -> None:
    """A group of the load balancer that its targets carry too."""
    open_to = [f"{p.describe()} from {p.peer.value}" for p in stack.rules.of(group, INGRESS)
               if p.peer.kind == CIDR and is_internet(p.peer.value)]
    internet = f" (here {', '.join(open_to)}: the whole internet)" if open_to else ""
    findings.add(group, (
        f"security group '{group.name}' belongs to load balancer {names(albs)} and to {'; '.join(allowance.labels)}, "
        f"so whatever reaches the load balancer through it reaches those targets directly{internet}; give the "
        "targets a security group of their own that admits only the load balancer's group."
    ))


def _check_mixed(stack: Stack, group: PolicyResource, findings: Findings) -> None:
    """Inline rules next to standalone rules on one group."""
    rules = stack.rules.standalone_rules(group)
    if not rules:
        return
    inline = bool(stack.rules.inline(group))
    for direction in (INGRESS, EGRESS):
        value = declared(group, direction)
        empty = isinstance(value, Sequence) and not isinstance(value, str) and not value
        if empty and stack.rules.of(group, direction):
            inline = True  # an explicit empty list makes the provider remove every other rule of that direction
    if inline:
        findings.add(group, (
            f"security group '{group.name}' declares inline ingress/egress rules and also has standalone rule(s) "
            f"{names(rules)}; the provider does not support both on one group (rules conflict and are overwritten), "
            "so what reaches the load balancer's targets cannot be relied on; declare every rule of the group as "
            "aws.vpc.SecurityGroupIngressRule / SecurityGroupEgressRule resources."
        ))


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(list(args.resources))
    albs = [lb for lb in by_type(stack.resources, *LOAD_BALANCERS) if lb_type(lb.props) == "application"]
    if not albs:
        args.not_applicable("the stack has no application load balancer")
    findings = Findings(report)

    balancers_of_group: dict[str, list[PolicyResource]] = defaultdict(list)
    alb_groups: dict[str, list[PolicyResource]] = {}
    for alb in albs:
        alb_groups[alb.urn] = stack.alb_groups(alb)
        if not alb_groups[alb.urn]:
            findings.add(alb, f"application load balancer '{alb.name}' has no security group of this stack "
                              "(securityGroups), so what it reaches cannot be checked; give it its own.")
        for group in stack.target_groups(alb):
            balancers_of_group[group.urn].append(alb)

    found: list[Target] = []
    for service in by_type(stack.resources, SERVICE):
        groups = [g for g in of_type(deps(service, "loadBalancers"), *TARGET_GROUPS) if g.urn in balancers_of_group]
        balancers = of_type([alb for g in groups for alb in balancers_of_group[g.urn]], *LOAD_BALANCERS)
        if balancers:
            found += targets(stack, service, balancers, groups, findings)

    albs_of_group: dict[str, list[PolicyResource]] = defaultdict(list)
    for alb in albs:
        for group in alb_groups[alb.urn]:
            albs_of_group[group.urn].append(alb)
    checked = {g.urn: g for groups in alb_groups.values() for g in groups}
    allowances: dict[str, Allowance] = defaultdict(Allowance)
    target_groups_by_urn: dict[str, PolicyResource] = {}
    for target in found:
        for group in target.groups:
            target_groups_by_urn[group.urn] = group
            allowance = allowances[group.urn]
            allowance.kinds.add(target.kind)
            if target.label not in allowance.labels:
                allowance.labels.append(target.label)
            allowance.sources.update({g.urn: g for alb in target.balancers for g in alb_groups[alb.urn]})
            allowance.health_ports |= target.health_ports
            if target.kind == TASK:
                allowance.task_ports.update(low for low, high in target.ports if low == high)
    checked.update(target_groups_by_urn)
    for group in checked.values():
        _check_mixed(stack, group, findings)

    for target in found:
        for alb in target.balancers:
            if alb_groups[alb.urn]:
                _check_reach(stack, target, alb, alb_groups[alb.urn], findings)
    for urn, allowance in allowances.items():
        group = target_groups_by_urn[urn]
        if urn in albs_of_group:
            _check_shared(stack, group, albs_of_group[urn], allowance, findings)
            continue
        for rule in stack.rules.of(group, INGRESS):
            _check_rule(stack, rule, group, allowance, findings)


POLICY = stack_policy(
    name="alb-target-security-groups",
    description=(
        "The application load balancer's security groups reach exactly the ports of its ECS targets (tcp "
        "32768-65535 on EC2 instances in bridge mode, the container ports on awsvpc tasks, and fixed health check "
        "ports), nothing else reaches the targets' security groups, and the targets do not share the load "
        "balancer's group."
    ),
    service="elb",
    severity=Severity.HIGH,
    remediation=(
        "Give the ALB, the container instances and each service's tasks their own aws.ec2.SecurityGroup; add an "
        "aws.vpc.SecurityGroupIngressRule on the instance group for tcp 32768-65535 and on each task group for the "
        "container port, both with referenced_security_group_id = the ALB's group, and the matching "
        "aws.vpc.SecurityGroupEgressRule on the ALB's group referencing the target group; remove any other ingress "
        "(CIDRs, other groups, other ports) from the target groups, and do not mix inline rules with rule resources."
    ),
    validate=check,
)
