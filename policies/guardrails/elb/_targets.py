"""Where an application load balancer's traffic lands: the ECS targets behind it and their security groups.

Followed through property dependencies (never ids alone, so it holds in a preview where ids are unknown):

- the ALB's security groups: ``LoadBalancer.securityGroups``; its subnets: ``subnets`` / ``subnetMappings``;
- its target groups: those in ``Listener.defaultActions`` of its listeners (``loadBalancerArn``) and in
  ``ListenerRule.actions`` of their rules (``listenerArn``);
- the ECS services behind it: ``Service.loadBalancers`` naming one of those target groups; the service's task
  definition (``taskDefinition``) gives the network mode (unset means bridge);
- awsvpc (Fargate) services: the task security groups are the service's ``networkConfiguration`` groups, and the
  target ports are the ``loadBalancers[].containerPort``s (ECS registers each task's IP with the container port);
- bridge (EC2) services: the instance security groups are those of the launch template
  (``vpcSecurityGroupIds`` / ``networkInterfaces``) of the Auto Scaling group (``autoScalingGroupProvider``) of
  the service's capacity provider (``capacityProviderStrategies``, or, when the service sets neither a strategy
  nor a launch type, the cluster's default strategy in ``aws:ecs/clusterCapacityProviders``). The target port is
  the dynamic host port: with host port 0 "the host port is dynamically chosen from the ephemeral port range of
  the container instance (such as 32768 to 61000 on the latest Amazon ECS-optimized AMI)" (ECS developer guide),
  and the PortMapping API reference says the range is the instance's ``/proc/sys/net/ipv4/ip_local_port_range``
  and, if that is unavailable, "49153 through 65535 (Linux)". The union of the Linux default (32768-60999, as on
  the ECS-optimized Amazon Linux 2023 AMI) and Docker's fallback is 32768-65535;
- health checks: a target group's ``healthCheck.port`` defaults to ``traffic-port``; a number there is one more
  port the load balancer must reach on every target ("your load balancer can communicate with registered targets
  on both the listener port and the health check port", ELB user guide).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pulumi_policy import PolicyResource, ReportViolation

from guardrails._graph import by_type, declared, deps, is_set, known, of_type, related
from guardrails._sg import GROUPS, LAUNCH_TEMPLATE, Rules
from guardrails.base import as_int, as_list
from guardrails.elb._lb import LISTENER_RULES, LISTENERS, LOAD_BALANCERS, SUBNET, TARGET_GROUPS

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"

EPHEMERAL = (32768, 65535)  # Linux ip_local_port_range default 32768-60999 ∪ Docker's fallback 49153-65535
INSTANCE, TASK = "instance", "task"


@dataclass
class Target:
    """Where one ECS service's traffic lands: its tasks (awsvpc) or the instances of one launch template (bridge)."""

    kind: str  # INSTANCE or TASK
    groups: list[PolicyResource]  # the security groups of the instance or task
    ports: list[tuple[int, int]]  # TCP port ranges the ALB forwards to
    subnets: list[PolicyResource]  # where the targets live, for CIDR egress rules
    label: str  # for messages: "the tasks of ECS service 'web'"
    balancers: list[PolicyResource]  # the application load balancers forwarding to it
    health_ports: set[int]  # fixed health check ports of its target groups

    @property
    def reached(self) -> list[tuple[int, int]]:
        """Every TCP port range the ALB must reach: the traffic ports, then health check ports outside them."""
        extra = [(p, p) for p in sorted(self.health_ports) if not any(low <= p <= high for low, high in self.ports)]
        return self.ports + extra


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
    """The stack's resources with the relations the load balancer policies follow."""

    def __init__(self, resources: list[PolicyResource]):
        self.resources = resources
        self.rules = Rules(resources)
        self.groups = self.rules.groups
        self._of_types: dict[tuple[str, ...], list[PolicyResource]] = {}

    def of(self, *types: str) -> list[PolicyResource]:
        """The stack's resources of ``types`` (the same list each time: indexes built on it are reused)."""
        if types not in self._of_types:
            self._of_types[types] = by_type(self.resources, *types)
        return self._of_types[types]

    def refs(self, resource: PolicyResource, prop: str, *types: str) -> list[PolicyResource]:
        """Resources of ``types`` that ``resource.prop`` refers to."""
        return related(resource, prop, self.of(*types))

    def listeners(self, alb: PolicyResource) -> list[PolicyResource]:
        return [
            listener for listener in self.of(*LISTENERS)
            if alb.urn in {lb.urn for lb in self.refs(listener, "loadBalancerArn", *LOAD_BALANCERS)}
        ]

    def target_groups(self, alb: PolicyResource) -> list[PolicyResource]:
        """The target groups the ALB forwards to: in its listeners' default actions and their rules' actions."""
        rules_of_listener: dict[str, list[PolicyResource]] = defaultdict(list)
        for rule in self.of(*LISTENER_RULES):
            for listener in {x.urn for x in self.refs(rule, "listenerArn", *LISTENERS)}:
                rules_of_listener[listener].append(rule)
        found = []
        for listener in self.listeners(alb):
            found += self.refs(listener, "defaultActions", *TARGET_GROUPS)
            for rule in rules_of_listener.get(listener.urn, []):
                found += self.refs(rule, "actions", *TARGET_GROUPS)
        return of_type(found, *TARGET_GROUPS)

    def alb_groups(self, alb: PolicyResource) -> list[PolicyResource]:
        return of_type(self.refs(alb, "securityGroups", *GROUPS), *GROUPS)

    def alb_subnets(self, alb: PolicyResource) -> list[PolicyResource]:
        return of_type(self.refs(alb, "subnets", SUBNET) + deps(alb, "subnetMappings"), SUBNET)

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


