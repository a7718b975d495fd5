"""Violations in the user's terms: which stack-file key controls what a policy found.

The mapping is the project's own data, ``preflight-hints.yaml`` next to ``Pulumi.yaml`` (the preflight knows neither
the program nor the pack):

.. code-block:: yaml

    services:                   # optional: where per-service settings live
      key: services             #   the config key holding the list of services (project namespace unless given)
      name: name                #   the field of an entry that names the service
    policies:
      alb-access-logs:          # a policy name
        key: albAccessLogs      #   the config key that controls it (project namespace unless given) ...
        value: true             #   ... and the value that fixes it: "set container-platform:albAccessLogs: true"
      ecs-read-only-root-filesystem:
        serviceKey: readOnlyRootFilesystem   # a field of the service's entry ...
        value: true
      ecs-deployment-config-valid:
        serviceKey: maxPercent
        change: raise it above minHealthyPercent   # ... or what to change, when no one value fixes it

A ``serviceKey`` hint names the service whose component is the nearest ancestor of the resource in violation (the
resource itself included): the first component up the parent chain whose name is the name of an entry of the
services list. Where no service is found (a stack-wide finding, a resource outside every service) the finding gets
no hint; a project without the file gets none at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from preflight.yamlfile import YamlError, go_json
from preflight.yamlfile import load as load_yaml

FILE = "preflight-hints.yaml"


class HintsError(Exception):
    """The hints file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Hint:
    key: str = ""  # a config key, or "" for a per-service hint
    service_key: str = ""  # a field of a services entry
    value: Any = None
    change: str = ""


@dataclass(frozen=True)
class Hints:
    policies: dict[str, Hint]
    services_key: str = ""
    service_name: str = "name"


@dataclass(frozen=True)
class Fix:
    stack_key: str  # e.g. container-platform:services[web].readOnlyRootFilesystem
    text: str  # e.g. Pulumi.dev.yaml: set container-platform:services[web].readOnlyRootFilesystem: true


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise HintsError(f"{FILE}: {where} must be a non-empty string")
    return value


def load(project_dir: Path) -> Hints | None:
    """The project's hints, or None when it has no hints file."""
    path = Path(project_dir) / FILE
    if not path.is_file():
        return None
    try:
        raw = load_yaml(path)
    except YamlError as exc:
        raise HintsError(str(exc)) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("policies") or {}, dict):
        raise HintsError(f"{FILE}: expected a mapping with 'policies' (policy name → hint)")
    unknown = sorted(set(raw) - {"services", "policies"})
    if unknown:
        raise HintsError(f"{FILE}: unknown section '{unknown[0]}' (use 'services' and 'policies')")
    services = raw.get("services") or {}
    if not isinstance(services, dict) or set(services) - {"key", "name"}:
        raise HintsError(f"{FILE}: services takes 'key' and 'name'")
    services_key = _text(services["key"], "services.key") if "key" in services else ""
    policies = {}
    for name, spec in (raw.get("policies") or {}).items():
        where = f"policies.{name}"
        if not isinstance(spec, dict) or set(spec) - {"key", "serviceKey", "value", "change"}:
            raise HintsError(f"{FILE}: {where} takes 'key' or 'serviceKey', and 'value' or 'change'")
        if ("key" in spec) == ("serviceKey" in spec):
            raise HintsError(f"{FILE}: {where} needs exactly one of 'key' and 'serviceKey'")
        if ("value" in spec) == ("change" in spec):
            raise HintsError(f"{FILE}: {where} needs exactly one of 'value' and 'change'")
        if "serviceKey" in spec and not services_key:
            raise HintsError(f"{FILE}: {where} uses serviceKey, which needs services.key")
        policies[name] = Hint(
            key=_text(spec["key"], f"{where}.key") if "key" in spec else "",
            service_key=_text(spec["serviceKey"], f"{where}.serviceKey") if "serviceKey" in spec else "",
            value=spec.get("value"),
            change=_text(spec["change"], f"{where}.change") if "change" in spec else "")
    return Hints(policies=policies, services_key=services_key,
                 service_name=_text(services.get("name", "name"), "services.name"))


def _full(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _shown(value: Any) -> str:
    """A value as one writes it in a stack file."""
    return value if isinstance(value, str) else go_json(value)


def _service_names(hints: Hints, recording: Mapping[str, Any]) -> set[str]:
    text = (recording.get("config") or {}).get(_full(hints.services_key, recording["project"]))
    try:
        entries = json.loads(text) if isinstance(text, str) else []
    except json.JSONDecodeError:
        return set()
    names = {e.get(hints.service_name) for e in entries if isinstance(e, dict)} if isinstance(entries, list) else set()
    return {n for n in names if isinstance(n, str) and n}


def _service_of(urn: str, recording: Mapping[str, Any], names: set[str]) -> str | None:
    """The name of the nearest component, up from ``urn``, that is one of the services."""
    by_urn = {r["urn"]: r for r in recording.get("resources") or []}
    seen: set[str] = set()
    while urn in by_urn and urn not in seen:
        seen.add(urn)
        resource = by_urn[urn]
        if not resource.get("custom") and resource.get("name") in names:
            return resource["name"]
        urn = resource.get("parent") or ""
    return None


def fix_for(hints: Hints | None, policy: str, urn: str, recording: Mapping[str, Any],
            stack_file: str) -> Fix | None:
    """The stack-file change that addresses ``policy``'s finding on ``urn`` ("" for stack-wide), if the project
    says which key controls it."""
    hint = hints.policies.get(policy) if hints else None
    if hint is None:
        return None
    project = recording["project"]
    if hint.key:
        stack_key = _full(hint.key, project)
    else:
        service = _service_of(urn, recording, _service_names(hints, recording)) if urn else None
        if service is None:
            return None
        stack_key = f"{_full(hints.services_key, project)}[{service}].{hint.service_key}"
    action = f"set {stack_key}: {_shown(hint.value)}" if not hint.change else f"{stack_key}: {hint.change}"
    return Fix(stack_key=stack_key, text=f"{stack_file}: {action}")
