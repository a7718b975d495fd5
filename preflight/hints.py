"""Violations in the user's terms: which stack-file key controls what a policy found.

The mapping is the project's own data, ``preflight-hints.yaml`` next to ``Pulumi.yaml`` (the preflight knows neither
the program nor the pack):

.. code-block:: yaml

    lists:                          # optional: config keys holding lists of named entries (services, file systems)
      services:
        key: services               #   the config key (project namespace unless given)
        name: name                  #   the field of an entry that names it (default: name)
        components: [platform:ecs:FargateService, platform:ecs:Ec2Service]   # optional: what an entry builds
    policies:
      alb-access-logs:              # a policy name
        key: albAccessLogs          #   the config key that controls it (project namespace unless given) ...
        value: true                 #   ... and the value that fixes it: "set container-platform:albAccessLogs: true"
      ecs-read-only-root-filesystem:
        list: services              # a field of the entry of a list ...
        itemKey: readOnlyRootFilesystem
        value: true
      ecs-deployment-config-valid:
        list: services
        itemKey: maxPercent
        change: raise it above minHealthyPercent   # ... or what to change, when no one value fixes it
      ecs-no-secrets-in-environment:  # several lists: the first whose entry holds the resource gives the hint
        - {list: services, itemKey: environment, change: move the credential to secrets}
        - {list: workers, itemKey: environment, change: move the credential to secrets}

A list hint names the entry whose component is the nearest ancestor of the resource in violation (the resource
itself included): the first component up the parent chain that has the name of an entry of the list (and, when the
list names ``components``, one of those types). Where no entry is found (a stack-wide finding, a resource outside
every entry) the finding gets no hint; a project without the file gets none at all.
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
    key: str = ""  # a config key, or "" for a hint on a list's entry
    list: str = ""  # the list whose entry holds ``item_key``
    item_key: str = ""
    value: Any = None
    change: str = ""


@dataclass(frozen=True)
class NamedList:
    key: str  # the config key holding the list
    name: str = "name"  # the field of an entry that names it
    components: tuple[str, ...] = ()  # the component types an entry builds; empty: any component


@dataclass(frozen=True)
class Hints:
    policies: dict[str, tuple[Hint, ...]]
    lists: dict[str, NamedList]


@dataclass(frozen=True)
class Fix:
    stack_key: str  # e.g. container-platform:services[web].readOnlyRootFilesystem
    text: str  # e.g. Pulumi.dev.yaml: set container-platform:services[web].readOnlyRootFilesystem: true


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise HintsError(f"{FILE}: {where} must be a non-empty string")
    return value


def _named_list(spec: Any, where: str) -> NamedList:
    if not isinstance(spec, dict) or "key" not in spec or set(spec) - {"key", "name", "components"}:
        raise HintsError(f"{FILE}: {where} takes 'key', and optionally 'name' and 'components'")
    components = spec.get("components") or []
    if not isinstance(components, list):
        raise HintsError(f"{FILE}: {where}.components must be a list of component types")
    return NamedList(key=_text(spec["key"], f"{where}.key"), name=_text(spec.get("name", "name"), f"{where}.name"),
                     components=tuple(_text(c, f"{where}.components") for c in components))


def _hint(spec: Any, where: str, lists: dict[str, NamedList]) -> Hint:
    if not isinstance(spec, dict) or set(spec) - {"key", "list", "itemKey", "value", "change"}:
        raise HintsError(f"{FILE}: {where} takes 'key' or 'list' with 'itemKey', and 'value' or 'change'")
    if ("key" in spec) == ("list" in spec):
        raise HintsError(f"{FILE}: {where} needs exactly one of 'key' and 'list'")
    if ("list" in spec) != ("itemKey" in spec):
        raise HintsError(f"{FILE}: {where} needs 'list' and 'itemKey' together")
    if ("value" in spec) == ("change" in spec):
        raise HintsError(f"{FILE}: {where} needs exactly one of 'value' and 'change'")
    if "list" in spec and spec["list"] not in lists:
        raise HintsError(f"{FILE}: {where}.list names {spec['list']!r}, which is not under lists "
                         f"({', '.join(sorted(lists)) or 'none'})")
    return Hint(key=_text(spec["key"], f"{where}.key") if "key" in spec else "",
                list=spec.get("list", ""),
                item_key=_text(spec["itemKey"], f"{where}.itemKey") if "itemKey" in spec else "",
                value=spec.get("value"),
                change=_text(spec["change"], f"{where}.change") if "change" in spec else "")


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
    unknown = sorted(set(raw) - {"lists", "policies"})
    if unknown:
        raise HintsError(f"{FILE}: unknown section '{unknown[0]}' (use 'lists' and 'policies')")
    if not isinstance(raw.get("lists") or {}, dict):
        raise HintsError(f"{FILE}: lists must map a list's name to its key")
    lists = {name: _named_list(spec, f"lists.{name}") for name, spec in (raw.get("lists") or {}).items()}
    policies = {}
    for name, spec in (raw.get("policies") or {}).items():
        where = f"policies.{name}"
        specs = spec if isinstance(spec, list) and spec else [spec]
        policies[name] = tuple(_hint(one, f"{where}[{i}]" if len(specs) > 1 else where, lists)
                               for i, one in enumerate(specs))
    return Hints(policies=policies, lists=lists)


def _full(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _shown(value: Any) -> str:
    """A value as one writes it in a stack file."""
    return value if isinstance(value, str) else go_json(value)


def _entry_names(named: NamedList, recording: Mapping[str, Any]) -> set[str]:
    text = (recording.get("config") or {}).get(_full(named.key, recording["project"]))
    try:
        entries = json.loads(text) if isinstance(text, str) else []
    except json.JSONDecodeError:
        return set()
    names = {e.get(named.name) for e in entries if isinstance(e, dict)} if isinstance(entries, list) else set()
    return {n for n in names if isinstance(n, str) and n}


def _entry_of(urn: str, recording: Mapping[str, Any], named: NamedList) -> str | None:
    """The name of the nearest component, up from ``urn``, that is an entry of the list."""
    names = _entry_names(named, recording)
    by_urn = {r["urn"]: r for r in recording.get("resources") or []}
    seen: set[str] = set()
    while urn in by_urn and urn not in seen:
        seen.add(urn)
        resource = by_urn[urn]
        if (not resource.get("custom") and resource.get("name") in names
                and (not named.components or resource.get("type") in named.components)):
            return resource["name"]
        urn = resource.get("parent") or ""
    return None


def fix_for(hints: Hints | None, policy: str, urn: str, recording: Mapping[str, Any],
            stack_file: str) -> Fix | None:
    """The stack-file change that addresses ``policy``'s finding on ``urn`` ("" for stack-wide), if the project
    says which key controls it: the first of the policy's hints that applies."""
    for hint in hints.policies.get(policy, ()) if hints else ():
        stack_key = _stack_key(hint, hints, urn, recording)
        if stack_key is not None:
            action = f"set {stack_key}: {_shown(hint.value)}" if not hint.change else f"{stack_key}: {hint.change}"
            return Fix(stack_key=stack_key, text=f"{stack_file}: {action}")
    return None


def _stack_key(hint: Hint, hints: Hints, urn: str, recording: Mapping[str, Any]) -> str | None:
    project = recording["project"]
    if hint.key:
        return _full(hint.key, project)
    named = hints.lists[hint.list]
    entry = _entry_of(urn, recording, named) if urn else None
    return None if entry is None else f"{_full(named.key, project)}[{entry}].{hint.item_key}"
