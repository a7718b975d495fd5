"""The configuration a stack's program sees, merged the way the Pulumi CLI merges it.

Project-level config in ``Pulumi.yaml`` declares keys of the project's namespace (``azCount`` means
``<project>:azCount``) with a ``default``, and keys of other namespaces (``aws:region``) with a ``value``; the stack
file ``Pulumi.<stack>.yaml`` overrides them. Values reach the program as strings: scalars as their YAML text
(``true``, ``3``), lists and maps as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class StackConfigError(Exception):
    """The project or stack file cannot be read; the message names the file."""


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]


def _as_config_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise StackConfigError(f"{path.name}: file not found in {path.parent}") from None
    except yaml.YAMLError as exc:
        raise StackConfigError(f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise StackConfigError(f"{path.name}: expected a mapping at the top level")
    return data


def stack_names(project_dir: Path) -> list[str]:
    """Every stack that has a ``Pulumi.<stack>.yaml`` in the project directory."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def load(project_dir: Path, stack: str) -> StackConfig:
    project_file = _read_yaml(project_dir / "Pulumi.yaml")
    project = project_file.get("name")
    if not isinstance(project, str) or not project:
        raise StackConfigError("Pulumi.yaml: missing the project 'name'")

    values: dict[str, str] = {}
    for key, spec in (project_file.get("config") or {}).items():
        full_key = key if ":" in key else f"{project}:{key}"
        if isinstance(spec, dict):
            if "default" in spec:
                values[full_key] = _as_config_string(spec["default"])
            elif "value" in spec:
                values[full_key] = _as_config_string(spec["value"])
        else:
            values[full_key] = _as_config_string(spec)

    stack_file = f"Pulumi.{stack}.yaml"
    stack_config = _read_yaml(project_dir / stack_file).get("config") or {}
    if not isinstance(stack_config, dict):
        raise StackConfigError(f"{stack_file}: 'config' must be a mapping")
    for key, value in stack_config.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            raise StackConfigError(f"{stack_file}: {key} is an encrypted secret; the offline preflight cannot read it")
        values[key if ":" in key else f"{project}:{key}"] = _as_config_string(value)
    return StackConfig(project=project, stack=stack, values=values)
