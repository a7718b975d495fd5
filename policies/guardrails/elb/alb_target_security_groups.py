"""The application load balancer reaches exactly its ECS targets' ports, and nothing else reaches the targets.

A stack policy over property dependencies (never ids, so it runs in a preview where ids are unknown):

- the ALB's security groups: ``LoadBalancer.securityGroups``;
- its target groups: those in ``Listener.defaultActions`` of its listeners (``loadBalancerArn``) and in
  ``ListenerRule.actions`` of their rules (``listenerArn``);
- the ECS services behind it: ``Service.loadBalancers`` naming one of those target groups; the service's task
  definition (``taskDefinition``) gives the network mode (unset means bridge);
- awsvpc (Fargate) services: the task security groups are the service's ``networkConfiguration`` groups, and the
  target ports are the ``loadBalancers[].containerPort``s (ECS registers each task's IP with the container port);
- bridge (EC2) services: the instance security groups are those of the launch template
  (``vpcSecurityGroupIds`` / ``networkInterfaces``) of the Auto Scaling group
  (``autoScalingGroupProvider``) of the service's capacity provider (``capacityProviderStrategies``, or the
  cluster's default strategy in ``aws:ecs/clusterCapacityProviders:ClusterCapacityProviders``). The target port is
  the dynamic host port: the ECS developer guide says that with host port 0 "the host port is dynamically chosen
  from the ephemeral port range of the container instance (such as 32768 to 61000 on the latest Amazon
  ECS-optimized AMI)", and the PortMapping API reference says the range is the instance's
  ``/proc/sys/net/ipv4/ip_local_port_range`` and, if that is unavailable, "49153 through 65535 (Linux)". The union
  of the Linux default (32768-60999, as on the ECS-optimized Amazon Linux 2023 AMI) and Docker's fallback is
  32768-65535.

Rules (standalone ``aws.vpc.SecurityGroupIngressRule`` / ``SecurityGroupEgressRule``, related to their groups by
``securityGroupId`` and ``referencedSecurityGroupId`` dependencies):

- an instance security group admits exactly tcp 32768-65535 from the ALB's security group(s), and nothing else
  (no CIDR, no prefix list, no other group, no other port);
- a task security group admits only its services' container port(s), only from the ALB's security group(s);
- nothing reaches an instance or task security group from 0.0.0.0/0 or ::/0;
- the ALB reaches every target port it forwards to: one of its groups has an egress rule to the target's group
  (or to a CIDR containing the target's subnets) covering the port, and one of the target's groups admits it from
  one of the ALB's groups. A blocked target port is a violation.

Findings name the URN of the offending rule or security group (or of the resource that breaks the chain). Left to
other policies: fixed host ports in bridge mode and target types that do not fit the network mode
(``ecs-load-balancer-consistency``), the ALB's own listener ingress (``no-public-ingress``). Not checked: a health
check on a port other than the traffic port.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, deps, known
from guardrails.base import as_int, as_list, stack_policy
from guardrails.elb._lb import (
    EGRESS_RULE,
    INGRESS_RULE,
    LEGACY_RULE,
    LISTENER_RULES,
    LISTENERS,
    LOAD_BALANCERS,
    SECURITY_GROUP,
    SUBNET,
    TARGET_GROUPS,
    Rule,
    cidr_covers,
    is_set,
    lb_type,
    names,
    of_type,
    port_range,
    related,
    rules_of,
)

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"

EPHEMERAL = (32768, 65535)  # Linux ip_local_port_range default 32768-60999 ∪ Docker's fallback 49153-65535
INSTANCE, TASK = "instance", "task"


@dataclass
class Target:
    """Where one ECS service's traffic lands: its tasks (awsvpc) or the instances of one launch template (bridge)."""

    kind: str  # INSTANCE or TASK
    groups: list[PolicyResource]  # the security groups of the instance or task
    ports: list[tuple[int, int]]  # TCP port ranges the ALB must reach
    subnets: list[PolicyResource]  # where the targets live, for CIDR egress rules
    label: str  # for messages: "the tasks of ECS service 'web'"
    balancers: list[PolicyResource]  # the application load balancers forwarding to it


@dataclass
class Allowance:
    """What may reach one target security group."""

    kinds: set[str] = field(default_factory=set)
    sources: dict[str, PolicyResource] = field(default_factory=dict)  # ALB security groups by URN
    task_ports: set[int] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)


class Findings:
    """Reports each (resource, message) once: several services often share a security group."""

    def __init__(self, report: ReportViolation):
        self._report = report
        self._seen: set[tuple[str, str]] = set()

    def add(self, resource: PolicyResource, message: str) -> None:
        if (resource.urn, message) not in self._seen:
            self._seen.add((resource.urn, message))
            self._report(message, resource.urn)


