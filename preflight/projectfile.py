"""``Pulumi.yaml`` as the Pulumi CLI loads it: the project's name, stack directory and config declarations.

Ported from the CLI (pulumi/pulumi ``sdk/go/common/workspace``: ``LoadProject``, ``RewriteShorthandConfigValues``,
``Project.Validate``, ``ValidateConfigValue``). ``config:`` declares keys. A bare scalar or list is shorthand: a
``default`` for a key of the project's namespace, a ``value`` for another namespace. A declaration may carry
``type`` (string, integer, boolean, array with ``items``, object), ``default``, ``value``, ``secret`` and
``description``. Keys of other namespaces take only ``value``; no key takes both ``default`` and ``value``; a typed
``default`` must match its type. A declared key's name is a property path (``a.b``, ``a[0]``). ``config: <dir>`` (or
``stackConfigDir``) moves the stack files. Messages name the file and the key, never a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from preflight.yamlfile import YamlError
from preflight.yamlfile import load as load_yaml

PROJECT_FILE = "Pulumi.yaml"
TYPES = ("string", "integer", "boolean", "array", "object")
_DECLARATION = {"type", "items", "description", "secret", "default", "value"}
_INT64 = (-(2**63), 2**63 - 1)


class StackConfigError(Exception):
    """The project or stack config is not what the CLI accepts; the message names the file and the key."""


@dataclass(frozen=True)
class ItemsType:
    type: str
    items: ItemsType | None = None

    def full_name(self) -> str:
        return f"array<{self.items.full_name()}>" if self.items is not None else self.type


@dataclass(frozen=True)
class Declaration:
    """One key of ``Pulumi.yaml``'s ``config:``. ``default``/``value`` are None when absent (YAML null is absent)."""

    type: str | None = None
    items: ItemsType | None = None
    default: Any = None
    value: Any = None
    secret: bool = False
    description: str = ""

    def full_type(self) -> str:
        assert self.type is not None
        return f"array<{self.items.full_name()}>" if self.items is not None else self.type


@dataclass(frozen=True)
class Project:
    name: str
    config: dict[str, Declaration]
    stack_config_dir: str = ""


# ---- keys -------------------------------------------------------------------------------------------------------


def parse_key(text: str, file: str) -> tuple[str, str]:
    """``namespace:name`` (or the legacy ``namespace:config:name``) → (namespace, name)."""
    parts = text.split(":")
    if len(parts) == 2:
        return parts[0], parts[1]
    if len(parts) == 3 and parts[1] == "config" and parts[0] and parts[2]:
        return parts[0], parts[2]
    raise StackConfigError(f"{file}: could not parse {text} as a configuration key (configuration keys should be "
                           "of the form `<namespace>:<name>`)")


def full_key(project: str, key: str, file: str) -> str:
    namespace, name = parse_key(key, file) if ":" in key else (project, key)
    return f"{namespace}:{name}"


_PATH_TOKEN = re.compile(r'\[(?:"((?:\\"|[^"])*)"|([0-9]+))\]|\.?([^.\[]+)')


def key_path(name: str, key: str, file: str) -> list[str | int]:
    """A declared key's name as the CLI reads it: a property path (``a.b``, ``a[0]``, ``a["b.c"]``)."""
    elements: list[str | int] = []
    position = 0
    while position < len(name):
        match = _PATH_TOKEN.match(name, position)
        if match is None or (position == 0 and name.startswith(".")):
            raise StackConfigError(f"{file}: invalid config key path {key}")
        quoted, index, bare = match.groups()
        elements.append(quoted.replace('\\"', '"') if quoted is not None else int(index) if index else bare)
        position = match.end()
    if not elements or not isinstance(elements[0], str) or not elements[0]:
        raise StackConfigError(f"{file}: invalid config key path {key}")
    return elements


# ---- Pulumi.yaml ------------------------------------------------------------------------------------------------


def _items_type(raw: Any, where: str) -> ItemsType:
    if not isinstance(raw, dict) or "type" not in raw:
        raise StackConfigError(f"{PROJECT_FILE}: {where}: 'items' needs a 'type'")
    unknown = sorted(set(raw) - {"type", "items"})
    if unknown:
        raise StackConfigError(f"{PROJECT_FILE}: {where}.items: '{unknown[0]}' not allowed")
    if raw["type"] not in TYPES:
        raise StackConfigError(f"{PROJECT_FILE}: {where}.items: type must be one of {', '.join(TYPES)}")
    if raw["type"] == "array" and "items" not in raw:
        raise StackConfigError(f"{PROJECT_FILE}: {where}.items: an array type needs 'items'")
    nested = _items_type(raw["items"], f"{where}.items") if "items" in raw else None
    return ItemsType(raw["type"], nested)


