"""The configuration a stack's program sees, merged and validated as the Pulumi CLI does before it runs a program.

Ported from the CLI (pulumi/pulumi: ``sdk/go/common/workspace`` loading ``Pulumi.<stack>.yaml``,
``pkg/workspace/config.go`` merging it with the declarations of ``Pulumi.yaml`` (``preflight.projectfile``) and
validating the result):

``Pulumi.<stack>.yaml``
    ``config:`` keys without a namespace belong to the project. Scalars become text (``true``, ``3``), lists and
    maps JSON; ``{secure: <ciphertext>}`` is a secret, also inside lists and maps.
The merge
    A declared key the stack does not set takes the declaration's ``default`` (or ``value``). A key of the project's
    namespace with neither, and no stack value, is missing: ``Stack 'dev' is missing configuration value 'tags'``.
    Then every explicitly typed key is checked: a ``secret`` key must be ``secure:`` in the stack
    (``... must be encrypted as it's secret``), and its value must have the type, array items included
    (``Stack 'dev' with configuration key 'azCount' must be of type 'integer'``); merged defaults are checked too.
    Integers may be written as text (``"3"``), booleans as ``"true"``/``"false"``.

What the CLI does that cannot be done offline: decrypt ``secure:`` values. They reach the program as Pulumi's unknown
value, marked secret (``secret_keys``), as a preview treats any value it cannot know; the ciphertext is read here and
never leaves this module. A secure value whose type check depends on its plaintext (an integer or boolean key) is
listed in ``unchecked_keys``. Stack files importing ESC environments are refused: their values cannot be read.
Every message names the file and the key, never a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from preflight.projectfile import (
    PROJECT_FILE,
    SECRET_TEXT,
    Project,
    StackConfigError,
    full_key,
    key_path,
    load_project,
    valid,
)
from preflight.yamlfile import LineDict, YamlError, go_json
from preflight.yamlfile import load as load_yaml

__all__ = ["UNKNOWN", "Secure", "StackConfig", "StackConfigError", "load", "load_project", "stack_names"]

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_INT64 = (-(2**63), 2**63 - 1)


class Secure:
    """A ``secure:`` value: only its presence is ever shown."""

    __slots__ = ("_ciphertext",)

    def __init__(self, ciphertext: str) -> None:
        self._ciphertext = ciphertext

    def __repr__(self) -> str:
        return "Secure(...)"


@dataclass
class _Value:
    """A config value as the CLI holds it: text, a secure string, or an object (a decoded JSON tree)."""

    data: Any  # str | Secure (object False) or a tree of dict/list/scalars/Secure (object True)
    object: bool
    origin: str  # the file it came from

    @property
    def secure(self) -> bool:
        return _contains_secure(self.data)


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]  # "namespace:key" → the text the program gets (secure parts are UNKNOWN)
    secret_keys: tuple[str, ...] = ()  # keys holding a secure value: secret to the program and the pack
    unchecked_keys: tuple[str, ...] = ()  # typed keys whose type depends on a plaintext nobody can read offline
    stack_file: str = ""
    warnings: tuple[str, ...] = field(default=())


# ---- values -----------------------------------------------------------------------------------------------------


def _contains_secure(data: Any) -> bool:
    if isinstance(data, Secure):
        return True
    if isinstance(data, dict):
        return any(_contains_secure(v) for v in data.values())
    if isinstance(data, list):
        return any(_contains_secure(v) for v in data)
    return False


def _tree(value: Any) -> Any:
    """A decoded YAML value with ``{secure: <text>}`` maps turned into Secure."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("secure"), str):
            return Secure(value["secure"])
        return {k: _tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tree(v) for v in value]
    return value


def _scalar_text(value: Any) -> str:
    """A scalar as the CLI's ``config.Value`` holds it: null as empty, a string as itself, else its JSON text."""
    if value is None:
        return ""
    return value if isinstance(value, str) else go_json(value)


def _stack_value(value: Any, file: str, key: str) -> _Value:
    """A stack file value as the CLI's ``config.Value`` holds it."""
    tree = _tree(value)
    try:
        if isinstance(tree, (dict, list)):
            go_json(_plaintext(tree, ""))  # NaN and infinity have no JSON
            return _Value(tree, True, file)
        return _Value(tree if isinstance(tree, Secure) else _scalar_text(tree), False, file)
    except ValueError:
        raise StackConfigError(f"{file}: {key}: NaN and infinity are not valid config values") from None


