"""Deploy-time validity: a task definition's containerDefinitions must be what RegisterTaskDefinition accepts.

Judges ``aws:ecs/taskDefinition:TaskDefinition``. ``containerDefinitions`` must:
- parse as a JSON list of objects;
- match the ECS API's ContainerDefinition shape in botocore's service model (unknown or misspelt fields, which the
  provider would drop or AWS reject, and wrong types: inside the JSON string numbers must be integers, ``80`` not
  ``80.0``), and use only the values the model lists for enumerations (``portMappings[].protocol`` tcp or udp,
  ``logConfiguration.logDriver``, ...; ECS silently treats an unknown protocol as tcp);
- give every container a ``name`` (up to 255 letters, digits, hyphens and underscores, unique in the task) and an
  ``image``, and leave at least one container essential (``essential`` defaults to true);
- in the awsvpc and host network modes, set each ``hostPort`` either not at all or equal to its ``containerPort``,
  and use ``containerPortRange`` only in the awsvpc and bridge modes, without a ``hostPort``.
Fixed host ports of load-balanced containers in bridge mode are judged by ``ecs-load-balancer-consistency``.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import TASK_DEFINITION, containers_or_report, label

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_INDEX = re.compile(r"^\[(\d+)\]")


@functools.cache
def _container_shape() -> Any:
    """The ``containerDefinitions`` list shape of RegisterTaskDefinition (botocore loads the model once)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecs")
    return model.operation_model("RegisterTaskDefinition").input_shape.members["containerDefinitions"]


def warm() -> None:
    """Load the ECS API model and botocore's validator now rather than on the first task definition."""
    from botocore.validate import ParamValidator  # noqa: F401 - imported for its cost

    _container_shape()


def _model_errors(definitions: list[dict[str, Any]]) -> list[str]:
    """Mismatches with the ECS API model, as sentences naming the container and the field."""
    from botocore.validate import ParamValidator

    result = ParamValidator().validate(definitions, _container_shape())
    if not result.has_errors():
        return []
    # botocore keeps the structured errors in ValidationErrors._errors as (reason, path, details); fall back to its
    # own report lines if that ever changes.
    errors = getattr(result, "_errors", None)
    if not isinstance(errors, list) or not all(isinstance(e, tuple) and len(e) == 3 for e in errors):
        lines = result.generate_report().splitlines()
        return [f"containerDefinitions does not match the ECS API: {line}." for line in lines]
    return [_model_error(reason, path, details, definitions) for reason, path, details in errors]


def _model_error(reason: str, path: str, details: dict[str, Any], definitions: list[dict[str, Any]]) -> str:
    where = _located(path, definitions)
    value = details.get("param")
    if reason == "unknown field":
        field = details.get("unknown_param")
        close = difflib.get_close_matches(str(field), list(details.get("valid_names") or []), n=1)
        hint = f'did you mean "{close[0]}"?' if close else "the ECS API has no such field."
        return f'{where} has the unknown field "{field}"; {hint}'
    if reason == "invalid type":
        expected = " or ".join(dict.fromkeys(_type_name(t) for t in details.get("valid_types") or []))
        return f"{where} is {_shown(value)}; the ECS API expects {expected} there."
    if reason == "missing required field":
        return f'{where} lacks the required field "{details.get("required_name")}".'
    if reason == "invalid range":
        return f"{where} is {_shown(value)}; the ECS API's minimum is {details.get('min_allowed')}."
    if reason == "invalid length":
        return f"{where} is {_shown(value)}; the ECS API's minimum length is {details.get('min_allowed')}."
    return f"{where} does not match the ECS API ({reason})."


_TYPE_NAMES = {
    "int": "an integer", "bool": "a boolean", "str": "a string", "list": "a list", "tuple": "a list",
    "dict": "an object", "float": "a number", "Decimal": "a number", "datetime": "a timestamp",
}


def _type_name(python_type: str) -> str:
    """"<class 'int'>" → "an integer"."""
    match = re.search(r"'(?:[\w.]+\.)?(\w+)'", python_type)
    name = match.group(1) if match else python_type
    return _TYPE_NAMES.get(name, name)