def _declaration(key: str, raw: Any, namespaced: bool) -> Declaration:
    where = f"config.{key}"
    if isinstance(raw, bool) or isinstance(raw, (str, int, list)):
        # The CLI's shorthand: a default for the project's keys, a value for other namespaces.
        return Declaration(default=raw) if namespaced else Declaration(value=raw)
    if raw is None:
        raise StackConfigError(f"{PROJECT_FILE}: {where} has no value; give a default, a value or a declaration")
    if not isinstance(raw, dict):
        raise StackConfigError(f"{PROJECT_FILE}: {where} must be a string, an integer, a boolean, an array or a "
                               f"declaration (got a {type(raw).__name__})")
    unknown = sorted(set(raw) - _DECLARATION)
    if unknown:
        raise StackConfigError(f"{PROJECT_FILE}: {where}: '{unknown[0]}' not allowed; the allowed attributes are "
                               "'default', 'description', 'items', 'secret', 'type' and 'value'")
    type_ = raw.get("type")
    if type_ is not None and type_ not in TYPES:
        raise StackConfigError(f"{PROJECT_FILE}: {where}: type must be one of {', '.join(TYPES)}")
    if "description" in raw and not isinstance(raw["description"], str):
        raise StackConfigError(f"{PROJECT_FILE}: {where}: description must be a string")
    if "secret" in raw and not isinstance(raw["secret"], bool):
        raise StackConfigError(f"{PROJECT_FILE}: {where}: secret must be a boolean")
    items = _items_type(raw["items"], where) if raw.get("items") is not None else None
    return Declaration(type=type_, items=items, default=raw.get("default"), value=raw.get("value"),
                       secret=bool(raw.get("secret", False)), description=raw.get("description") or "")


def _validate_project(project: Project) -> None:
    """The CLI's ``Project.Validate``, in key order."""
    for key in sorted(project.config):
        d = project.config[key]
        if d.default is not None and d.value is not None:
            raise StackConfigError(f"{PROJECT_FILE}: project config '{key}' cannot have both a 'default' and 'value' "
                                   "attribute")
        if ":" not in key or key.startswith(f"{project.name}:"):
            if d.type == "array" and d.items is None:
                raise StackConfigError(f"{PROJECT_FILE}: The configuration key '{key}' declares an array but does not "
                                       "specify the underlying type via the 'items' attribute")
            if d.type is not None and d.default is not None and valid(d.type, d.items, d.default) is not True:
                raise StackConfigError(f"{PROJECT_FILE}: The default value specified for configuration key '{key}' "
                                       f"is not of the expected type '{d.full_type()}'")
        else:
            if d.type is not None:
                raise StackConfigError(f"{PROJECT_FILE}: Configuration key '{key}' is not namespaced by the project "
                                       "and should not define a type")
            if d.default is not None:
                raise StackConfigError(f"{PROJECT_FILE}: Configuration key '{key}' is not namespaced by the project "
                                       "and should not define a default value. Did you mean to use the 'value' "
                                       "attribute instead of 'default'?")
            if d.value is None:
                raise StackConfigError(f"{PROJECT_FILE}: Configuration key '{key}' is namespaced and must provide an "
                                       "attribute 'value'")


def load_project(project_dir: Path) -> Project:
    path = Path(project_dir) / PROJECT_FILE
    try:
        raw = load_yaml(path)
    except FileNotFoundError:
        raise StackConfigError(f"{PROJECT_FILE}: file not found in {path.parent}") from None
    except YamlError as exc:
        raise StackConfigError(str(exc)) from None
    if not isinstance(raw, dict):
        raise StackConfigError(f"{PROJECT_FILE}: expected the project to be an object")
    if "name" not in raw:
        raise StackConfigError(f"{PROJECT_FILE}: project is missing a 'name' attribute")
    name = raw["name"]
    if not isinstance(name, str) or not name:
        raise StackConfigError(f"{PROJECT_FILE}: project is missing a non-empty string 'name' attribute")
    config, stack_config_dir = raw.get("config"), raw.get("stackConfigDir") or ""
    if isinstance(config, str):
        if "stackConfigDir" in raw:
            raise StackConfigError(f"{PROJECT_FILE}: Should not use both config and stackConfigDir to define the "
                                   "stack directory. Use only stackConfigDir instead.")
        config, stack_config_dir = None, config
    if config is not None and not isinstance(config, dict):
        raise StackConfigError(f"{PROJECT_FILE}: config must be a mapping of keys to declarations")
    declarations = {key: _declaration(key, spec, ":" not in key or key.startswith(f"{name}:"))
                    for key, spec in (config or {}).items()}
    project = Project(name=name, config=declarations, stack_config_dir=str(stack_config_dir))
    _validate_project(project)
    return project


# ---- types ------------------------------------------------------------------------------------------------------


class SecretText:
    """A secure string's plaintext, which offline nobody knows: it is some string."""


SECRET_TEXT = SecretText()


def _is_go_int_text(text: str) -> bool:
    """``strconv.Atoi``: an optional sign and decimal digits, within int64."""
    return bool(re.fullmatch(r"[+-]?[0-9]+", text)) and _INT64[0] <= int(text) <= _INT64[1]


def valid(type_: str, items: ItemsType | None, value: Any) -> bool | None:
    """The CLI's ``ValidateConfigValue``; None when the answer depends on a secret's plaintext."""
    if type_ == "string":
        return isinstance(value, (str, SecretText))
    if type_ == "integer":
        if isinstance(value, SecretText):
            return None
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, str) and _is_go_int_text(value)
    if type_ == "boolean":
        if isinstance(value, SecretText):
            return None
        return isinstance(value, bool) or value in ("true", "false")
    if type_ == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or items is None:
        return False
    results = [valid(items.type, items.items, item) for item in value]
    if False in results:
        return False
    return None if None in results else True