class Stack:
    """The stack's resources with the relations this policy follows."""

    def __init__(self, resources: list[PolicyResource]):
        self.resources = resources
        self._of_types: dict[tuple[str, ...], list[PolicyResource]] = {}
        self.groups = by_type(resources, SECURITY_GROUP)
        self.ingress = [Rule(r) for r in by_type(resources, INGRESS_RULE)]
        self.egress = [Rule(r) for r in by_type(resources, EGRESS_RULE)]
        self.legacy = by_type(resources, LEGACY_RULE)

    def of(self, *types: str) -> list[PolicyResource]:
        """The stack's resources of ``types`` (the same list each time: indexes built on it are reused)."""
        if types not in self._of_types:
            self._of_types[types] = by_type(self.resources, *types)
        return self._of_types[types]

    def refs(self, resource: PolicyResource, prop: str, *types: str) -> list[PolicyResource]:
        """Resources of ``types`` that ``resource.prop`` refers to."""
        return related(resource, prop, self.of(*types))

    def target_groups(self, alb: PolicyResource) -> list[PolicyResource]:
        """The target groups the ALB forwards to: in its listeners' default actions and their rules' actions."""
        listeners = [
            listener for listener in self.of(*LISTENERS)
            if alb.urn in {lb.urn for lb in self.refs(listener, "loadBalancerArn", *LOAD_BALANCERS)}
        ]
        rules_of_listener: dict[str, list[PolicyResource]] = defaultdict(list)
        for rule in self.of(*LISTENER_RULES):
            for listener in {x.urn for x in self.refs(rule, "listenerArn", *LISTENERS)}:
                rules_of_listener[listener].append(rule)
        found = []
        for listener in listeners:
            found += self.refs(listener, "defaultActions", *TARGET_GROUPS)
            for rule in rules_of_listener.get(listener.urn, []):
                found += self.refs(rule, "actions", *TARGET_GROUPS)
        return of_type(found, *TARGET_GROUPS)

    def capacity_providers(self, owner: PolicyResource, prop: str) -> list[PolicyResource]:
        """The capacity providers of a strategy property (a list of ``{capacityProvider, weight, base}``): by
        dependency, or by a known provider name."""
        providers = self.refs(owner, prop, CAPACITY_PROVIDER)
        entries = known(owner.props, prop)
        if providers or not isinstance(entries, Sequence) or isinstance(entries, str):
            return providers
        wanted = set()
        for index in range(len(entries)):
            entry = known(entries, index)
            if isinstance(entry, Mapping) and isinstance(known(entry, "capacityProvider"), str):
                wanted.add(entry["capacityProvider"])
        return [p for p in self.of(CAPACITY_PROVIDER) if known(p.props, "name") in wanted]


def _network_mode(service: PolicyResource, definitions: list[PolicyResource]) -> str:
    """The task definition's network mode (unset: bridge); without the task definition in the stack, awsvpc exactly
    when the service has a network configuration (ECS accepts one only for awsvpc)."""
    if definitions:
        return str(declared(definitions[0], "networkMode") or "bridge").strip().lower()
    return "awsvpc" if is_set(service, "networkConfiguration") else "bridge"


def _container_ports(service: PolicyResource) -> list[int]:
    ports = (as_int(entry.get("containerPort")) for entry in as_list(service.props.get("loadBalancers")))
    return sorted({p for p in ports if p is not None})


def _capacity_providers(stack: Stack, service: PolicyResource) -> list[PolicyResource]:
    """The capacity providers of the service's strategy or, when it sets neither a strategy nor a launch type, of
    its cluster's default strategy."""
    providers = stack.capacity_providers(service, "capacityProviderStrategies")
    if providers or is_set(service, "launchType"):
        return providers
    clusters = {c.urn for c in deps(service, "cluster")}
    for association in stack.of(CLUSTER_CAPACITY_PROVIDERS):
        if clusters & {c.urn for c in deps(association, "clusterName")}:
            providers += stack.capacity_providers(association, "defaultCapacityProviderStrategies")
    return of_type(providers, CAPACITY_PROVIDER)