def _declared_value(value: Any) -> _Value:
    """A declaration's default or value as the CLI applies it: string, integer and boolean as text, else JSON."""
    if isinstance(value, (str, bool, int)) and not (isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]):
        return _Value(_scalar_text(value), False, PROJECT_FILE)
    return _Value(_tree(value), True, PROJECT_FILE)


def _plaintext(data: Any, secret: Any = SECRET_TEXT) -> Any:
    """The decrypted view of a value, each secure string replaced by ``secret``."""
    if isinstance(data, Secure):
        return secret
    if isinstance(data, dict):
        return {k: _plaintext(v, secret) for k, v in data.items()}
    if isinstance(data, list):
        return [_plaintext(v, secret) for v in data]
    return data


def program_text(value: _Value) -> str:
    """The text the program gets: the string, or JSON for objects; secure parts are Pulumi's unknown value."""
    if not value.object:
        return UNKNOWN if isinstance(value.data, Secure) else value.data
    return go_json(_plaintext(value.data, UNKNOWN))


def _get(merged: dict[str, _Value], key: str, path: list[str | int]) -> _Value | None:
    """``config.Map.Get(key, path=true)``: the value at a declared key's path, or None."""
    namespace = key.split(":", 1)[0]
    root = merged.get(f"{namespace}:{path[0]}")
    if root is None or len(path) == 1:
        return root
    node: Any = root.data if root.object else None
    for element in path[1:]:
        if isinstance(element, int) and isinstance(node, list) and 0 <= element < len(node):
            node = node[element]
        elif isinstance(element, str) and isinstance(node, dict) and element in node:
            node = node[element]
        else:
            return None
    if isinstance(node, (dict, list)):
        return _Value(node, True, root.origin)
    return _Value(node if isinstance(node, Secure) else _scalar_text(node), False, root.origin)


def _coerce(text: str) -> Any:
    """The CLI's coercion of a text value placed inside an object: ``true``/``false`` and plain decimals."""
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?[1-9][0-9]*|0", text):
        return int(text)
    return text


def _set(merged: dict[str, _Value], key: str, path: list[str | int], value: _Value, file: str) -> None:
    """``config.Map.Set(key, value, path=true)`` for a declared default or value the stack does not set."""
    namespace = key.split(":", 1)[0]
    root_key = f"{namespace}:{path[0]}"
    if len(path) == 1:
        merged[root_key] = value
        return
    leaf = value.data if value.object else _coerce(value.data) if isinstance(value.data, str) else value.data
    root = merged.get(root_key)
    container: Any = root.data if root is not None and root.object else ([] if isinstance(path[1], int) else {})
    node = container
    for element, following in zip(path[1:-1], path[2:], strict=True):
        child = node[element] if _has(node, element) else None
        if child is None:
            child = [] if isinstance(following, int) else {}
            _put(node, element, child, key, file)
        node = child
    _put(node, path[-1], leaf, key, file)
    merged[root_key] = _Value(container, True, root.origin if root is not None else file)


def _has(node: Any, element: str | int) -> bool:
    if isinstance(node, dict):
        return element in node
    return isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node)


def _put(node: Any, element: str | int, value: Any, key: str, file: str) -> None:
    if isinstance(node, dict) and isinstance(element, str):
        node[element] = value
    elif isinstance(node, list) and isinstance(element, int) and 0 <= element <= len(node):
        node[element:element + 1] = [value]
    else:
        raise StackConfigError(f"{file}: cannot apply the declared value of {key}: its path does not fit the "
                               "stack's value")


# ---- the stack --------------------------------------------------------------------------------------------------


def stack_file_path(project_dir: Path, project: Project, stack: str) -> Path:
    return Path(project_dir) / project.stack_config_dir / f"Pulumi.{stack}.yaml"


