"""Helpers shared by the ECS policies: type tokens, container definitions, launch types, service relations.

``containerDefinitions`` of ``aws:ecs/taskDefinition:TaskDefinition`` is a JSON string in the ECS API's camelCase
shape. Inside that string numbers are JSON numbers (``80`` stays an int), unlike the other inputs, which arrive as
floats.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation

from guardrails._graph import by_type, depends_on, deps, known
from guardrails.base import as_list, plain

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CLUSTER = "aws:ecs/cluster:Cluster"
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
SCALING_TARGET = "aws:appautoscaling/target:Target"
DESIRED_COUNT_DIMENSION = "ecs:service:DesiredCount"

FARGATE_CAPACITY_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})


class BadContainerDefinitions(ValueError):
    """``containerDefinitions`` is missing, not JSON, or not a list of objects."""


def containers(props: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The container definitions of a task definition, parsed; raises BadContainerDefinitions when malformed.

    Reading an unknown ``containerDefinitions`` (preview) raises the SDK's unknown-value error, as it should.
    """
    raw = props.get("containerDefinitions")
    if raw is None:
        raise BadContainerDefinitions("containerDefinitions is not set")
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise BadContainerDefinitions(
                f"containerDefinitions is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
            ) from None
    else:
        value = plain(raw)
    if not isinstance(value, list):
        raise BadContainerDefinitions(f"containerDefinitions is a JSON {_json_type(value)}, not a list of containers")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise BadContainerDefinitions(
                f"containerDefinitions[{index}] is a JSON {_json_type(item)}, not a container definition object"
            )
    return value


def containers_or_report(props: Mapping[str, Any], report: ReportViolation, what: str) -> list[dict[str, Any]] | None:
    """``containers(props)``, or None after reporting (fail closed) that ``what`` cannot be checked."""
    try:
        return containers(props)
    except BadContainerDefinitions as exc:
        report(f"{exc}, so {what} cannot be checked; give a JSON list of ECS container definitions.")
        return None


def label(container: Mapping[str, Any], index: int) -> str:
    """How messages name a container: its name, or its position when it has none."""
    name = container.get("name")
    return f'container "{name}"' if isinstance(name, str) and name else f"container #{index + 1} (unnamed)"


def is_windows(props: Mapping[str, Any]) -> bool:
    """Whether a task definition declares a Windows runtime platform (``WINDOWS_SERVER_...``)."""
    platform = props.get("runtimePlatform")
    family = platform.get("operatingSystemFamily") if isinstance(platform, Mapping) else None
    return isinstance(family, str) and family.upper().startswith("WINDOWS")


def requires_fargate(props: Mapping[str, Any]) -> bool:
    """Whether a task definition lists FARGATE in ``requiresCompatibilities``."""
    return any(isinstance(c, str) and c.upper() == "FARGATE" for c in as_list(props.get("requiresCompatibilities")))


def strategy_providers(props: Mapping[str, Any]) -> list[str]:
    """The capacity provider names of a service's ``capacityProviderStrategies``."""
    providers = []
    for item in as_list(props.get("capacityProviderStrategies")):
        name = item.get("capacityProvider") if isinstance(item, Mapping) else None
        if isinstance(name, str):
            providers.append(name)
    return providers


def runs_on_fargate(props: Mapping[str, Any]) -> bool:
    """Whether a service's tasks run on Fargate: launchType FARGATE or a FARGATE/FARGATE_SPOT capacity provider."""
    if props.get("launchType") == "FARGATE":
        return True
    return any(p in FARGATE_CAPACITY_PROVIDERS for p in strategy_providers(props))


def uses_rolling_update(read: Callable[[str], Any]) -> bool:
    """Whether a service deploys with ECS's rolling update: the ECS controller (the default) and the ROLLING
    strategy (the default); CODE_DEPLOY/EXTERNAL controllers and the BLUE_GREEN/LINEAR/CANARY strategies are not.

    ``read(prop)`` returns a service property: ``props.get`` in a resource policy, ``declared`` in a stack policy.
    """
    controller = read("deploymentController")
    controller_type = controller.get("type") if isinstance(controller, Mapping) else None
    if controller_type not in (None, "ECS"):
        return False
    configuration = read("deploymentConfiguration")
    strategy = configuration.get("strategy") if isinstance(configuration, Mapping) else None
    return strategy in (None, "ROLLING")


