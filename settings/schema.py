"""The machinery every settings area shares: declared keys, value checks, and a reader that names the stack file
and the key in every error."""

from __future__ import annotations

import difflib
import ipaddress
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PROJECT = "container-platform"
#: What the preflight passes for a ``secure:`` stack value: Pulumi's unknown sentinel (its value is not known
#: offline, as in a preview).
SECRET_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

Check = Callable[[Any], str | None]  # returns what is allowed when the value is wrong, else None

TYPES: dict[str, type | tuple[type, ...]] = {"string": str, "integer": int, "boolean": bool, "array": list,
                                             "object": dict}


class ConfigError(Exception):
    """A stack configuration value is wrong; the message names the stack file and the key."""


@dataclass(frozen=True)
class Key:
    """A key of the project's namespace, declared the same way in ``Pulumi.yaml``."""

    name: str
    type: str  # string | integer | boolean | array | object
    default: Any
    description: str
    check: Check | None = None
    items: str | None = None  # the item type of an array, as Pulumi.yaml declares it


def has_type(value: Any, type_name: str) -> bool:
    """JSON type check; YAML's true/false are not integers here, although Python's bool is an int."""
    return isinstance(value, TYPES[type_name]) and (type_name == "boolean" or not isinstance(value, bool))


def article(type_name: str) -> str:
    return {"integer": "an integer", "array": "a list", "object": "a mapping"}.get(type_name, f"a {type_name}")


# ---- checks -------------------------------------------------------------------------------------------------


def between(lo: int, hi: int) -> Check:
    return lambda v: None if lo <= v <= hi else f"must be {lo}..{hi}"


def one_of(*allowed: Any) -> Check:
    return lambda v: None if v in allowed else f"must be one of {', '.join(map(str, allowed))}"


def cidr(prefix_lo: int, prefix_hi: int) -> Check:
    def check(v: str) -> str | None:
        try:
            net = ipaddress.ip_network(v, strict=True)
        except ValueError:
            net = None
        if net is None or net.version != 4 or not prefix_lo <= net.prefixlen <= prefix_hi:
            return f"must be an IPv4 CIDR block with a /{prefix_lo}../{prefix_hi} prefix"
        return None

    return check


def cidr_list(v: list[Any]) -> str | None:
    for item in v:
        try:
            ipaddress.ip_network(item, strict=True)
        except (TypeError, ValueError):
            return f"must be a list of CIDR blocks ({item!r} is not one)"
    return None if v else "must list at least one CIDR block"


def string_map(v: Mapping[str, Any]) -> str | None:
    bad = [k for k, val in v.items() if not isinstance(val, str)]
    return f"must map names to strings ({bad[0]} is not a string)" if bad else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {hint[0]}?" if hint else ""


# ---- reading ------------------------------------------------------------------------------------------------


class Reader:
    """Reads raw config strings (``namespace:key`` → string), naming the stack file and key in every error."""

    def __init__(self, stack: str, raw: Mapping[str, str]) -> None:
        self.stack = stack
        self.file = f"Pulumi.{stack}.yaml"
        self.raw = raw

    def fail(self, key: str, message: str, value: Any = None, show_value: bool = True) -> ConfigError:
        got = f" (got {json.dumps(value)})" if show_value else ""
        return ConfigError(f"{self.file}: {key} {message}{got}")

    def parse(self, key: Key) -> Any:
        full = f"{PROJECT}:{key.name}"
        if full not in self.raw:
            return key.default
        text = self.raw[full]
        if text == SECRET_UNKNOWN:
            if key.type == "string":
                return text  # a secret: its value is unknown offline and is not checked (nor shown)
            raise self.fail(full, f"is secure (encrypted), but it is {article(key.type)}, not a secret string",
                            show_value=False)
        if key.type == "string":
            value: Any = text
        else:
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise self.fail(full, f"must be {article(key.type)}", text) from None
        if not has_type(value, key.type):
            raise self.fail(full, f"must be {article(key.type)}", value)
        if key.check and (problem := key.check(value)):
            raise self.fail(full, problem, value)
        return value

    def unknown_keys(self, schema: Iterable[Key]) -> None:
        names = [k.name for k in schema]
        for full in sorted(self.raw):
            namespace, _, name = full.partition(":")
            if namespace == "aws":
                continue  # provider config, validated by the AWS provider
            if namespace != PROJECT or name not in names:
                known = [f"{PROJECT}:{k}" for k in names] + ["aws:region"]
                hint = did_you_mean(full, known)
                raise ConfigError(f"{self.file}: unknown key {full}"
                                  + (hint or f"; known keys are {', '.join(known)}"))
