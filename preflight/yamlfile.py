"""Read YAML as the Pulumi CLI reads ``Pulumi.yaml`` and stack files, and write JSON as its Go code writes it.

The CLI parses with Go's ``gopkg.in/yaml.v3``, which differs from PyYAML where it matters for config:

- plain scalars resolve by YAML 1.2 core rules: ``yes``/``on``/``no`` are strings, only ``true``/``True``/``TRUE``
  (and the false forms) are booleans; ``0777`` is octal, ``0x1F``/``0o17``/``0b11`` and ``1_000`` are integers;
  a float needs digits (``1.``, ``.5``, ``1e3``); ``1e400`` stays a string, and so does a timestamp;
- a key given twice in a mapping is an error (PyYAML keeps the last one silently). Here the error names the file,
  the key and both lines.

Config values reach a program as text: objects and lists as the JSON Go's ``encoding/json`` writes (keys sorted,
no spaces, ``<``/``>``/``&`` escaped, whole floats without a fraction: ``256.0`` is ``256``). ``go_json`` writes it.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_PLAIN = "!go-plain"  # the tag this loader gives plain (unquoted, untagged) scalars, resolved by go_resolve
_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL, _MERGE = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"

_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INT64 = (-(2**63), 2**63 - 1)
_UINT64_MAX = 2**64 - 1
_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


class YamlError(Exception):
    """The file is not YAML the CLI accepts; the message names the file and the line."""


class LineDict(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    lines: dict[str, int]


def _go_parse_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 0, 64)`` falling back to ``ParseUint``: Go's base prefixes, a leading 0 is octal."""
    sign, body = (-1, text[1:]) if text[:1] == "-" else (1, text[1:] if text[:1] == "+" else text)
    base = 10
    if body[:2] in ("0x", "0X"):
        base, body = 16, body[2:]
    elif body[:2] in ("0o", "0O"):
        base, body = 8, body[2:]
    elif body[:2] in ("0b", "0B"):
        base, body = 2, body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, body = 8, body[1:]
    if not body or any(c not in _DIGITS[base] for c in body):
        return None
    value = sign * int(body, base)
    if _INT64[0] <= value <= _INT64[1] or (sign > 0 and value <= _UINT64_MAX and text[:1] != "+"):
        return value
    return None


def go_resolve(text: str) -> Any:
    """The value yaml.v3 gives a plain scalar when decoding into ``interface{}``."""
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    first = text[0]
    if first == ".":
        return _float_or(text, text)
    if first in "+-0123456789":
        plain = text.replace("_", "")
        number = _go_parse_int(plain)
        if number is not None:
            return number
        return _float_or(plain, text)
    return text


def _float_or(candidate: str, text: str) -> Any:
    if _YAML_FLOAT.fullmatch(candidate):
        value = float(candidate)
        if not math.isinf(value):
            return value
    return text


class _Loader(yaml.SafeLoader):
    """Composes nodes only; plain scalars get the ``_PLAIN`` tag so that Go's rules can resolve them."""

    def resolve(self, kind, value, implicit):  # noqa: ANN001 - PyYAML's signature
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


_Loader.yaml_implicit_resolvers = {}


def _where(path: str) -> str:
    return f" in {path}" if path else ""


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.active: set[int] = set()

    def fail(self, node: Node, message: str) -> YamlError:
        return YamlError(f"{self.name}: line {node.start_mark.line + 1}: {message}")

    def build(self, node: Node, path: str) -> Any:
        if id(node) in self.active:
            raise self.fail(node, f"an alias{_where(path)} refers to a node that contains it")
        self.active.add(id(node))
        try:
            if isinstance(node, ScalarNode):
                return self.scalar(node)
            if isinstance(node, SequenceNode):
                return [self.build(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: ScalarNode) -> Any:
        text, tag = node.value, node.tag
        if tag == _PLAIN:
            return go_resolve(text)
        if tag == _STR:
            return text
        if tag in (_INT, _FLOAT, _BOOL, _NULL):
            value = go_resolve(text)
            expected = {_INT: (int,), _FLOAT: (float, int), _BOOL: (bool,), _NULL: (type(None),)}[tag]
            if isinstance(value, expected) and not (tag != _BOOL and isinstance(value, bool)):
                return float(value) if tag == _FLOAT else value
            raise self.fail(node, f"cannot decode the scalar as {tag.rsplit(':', 1)[-1]}")
        return text  # other explicit tags: the text, as yaml.v3 gives for an unknown tag

    def key(self, node: Node) -> str:
        value = self.scalar(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, str):
            raise self.fail(node, "mapping keys must be strings")
        return value

    def mapping(self, node: MappingNode, path: str) -> LineDict:
        result = LineDict()
        result.lines = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag in (_PLAIN, _MERGE) and key_node.value == "<<":
                for source in self.merge_sources(value_node, path):
                    for k, v in source.items():
                        merged.setdefault(k, (v, source.lines.get(k, 0)))
                continue
            key = self.key(key_node)
            line = key_node.start_mark.line + 1
            if key in result:
                raise YamlError(f"{self.name}: key '{key}'{_where(path)} is given twice, at lines "
                                f"{result.lines[key]} and {line} (YAML would keep only the last)")
            result[key] = self.build(value_node, f"{path}.{key}" if path else key)
            result.lines[key] = line
        for key, (value, line) in merged.items():
            if key not in result:
                result[key] = value
                result.lines[key] = line
        return result

    def merge_sources(self, node: Node, path: str) -> list[LineDict]:
        items = node.value if isinstance(node, SequenceNode) else [node]
        sources = []
        for item in items:
            value = self.build(item, path)
            if not isinstance(value, LineDict):
                raise self.fail(item, "a merge key (<<) takes a mapping or a list of mappings")
            sources.append(value)
        return sources


def loads(text: str, name: str) -> Any:
    """Parse the (first) YAML document as the CLI does; ``name`` (the file's name) heads every error message."""
    loader = _Loader(text)
    try:
        node = loader.get_node() if loader.check_node() else None  # the first document, as yaml.Unmarshal reads
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlError(f"{name}: {where}not valid YAML ({problem})") from None
    finally:
        loader.dispose()
    return None if node is None else _Builder(name).build(node, "")


def load(path: Path) -> Any:
    """``loads`` of a file, without a UTF-8 byte-order mark (the CLI strips it)."""
    return loads(path.read_text(encoding="utf-8-sig"), path.name)


# ---- JSON as Go's encoding/json writes it ---------------------------------------------------------------------

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_float(value: float) -> str:
    """A float64 as ``encoding/json`` writes it: shortest digits, fixed notation in [1e-6, 1e21)."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError("unsupported value: NaN or infinity")
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    if 1e-6 <= abs(value) < 1e21:
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, _, exponent = repr(value).partition("e")
    if exponent.startswith("-0") and len(exponent) == 3:
        exponent = "-" + exponent[2]
    return f"{mantissa}e{exponent}"


def go_json(value: Any) -> str:
    """``json.Marshal`` of a decoded YAML value (maps with string keys, lists, scalars)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return "".join(_GO_ESCAPES.get(c, c) for c in text)
    if isinstance(value, dict):
        return "{" + ",".join(f"{go_json(str(k))}:{go_json(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} as config JSON")
