"""The configuration a stack's program sees, merged and validated as the Pulumi CLI does before it runs a program.

Ported from the CLI (pulumi/pulumi: ``sdk/go/common/workspace`` loading ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``,
``pkg/workspace/config.go`` merging and validating them):

``Pulumi.yaml``
    ``config:`` declares keys. A bare scalar or list is shorthand: ``default`` for a key of the project's namespace,
    ``value`` for another namespace. A declaration may carry ``type`` (string, integer, boolean, array with
    ``items``, object), ``default``, ``value``, ``secret`` and ``description``. Keys of other namespaces take only
    ``value``; no key takes both ``default`` and ``value``; a typed ``default`` must match its type.
    ``config: <dir>`` (or ``stackConfigDir``) moves the stack files.
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

from preflight.yamlfile import LineDict, YamlError, go_float, go_json
from preflight.yamlfile import load as load_yaml

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROJECT_FILE = "Pulumi.yaml"
TYPES = ("string", "integer", "boolean", "array", "object")
_DECLARATION = {"type", "items", "description", "secret", "default", "value"}
_INT64 = (-(2**63), 2**63 - 1)


class StackConfigError(Exception):
    """The project or stack config is not what the CLI accepts; the message names the file and the key."""


class Secure:
    """A ``secure:`` value: only its presence is ever shown."""

    __slots__ = ("_ciphertext",)

    def __init__(self, ciphertext: str) -> None:
        self._ciphertext = ciphertext

    def __repr__(self) -> str:
        return "Secure(...)"


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


def _full_key(project: str, key: str, file: str) -> str:
    namespace, name = parse_key(key, file) if ":" in key else (project, key)
    return f"{namespace}:{name}"


_PATH_TOKEN = re.compile(r'\[(?:"((?:\\"|[^"])*)"|([0-9]+))\]|\.?([^.\[]+)')


def _path(name: str, key: str, file: str) -> list[str | int]:
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


class _Secret:
    """A secure string's plaintext, which offline nobody knows: it is some string."""


_SECRET = _Secret()


def _is_go_int_text(text: str) -> bool:
    """``strconv.Atoi``: an optional sign and decimal digits, within int64."""
    return bool(re.fullmatch(r"[+-]?[0-9]+", text)) and _INT64[0] <= int(text) <= _INT64[1]


def valid(type_: str, items: ItemsType | None, value: Any) -> bool | None:
    """The CLI's ``ValidateConfigValue``; None when the answer depends on a secret's plaintext."""
    if type_ == "string":
        return isinstance(value, (str, _Secret))
    if type_ == "integer":
        if isinstance(value, _Secret):
            return None
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, str) and _is_go_int_text(value)
    if type_ == "boolean":
        if isinstance(value, _Secret):
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
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    return value


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


def _plaintext(data: Any, secret: Any = _SECRET) -> Any:
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
        full = _full_key(project, key, file)
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
        full = _full_key(project.name, key, PROJECT_FILE)
        path_elements = _path(full.split(":", 1)[1], key, PROJECT_FILE)
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