def _shown(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, bool, list, dict)) or value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _enum_errors(value: Any, shape: Any, path: str) -> Iterator[tuple[str, str, list[str]]]:
    """(path, value, allowed) for every string whose shape is an enumeration that does not list it."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key in shape.members:
                yield from _enum_errors(item, shape.members[key], f"{path}.{key}")
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _enum_errors(item, shape.member, f"{path}[{index}]")
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from _enum_errors(item, shape.value, f"{path}.{key}")
    elif kind == "string" and isinstance(value, str) and shape.enum and value not in shape.enum:
        yield path, value, list(shape.enum)


def _located(path: str, definitions: list[dict[str, Any]]) -> str:
    """"[0].portMappings[1]" → 'container "web": portMappings[1]'."""
    match = _INDEX.match(path)
    if not match:
        return path
    index = int(match.group(1))
    rest = path[match.end():].lstrip(".")
    where = label(definitions[index], index) if index < len(definitions) else f"container #{index + 1}"
    return f"{where}: {rest}" if rest else where


def _port_errors(container: dict[str, Any], where: str, network_mode: str) -> Iterator[str]:
    mappings = container.get("portMappings")
    if not isinstance(mappings, list):
        return
    for index, mapping in enumerate(mappings):
        if not isinstance(mapping, dict):
            continue
        host, port = mapping.get("hostPort"), mapping.get("containerPort")
        port_range = mapping.get("containerPortRange")
        at = f"{where} portMappings[{index}]"
        if port_range is not None:
            if network_mode == "host":
                yield (
                    f'{at} uses containerPortRange "{port_range}" in host network mode; port ranges work only in '
                    "the awsvpc and bridge modes."
                )
            if host is not None:
                yield f"{at} sets hostPort {host} with containerPortRange; leave hostPort unset for a port range."
        elif network_mode in ("awsvpc", "host") and host is not None and host != port:
            yield (
                f"{at} maps hostPort {host} to containerPort {port} in {network_mode} network mode; there hostPort "
                "must be unset or equal to containerPort."
            )


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    definitions = containers_or_report(args.props, report, "the container definitions")
    if definitions is None:
        return
    if not definitions:
        report("containerDefinitions is an empty list; a task definition needs at least one container.")
        return

    for message in _model_errors(definitions):
        report(message)
    for path, value, allowed in _enum_errors(definitions, _container_shape(), ""):
        report(f'{_located(path, definitions)} is "{value}"; allowed values: {", ".join(allowed)}.')

    seen: set[str] = set()
    for index, container in enumerate(definitions):
        where = label(container, index)
        name, image = container.get("name"), container.get("image")
        if not isinstance(name, str) or not name:
            report(f"{where} has no name; every container needs a name.")
        elif not _NAME.match(name):
            report(f'{where} has an invalid name; use up to 255 letters, digits, hyphens and underscores.')
        elif name in seen:
            report(f"{where} is defined more than once; container names must be unique in a task definition.")
        else:
            seen.add(name)
        if not isinstance(image, str) or not image.strip():
            report(f"{where} has no image; every container needs an image (repository-url/image:tag or @digest).")

    if all(c.get("essential") is False for c in definitions):
        report("no container is essential (all set essential: false); a task needs at least one essential container.")

    network_mode = args.props.get("networkMode") or "bridge"
    for index, container in enumerate(definitions):
        for message in _port_errors(container, label(container, index), network_mode):
            report(message)


POLICY = resource_policy(
    name="ecs-container-definitions-valid",
    description="Task definitions' containerDefinitions are valid for RegisterTaskDefinition.",
    service="ecs",
    severity=Severity.HIGH,
    remediation=(
        "Build containerDefinitions with json.dumps (or pulumi.Output.json_dumps) from dicts using the ECS API's "
        "camelCase field names and integer numbers; give every container a unique name and an image, keep one "
        "essential, and in awsvpc/host mode omit hostPort or set it to the containerPort."
    ),
    validate=check,
)