def assigns_public_ip(network_configuration: Mapping[str, Any]) -> bool:
    """Whether a service's or task set's ``networkConfiguration`` gives its tasks public IPs (``assignPublicIp``
    true, or the API's ``ENABLED`` in any case)."""
    value = network_configuration.get("assignPublicIp")
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "enabled"))


def task_definition_of(service: PolicyResource, resources: list[PolicyResource]) -> PolicyResource | None:
    """The stack's task definition a service runs, or None when it is not in the stack or cannot be told.

    Follows the ``taskDefinition`` property dependency; for a literal value, matches the task definition's ARN,
    or its family (``family``, ``family:revision`` or a task-definition ARN) when exactly one has that family.
    """
    linked = [r for r in deps(service, "taskDefinition") if r.resource_type == TASK_DEFINITION]
    if linked:
        return linked[0]
    candidates = by_type(resources, TASK_DEFINITION)
    for candidate in candidates:
        if depends_on(service, "taskDefinition", candidate):
            return candidate
    reference = known(service.props, "taskDefinition")
    if not isinstance(reference, str) or not reference:
        return None
    family = reference.rsplit("/", 1)[-1].split(":", 1)[0]
    matches = [c for c in candidates if known(c.props, "family") == family]
    return matches[0] if len(matches) == 1 else None


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _cluster_name(reference: Any) -> str | None:
    """A cluster's name from a service's known ``cluster`` input (a name or a cluster ARN)."""
    if not isinstance(reference, str) or not reference:
        return None
    return reference.rsplit(":cluster/", 1)[-1] if ":cluster/" in reference else reference


def scaling_index(targets: Sequence[PolicyResource]) -> Callable[[PolicyResource], list[PolicyResource]]:
    """``lambda service: [t for t in targets if scales(t, service)]``, from an index of the targets by the service
    they name (same result, same order), so relating every service to its targets stays linear in the stack."""
    targets = list(targets)
    by_urn: dict[str, list[int]] = {}
    by_name: dict[str, list[tuple[int, str]]] = {}
    for i, target in enumerate(targets):
        if known(target.props, "serviceNamespace") not in (None, "ecs"):
            continue
        if known(target.props, "scalableDimension") not in (None, DESIRED_COUNT_DIMENSION):
            continue
        for d in deps(target, "resourceId"):
            by_urn.setdefault(d.urn, []).append(i)
        resource_id = known(target.props, "resourceId")
        if isinstance(resource_id, str):
            parts = resource_id.split("/")
            if len(parts) == 3 and parts[0] == "service":
                by_name.setdefault(parts[2], []).append((i, parts[1]))

    def of(service: PolicyResource) -> list[PolicyResource]:
        hits = set(by_urn.get(service.urn, ()))
        name = known(service.props, "name")
        if isinstance(name, str) and name:
            cluster = _cluster_name(known(service.props, "cluster"))
            hits.update(i for i, in_cluster in by_name.get(name, ()) if cluster is None or cluster == in_cluster)
        return [targets[i] for i in sorted(hits)]

    return of


def scales(target: PolicyResource, service: PolicyResource) -> bool:
    """Whether an Application Auto Scaling target scales ``service``'s desired count.

    The target's ``resourceId`` reads ``service/<cluster name>/<service name>``. In the stack it is computed from the
    service (a property dependency, which holds in a preview when both names are unknown), or, as a literal, names
    the service's known name (and its cluster, when the service's cluster is known too). A target of another
    namespace or dimension scales something else.
    """
    if known(target.props, "serviceNamespace") not in (None, "ecs"):
        return False
    if known(target.props, "scalableDimension") not in (None, DESIRED_COUNT_DIMENSION):
        return False
    if any(d.urn == service.urn for d in deps(target, "resourceId")):
        return True
    resource_id, name = known(target.props, "resourceId"), known(service.props, "name")
    if not isinstance(resource_id, str) or not isinstance(name, str) or not name:
        return False
    parts = resource_id.split("/")
    if len(parts) != 3 or parts[0] != "service" or parts[2] != name:
        return False
    cluster = _cluster_name(known(service.props, "cluster"))
    return cluster is None or cluster == parts[1]