def _targets(stack: Stack, service: PolicyResource, balancers: list[PolicyResource],
             findings: Findings) -> list[Target]:
    """The targets of one load-balanced service; breaks in the chain that leads to them are findings."""
    mode = _network_mode(service, stack.refs(service, "taskDefinition", TASK_DEFINITION))
    if mode not in ("awsvpc", "bridge"):
        findings.add(service, f"ECS service '{service.name}' behind an application load balancer uses network mode "
                              f"{mode!r}; use awsvpc (Fargate) or bridge (EC2) so its security groups can be checked.")
        return []
    if mode == "awsvpc":
        groups = of_type(deps(service, "networkConfiguration"), SECURITY_GROUP)
        if not groups:
            findings.add(service, f"ECS service '{service.name}' (awsvpc) names no security group of this stack in "
                                  "networkConfiguration.securityGroups; give its tasks their own security group.")
            return []
        ports = [(p, p) for p in _container_ports(service)]
        subnets = of_type(deps(service, "networkConfiguration"), SUBNET)
        return [Target(TASK, groups, ports, subnets, f"the tasks of ECS service '{service.name}'", balancers)]

    providers = _capacity_providers(stack, service)
    if not providers:
        findings.add(service, f"no capacity provider of this stack is known for ECS service '{service.name}' "
                              "(bridge mode), so its instances' security groups cannot be checked; give it a "
                              "capacityProviderStrategies entry naming an aws.ecs.CapacityProvider.")
        return []
    targets = []
    for provider in providers:
        groups_of_asgs = stack.refs(provider, "autoScalingGroupProvider", AUTOSCALING_GROUP)
        if not groups_of_asgs:
            findings.add(provider, f"capacity provider '{provider.name}' names no Auto Scaling group of this stack "
                                   "(autoScalingGroupProvider.autoScalingGroupArn), so the instances' security "
                                   "groups cannot be checked.")
        for asg in groups_of_asgs:
            templates = of_type(
                stack.refs(asg, "launchTemplate", LAUNCH_TEMPLATE)
                + stack.refs(asg, "mixedInstancesPolicy", LAUNCH_TEMPLATE),
                LAUNCH_TEMPLATE,
            )
            if not templates:
                findings.add(asg, f"Auto Scaling group '{asg.name}' uses no launch template of this stack, so the "
                                  "instances' security groups cannot be checked.")
            for template in templates:
                groups = of_type(
                    stack.refs(template, "vpcSecurityGroupIds", SECURITY_GROUP)
                    + of_type(deps(template, "networkInterfaces"), SECURITY_GROUP),
                    SECURITY_GROUP,
                )
                if not groups:
                    findings.add(template, f"launch template '{template.name}' names no security group of this "
                                           "stack (vpcSecurityGroupIds); give the container instances their own.")
                    continue
                subnets = of_type(deps(asg, "vpcZoneIdentifiers") + deps(template, "networkInterfaces"), SUBNET)
                label = f"the EC2 instances of launch template '{template.name}'"
                targets.append(Target(INSTANCE, groups, [EPHEMERAL], subnets, label, balancers))
    return targets


def _admitted(stack: Stack, target: Target, alb_groups: list[PolicyResource], low: int, high: int) -> bool:
    return any(
        rule.covers(low, high) and rule.peers(alb_groups)
        for group in target.groups
        for rule in rules_of(stack.ingress, group)
    )


def _reached(stack: Stack, target: Target, alb_groups: list[PolicyResource], low: int, high: int) -> bool:
    """Whether an egress rule of the ALB's groups lets the port out to the target: by group reference first, and
    only then by CIDR (whose value may be unknown in a preview)."""
    rules = [r for group in alb_groups for r in rules_of(stack.egress, group) if r.covers(low, high)]
    if any(rule.peers(target.groups) for rule in rules):
        return True
    return any(
        cidr_covers(rule.resource.props.get("cidrIpv4"), target.subnets)
        for rule in rules
        if is_set(rule.resource, "cidrIpv4")
    )


def _check_reach(stack: Stack, target: Target, alb: PolicyResource, alb_groups: list[PolicyResource],
                 findings: Findings) -> None:
    for low, high in target.ports:
        ports = f"tcp {port_range(low, high)}"
        if not _admitted(stack, target, alb_groups, low, high):
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