def health_ports(target_groups: list[PolicyResource]) -> set[int]:
    """Fixed ``healthCheck.port``s of target groups; the default, ``traffic-port``, adds none."""
    found = set()
    for group in target_groups:
        health = declared(group, "healthCheck")
        port = as_int(health.get("port")) if isinstance(health, Mapping) else None
        if port is not None:
            found.add(port)
    return found


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


def targets(stack: Stack, service: PolicyResource, balancers: list[PolicyResource],
            target_groups: list[PolicyResource], findings: Findings) -> list[Target]:
    """The targets of one load-balanced service; breaks in the chain that leads to them are findings."""
    mode = _network_mode(service, stack.refs(service, "taskDefinition", TASK_DEFINITION))
    if mode not in ("awsvpc", "bridge"):
        findings.add(service, f"ECS service '{service.name}' behind an application load balancer uses network mode "
                              f"{mode!r}; use awsvpc (Fargate) or bridge (EC2) so its security groups can be checked.")
        return []
    health = health_ports(target_groups)
    if mode == "awsvpc":
        groups = of_type(deps(service, "networkConfiguration"), *GROUPS)
        if not groups:
            findings.add(service, f"ECS service '{service.name}' (awsvpc) names no security group of this stack in "
                                  "networkConfiguration.securityGroups; give its tasks their own security group.")
            return []
        ports = [(p, p) for p in _container_ports(service)]
        subnets = of_type(deps(service, "networkConfiguration"), SUBNET)
        return [Target(TASK, groups, ports, subnets, f"the tasks of ECS service '{service.name}'", balancers, health)]

    providers = _capacity_providers(stack, service)
    if not providers:
        findings.add(service, f"no capacity provider of this stack is known for ECS service '{service.name}' "
                              "(bridge mode), so its instances' security groups cannot be checked; give it a "
                              "capacityProviderStrategies entry naming an aws.ecs.CapacityProvider.")
        return []
    found = []
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
                    stack.refs(template, "vpcSecurityGroupIds", *GROUPS)
                    + of_type(deps(template, "networkInterfaces"), *GROUPS),
                    *GROUPS,
                )
                if not groups:
                    findings.add(template, f"launch template '{template.name}' names no security group of this "
                                           "stack (vpcSecurityGroupIds); give the container instances their own.")
                    continue
                subnets = of_type(deps(asg, "vpcZoneIdentifiers") + deps(template, "networkInterfaces"), SUBNET)
                label = f"the EC2 instances of launch template '{template.name}'"
                found.append(Target(INSTANCE, groups, [EPHEMERAL], subnets, label, balancers,
                                    health))
    return found
