"""Deploy-time validity: an ECS service's load balancer settings must fit its task definition and target groups.

A stack policy over every ``aws:ecs/service:Service`` with ``loadBalancers``. Relations follow the engine's property
dependencies (they hold in a preview, where ARNs are unknown): the target groups are the ``aws:lb/targetGroup``
resources ``loadBalancers`` was computed from (including a blue/green ``alternateTargetGroupArn``), or, for literal
ARNs, the stack's target groups with that ``arn``; the task definition is the one ``taskDefinition`` was computed
from, or the stack's task definition with that ARN or family. Every target group receives every task of the
service, so each is checked without matching it to one ``loadBalancers`` entry.

1. Target type: tasks in ``awsvpc`` network mode register by IP, so their target groups need ``targetType`` "ip";
   tasks in bridge or host mode (or unset, which is bridge) register by instance and need "instance" (the default).
   AWS rejects the service otherwise.
2. Health checks: a target group must not disable health checks (``healthCheck.enabled`` false); ECS relies on them
   to count new tasks healthy during deployments and to replace failing ones.
3. Container: ``containerName`` must be a container of the task definition, and ``containerPort`` one of its
   ``portMappings`` (a ``containerPort``, or inside a ``containerPortRange``); AWS rejects the service otherwise.
4. Bridge host ports: in bridge mode, a load-balanced port mapping with a fixed ``hostPort`` (not 0 or unset) allows
   one task per container instance, so a second copy (scale-out, or the replacement a rolling deployment starts
   beside the old task) cannot be placed on an instance that already runs one. That is reported unless the service
   declares one task per instance itself (a ``distinctInstance`` placement constraint). Dynamic host ports are the
   fix.

Target-group checks run for every service before the container checks, so that a container definition unknown in a
preview (an image or log group computed from another resource) does not hide them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, deps, known
from guardrails.base import as_int, as_list, stack_policy
from guardrails.ecs._task import (
    SERVICE,
    TARGET_GROUPS,
    BadContainerDefinitions,
    containers,
    task_definition_of,
)


def _entries(service: PolicyResource) -> list[Mapping[str, Any]]:
    return [e for e in as_list(declared(service, "loadBalancers")) if isinstance(e, Mapping)]


def _target_groups(service: PolicyResource, resources: list[PolicyResource]) -> list[PolicyResource]:
    linked = [r for r in deps(service, "loadBalancers") if r.resource_type in TARGET_GROUPS]
    if linked:
        return linked
    arns = {known(e, "targetGroupArn") for e in _entries(service)} - {None}
    return [tg for tg in by_type(resources, *TARGET_GROUPS) if known(tg.props, "arn") in arns]


def _network_mode(task_definition: PolicyResource) -> str:
    return declared(task_definition, "networkMode") or "bridge"


def _check_target_groups(service, task_definition, target_groups, report, reported_health: set[str]) -> None:
    if task_definition is not None:
        mode = _network_mode(task_definition)
        needed = "ip" if mode == "awsvpc" else "instance"
        for tg in target_groups:
            target_type = declared(tg, "targetType") or "instance"
            if target_type != needed:
                report(
                    f'service "{service.name}" runs task definition "{task_definition.name}" in {mode} network mode '
                    f'but target group "{tg.name}" has targetType "{target_type}"; {mode} tasks need targetType '
                    f'"{needed}".',
                    service.urn,
                )
    for tg in target_groups:
        health = declared(tg, "healthCheck")
        if isinstance(health, Mapping) and health.get("enabled") is False and tg.urn not in reported_health:
            reported_health.add(tg.urn)
            report(
                f'target group "{tg.name}" of ECS service "{service.name}" disables health checks '
                "(healthCheck.enabled is false); enable them so ECS can tell healthy tasks during deployments.",
                tg.urn,
            )


def _in_range(port: int, port_range: Any) -> bool:
    if not isinstance(port_range, str) or "-" not in port_range:
        return False
    low, _, high = port_range.partition("-")
    low_port, high_port = as_int(low), as_int(high)
    return low_port is not None and high_port is not None and low_port <= port <= high_port


def _distinct_instance(service: PolicyResource) -> bool:
    return any(
        isinstance(c, Mapping) and c.get("type") == "distinctInstance"
        for c in as_list(declared(service, "placementConstraints"))
    )


def _check_containers(service, task_definition, report) -> None:
    try:
        definitions = containers(task_definition.props)
    except BadContainerDefinitions as exc:
        report(
            f'service "{service.name}": {exc} in task definition "{task_definition.name}", so its load-balanced '
            "containers cannot be checked; give a JSON list of ECS container definitions.",
            service.urn,
        )
        return
    by_name = {c.get("name"): c for c in definitions if isinstance(c.get("name"), str)}
    mode = _network_mode(task_definition)
    for entry in _entries(service):
        name, port = entry.get("containerName"), as_int(entry.get("containerPort"))
        container = by_name.get(name)
        if container is None:
            names = ", ".join(f'"{n}"' for n in by_name) or "none"
            report(
                f'service "{service.name}" load-balances container "{name}", which task definition '
                f'"{task_definition.name}" does not define (its containers: {names}); name one of its containers.',
                service.urn,
            )
            continue
        mappings = [m for m in as_list(container.get("portMappings")) if isinstance(m, Mapping)]
        matching = [m for m in mappings if as_int(m.get("containerPort")) == port and port is not None]
        if not matching and not any(_in_range(port, m.get("containerPortRange")) for m in mappings if port):
            exposed = ", ".join(
                str(as_int(m.get("containerPort")) or m.get("containerPortRange")) for m in mappings
            ) or "none"
            shown = port if port is not None else entry.get("containerPort")
            report(
                f'service "{service.name}" load-balances port {shown} of container "{name}", '
                f"which has no such portMappings containerPort (it exposes: {exposed}); use one of its ports.",
                service.urn,
            )
            continue
        fixed = [as_int(m.get("hostPort")) for m in matching if as_int(m.get("hostPort"))]
        if mode == "bridge" and fixed and not _distinct_instance(service):
            report(
                f'service "{service.name}" load-balances container "{name}" port {port} through the fixed hostPort '
                f"{fixed[0]} in bridge mode, so only one task fits per instance and rolling deployments cannot "
                "place replacements beside old tasks; set hostPort to 0 or omit it (dynamic host ports).",
                service.urn,
            )


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    services = [s for s in by_type(resources, SERVICE) if _entries(s)]
    if not services:
        args.not_applicable("no ECS service in the stack uses a load balancer")
    related = [(s, task_definition_of(s, resources), _target_groups(s, resources)) for s in services]
    reported_health: set[str] = set()
    for service, task_definition, target_groups in related:
        _check_target_groups(service, task_definition, target_groups, report, reported_health)
    for service, task_definition, _ in related:
        if task_definition is not None:
            _check_containers(service, task_definition, report)


POLICY = stack_policy(
    name="ecs-load-balancer-consistency",
    description="ECS services' load balancer settings match their task definitions and target groups.",
    service="ecs",
    severity=Severity.HIGH,
    remediation=(
        'Use target_type="ip" on aws.lb.TargetGroup for awsvpc (Fargate) tasks and "instance" for bridge/host tasks; '
        "keep health checks enabled; point load_balancers container_name/container_port at a container and one of "
        "its portMappings; in bridge mode omit hostPort (or set 0) so ECS assigns dynamic host ports."
    ),
    validate=check,
)
