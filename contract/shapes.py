"""The JSON shapes of stack outputs, as a ``StackReference`` hands them to another program."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """One key of a record."""

    name: str
    shape: Shape
    nullable: bool = False
    """The value may be null (JSON null, Python None). A Python program reading the stack through a StackReference
    sees no key at all: Pulumi's Python SDK drops null values from objects."""


@dataclass(frozen=True)
class Shape:
    """A JSON value's shape: a scalar, a list, a map by name (keys chosen by the stack's config) or a record (fixed
    keys)."""

    kind: str
    """``string``, ``number``, ``boolean``, ``list``, ``map`` or ``record``."""
    of: Shape | None = None
    """Lists and maps: the shape of every element."""
    fields: tuple[Field, ...] = ()
    """Records: their keys, each always present."""

    @property
    def json(self) -> str:
        """The JSON type of the value itself: ``string``, ``number``, ``boolean``, ``array`` or ``object``."""
        return {"list": "array", "map": "object", "record": "object"}.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """How the README writes it: ``string``, ``list<string>``, ``map<string, {a: string, b: number}>``."""
        if self.kind == "list":
            return f"list<{self.of.label}>"  # type: ignore[union-attr]
        if self.kind == "map":
            return f"map<string, {self.of.label}>"  # type: ignore[union-attr]
        if self.kind == "record":
            return "{" + ", ".join(f"{f.name}: {f.shape.label}{' or null' if f.nullable else ''}"
                                   for f in self.fields) + "}"
        return self.kind

    def normalized(self, value: Any) -> Any:
        """``value`` (of this shape) with every nullable record field present, None where it was left out."""
        if self.kind == "list":
            return [self.of.normalized(v) for v in value]  # type: ignore[union-attr]
        if self.kind == "map":
            return {k: self.of.normalized(v) for k, v in value.items()}  # type: ignore[union-attr]
        if self.kind == "record":
            return {f.name: f.shape.normalized(value[f.name]) if value.get(f.name) is not None else None
                    for f in self.fields}
        return value

    def problems(self, value: Any, where: str) -> list[str]:
        """What in ``value`` does not have this shape, each naming where it is (``services.web.path``)."""
        if self.kind == "string":
            return [] if isinstance(value, str) else [f"{where} must be a string (got {_json(value)})"]
        if self.kind == "number":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            return [] if ok else [f"{where} must be a number (got {_json(value)})"]
        if self.kind == "boolean":
            return [] if isinstance(value, bool) else [f"{where} must be a boolean (got {_json(value)})"]
        if self.kind == "list":
            if not isinstance(value, list):
                return [f"{where} must be a list (got {_json(value)})"]
            return [p for i, item in enumerate(value) for p in self.of.problems(item, f"{where}[{i}]")]  # type: ignore[union-attr]
        if not isinstance(value, Mapping):
            return [f"{where} must be an object (got {_json(value)})"]
        if self.kind == "map":
            return [p for key, item in value.items() for p in self.of.problems(item, f"{where}.{key}")]  # type: ignore[union-attr]
        out = []
        for f in self.fields:
            if f.name not in value:
                if not f.nullable:
                    out.append(f"{where} has no {f.name}")
            elif not (f.nullable and value[f.name] is None):
                out.extend(f.shape.problems(value[f.name], f"{where}.{f.name}"))
        out.extend(f"{where} has {key}, which the contract does not declare"
                   for key in value if key not in {f.name for f in self.fields})
        return out


def _json(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", str: "a string", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


STRING = Shape("string")
NUMBER = Shape("number")
BOOLEAN = Shape("boolean")


def list_of(shape: Shape) -> Shape:
    return Shape("list", of=shape)


def map_of(shape: Shape) -> Shape:
    return Shape("map", of=shape)


def record(*fields: Field) -> Shape:
    return Shape("record", fields=fields)


def json_type(value: Any) -> str:
    """The JSON type of a recorded value: what a consumer's language sees first."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return "null"