def _read_stack(path: Path, project: str, file: str) -> tuple[dict[str, _Value], list[str]]:
    try:
        raw = load_yaml(path)
    except FileNotFoundError:
        raise StackConfigError(f"{file}: file not found in {path.parent}") from None
    except YamlError as exc:
        raise StackConfigError(str(exc)) from None
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        raise StackConfigError(f"{file}: expected a mapping at the top level")
    if raw.get("environment"):
        raise StackConfigError(f"{file}: imports ESC environments (environment:), whose values cannot be read "
                               "offline; run without them or with the Pulumi CLI")
    config = raw.get("config")
    if config is None:
        return {}, []
    if not isinstance(config, dict):
        raise StackConfigError(f"{file}: 'config' must be a mapping")
    lines = config.lines if isinstance(config, LineDict) else {}
    values: dict[str, _Value] = {}
    first_line: dict[str, tuple[str, int]] = {}
    empty: list[str] = []
    for key, value in config.items():
        full = full_key(project, key, file)
        if full in first_line:
            other, line = first_line[full]
            raise StackConfigError(f"{file}: key '{full}' is given twice, as '{other}' at line {line} and as '{key}' "
                                   f"at line {lines.get(key, 0)} (the CLI would keep only one)")
        first_line[full] = (key, lines.get(key, 0))
        if value is None:
            empty.append(full)
        values[full] = _stack_value(value, file, full)
    return values, empty


def _missing_error(missing: list[str], stack: str, file: str) -> StackConfigError:
    if len(missing) == 1:
        names = f"'{missing[0]}'"
    else:
        quoted = [f"'{k}'" for k in sorted(missing)]
        names = f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    noun = "value" if len(missing) == 1 else "values"
    return StackConfigError(f"{file}: Stack '{stack}' is missing configuration {noun} {names}; set "
                            f"{'it' if len(missing) == 1 else 'them'} in {file} or declare a default in "
                            f"{PROJECT_FILE}")


def load(project_dir: Path, stack: str) -> StackConfig:
    """The stack's config as the CLI hands it to the program, or a StackConfigError with the CLI's reason."""
    project = load_project(project_dir)
    path = stack_file_path(project_dir, project, stack)
    file = str(path.relative_to(project_dir)) if path.is_relative_to(project_dir) else str(path)
    merged, empty = _read_stack(path, project.name, file)

    missing: list[str] = []
    paths: dict[str, tuple[str, list[str | int]]] = {}
    for key in sorted(project.config):
        declaration = project.config[key]
        full = full_key(project.name, key, PROJECT_FILE)
        path_elements = key_path(full.split(":", 1)[1], key, PROJECT_FILE)
        paths[key] = (full, path_elements)
        if _get(merged, full, path_elements) is not None:
            continue
        if declaration.default is None and declaration.value is None:
            if full.split(":", 1)[0] == project.name:
                missing.append(key)
            continue
        declared = declaration.default if declaration.default is not None else declaration.value
        _set(merged, full, path_elements, _declared_value(declared), file)
    if missing:
        raise _missing_error(missing, stack, file)

    unchecked: list[str] = []
    for key in sorted(project.config):
        declaration = project.config[key]
        if declaration.type is None:
            continue
        full, path_elements = paths[key]
        value = _get(merged, full, path_elements) or _Value("", False, file)
        if declaration.secret and not value.secure:
            raise StackConfigError(f"{value.origin}: Stack '{stack}' with configuration key '{key}' must be encrypted "
                                   "as it's secret")
        content = _plaintext(value.data)
        verdict = valid(declaration.type, declaration.items, content)
        if verdict is False:
            raise StackConfigError(f"{value.origin}: Stack '{stack}' with configuration key '{key}' must be of type "
                                   f"'{declaration.full_type()}'")
        if verdict is None:
            unchecked.append(full)

    values = {key: program_text(value) for key, value in sorted(merged.items())}
    secret_keys = tuple(key for key, value in sorted(merged.items()) if value.secure)
    warnings = tuple(f"{file}: no value for configuration key {key}; the CLI treats it as an empty string"
                     for key in empty)
    return StackConfig(project=project.name, stack=stack, values=values, secret_keys=secret_keys,
                       unchecked_keys=tuple(unchecked), stack_file=file, warnings=warnings)


def stack_names(project_dir: Path) -> list[str]:
    """Every stack that has a ``Pulumi.<stack>.yaml`` in the project's stack config directory."""
    try:
        directory = Path(project_dir) / load_project(project_dir).stack_config_dir
    except StackConfigError:
        directory = Path(project_dir)
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in directory.glob("Pulumi.*.yaml"))