def _check_rule(stack: Stack, rule: Rule, group: PolicyResource, allowance: Allowance, findings: Findings) -> None:
    """One ingress rule of a target security group: from the ALB only, and only the target port(s)."""
    what = f"ingress rule '{rule.name}' of security group '{group.name}' ({'; '.join(allowance.labels)})"
    sources = names(allowance.sources.values())
    only = f"only the load balancer's security group{f'(s) {sources}' if sources else ''} may reach ECS targets"
    cidrs = rule.cidrs()
    for cidr in cidrs:
        internet = " (the whole internet)" if cidr in ("0.0.0.0/0", "::/0") else ""
        findings.add(rule.resource, f"{what} admits {rule.describe()} from {cidr}{internet}; {only}.")
    if not allowance.sources:
        return  # the load balancer's own groups are unknown (reported on it): no group or port can be judged
    peers = rule.peers(stack.groups)
    others = [g for g in peers if g.urn not in allowance.sources]
    outside = None if peers else rule.other_group()
    if others or outside:
        other = names(others) if others else repr(outside)
        findings.add(rule.resource, f"{what} admits {rule.describe()} from security group {other}; {only}.")
    if cidrs or others or outside or not peers:
        return
    first, last = rule.ports
    exact_ephemeral = rule.protocol == "tcp" and (first, last) == EPHEMERAL
    container_ports = (
        rule.protocol == "tcp" and first is not None and last is not None
        and all(p in allowance.task_ports for p in range(first, last + 1))
    )
    if (INSTANCE in allowance.kinds and exact_ephemeral) or (TASK in allowance.kinds and container_ports):
        return
    allowed = []
    if INSTANCE in allowance.kinds:
        allowed.append(f"an instance group admits exactly tcp {port_range(*EPHEMERAL)} (the ECS dynamic host port "
                       "range) from it")
    if TASK in allowance.kinds:
        ports = ", ".join(str(p) for p in sorted(allowance.task_ports)) or "none"
        allowed.append(f"a task group admits only the container port(s) {ports} from it")
    findings.add(rule.resource, f"{what} admits {rule.describe()} from the load balancer; {' and '.join(allowed)}.")


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = Stack(list(args.resources))
    albs = [lb for lb in by_type(stack.resources, *LOAD_BALANCERS) if lb_type(lb.props) == "application"]
    if not albs:
        args.not_applicable("the stack has no application load balancer")
    findings = Findings(report)

    balancers_of_group: dict[str, list[PolicyResource]] = defaultdict(list)
    alb_groups: dict[str, list[PolicyResource]] = {}
    for alb in albs:
        alb_groups[alb.urn] = stack.refs(alb, "securityGroups", SECURITY_GROUP)
        if not alb_groups[alb.urn]:
            findings.add(alb, f"application load balancer '{alb.name}' has no security group of this stack "
                              "(securityGroups), so what it reaches cannot be checked; give it its own.")
        for group in stack.target_groups(alb):
            balancers_of_group[group.urn].append(alb)

    targets: list[Target] = []
    for service in by_type(stack.resources, SERVICE):
        groups = of_type(deps(service, "loadBalancers"), *TARGET_GROUPS)
        balancers = of_type([alb for g in groups for alb in balancers_of_group.get(g.urn, [])], *LOAD_BALANCERS)
        if balancers:
            targets += _targets(stack, service, balancers, findings)

    allowances: dict[str, Allowance] = defaultdict(Allowance)
    target_groups_by_urn: dict[str, PolicyResource] = {}
    for target in targets:
        for alb in target.balancers:
            if alb_groups[alb.urn]:
                _check_reach(stack, target, alb, alb_groups[alb.urn], findings)
        for group in target.groups:
            target_groups_by_urn[group.urn] = group
            allowance = allowances[group.urn]
            allowance.kinds.add(target.kind)
            if target.label not in allowance.labels:
                allowance.labels.append(target.label)
            allowance.sources.update({g.urn: g for alb in target.balancers for g in alb_groups[alb.urn]})
            if target.kind == TASK:
                allowance.task_ports.update(low for low, high in target.ports if low == high)

    for urn, allowance in allowances.items():
        group = target_groups_by_urn[urn]
        for rule in rules_of(stack.ingress, group):
            _check_rule(stack, rule, group, allowance, findings)
    checked = [*target_groups_by_urn.values(), *(g for groups in alb_groups.values() for g in groups)]
    for legacy in stack.legacy:
        for group in related(legacy, "securityGroupId", checked):
            findings.add(legacy, (
                f"security group rule '{legacy.name}' (aws.ec2.SecurityGroupRule) belongs to '{group.name}', a "
                "load balancer or ECS target security group; declare aws.vpc.SecurityGroupIngressRule / "
                "SecurityGroupEgressRule resources instead so the load balancer's reach can be checked."
            ))


POLICY = stack_policy(
    name="alb-target-security-groups",
    description=(
        "The application load balancer's security groups reach exactly the ports of its ECS targets (tcp "
        "32768-65535 on EC2 instances in bridge mode, the container ports on awsvpc tasks), and nothing else "
        "reaches the targets' security groups."
    ),
    service="elb",
    severity=Severity.HIGH,
    remediation=(
        "Give the ALB, the container instances and each service's tasks their own aws.ec2.SecurityGroup; add an "
        "aws.vpc.SecurityGroupIngressRule on the instance group for tcp 32768-65535 and on each task group for the "
        "container port, both with referenced_security_group_id = the ALB's group, and the matching "
        "aws.vpc.SecurityGroupEgressRule on the ALB's group referencing the target group; remove any other ingress "
        "(CIDRs, other groups, other ports) from the target groups."
    ),
    validate=check,
)
