"""Reading one item of a list key (``services``, ``pipelines``, ``workers``, …): its keys with their JSON types and
defaults, its name against the AWS limits of what it becomes, its grants. Each error names the key as
``container-platform:<list>[<name>].<key>``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from components.ecs.fargate_service import FARGATE_SIZES
from components.ecs.roles import GRANT_ACTIONS, Grant
from settings import aws
from settings.schema import PROJECT, ConfigError, Reader, article, did_you_mean, has_type, string_map

#: Auto-named resources get "-" and 7 hex digits after their logical name.
AUTONAME_SUFFIX = len("-0123abc")
REQUIRED = object()
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: What an image reference may contain (ECS ContainerDefinition.image).
IMAGE = re.compile(r"[A-Za-z0-9_:./#@-]{1,255}")
#: Keys whose values may be secrets (by design, or pasted in by mistake): messages never show their values.
MAY_HOLD_SECRETS = ("environment", "secrets")


class Item:
    """One item of a list key, read against ``keys``: unknown keys, required keys and JSON types are checked;
    ``v`` holds every key's value (the default where absent)."""

    def __init__(self, reader: Reader, list_key: str, index: int, item: Any,
                 keys: Mapping[str, tuple[str, Any, str]]) -> None:
        self.reader = reader
        self.where = f"{PROJECT}:{list_key}[{index}]"
        if not isinstance(item, dict):
            raise reader.fail(self.where, "must be a mapping", item)
        if isinstance(item.get("name"), str):
            self.where = f"{PROJECT}:{list_key}[{item['name']}]"
        for key in item:
            if key not in keys:
                raise ConfigError(f"{reader.file}: unknown key {self.where}.{key}{did_you_mean(key, keys)}")
        self.v: dict[str, Any] = {}
        for key, (type_name, default, _) in keys.items():
            if key not in item:
                if default is REQUIRED:
                    raise ConfigError(f"{reader.file}: {self.where}.{key} is required")
                self.v[key] = default
                continue
            value = item[key]
            if value is not None or default is not None:
                if not has_type(value, type_name):
                    raise reader.fail(f"{self.where}.{key}", f"must be {article(type_name)}", value,
                                      show_value=key not in MAY_HOLD_SECRETS)
            self.v[key] = value

    def bad(self, key: str, message: str, show_value: bool = True) -> ConfigError:
        return self.reader.fail(f"{self.where}.{key}", message, self.v[key], show_value=show_value)


def max_name_length(children: Iterable[tuple[str, str, int]]) -> int:
    """The longest name whose auto-named children all fit AWS's name limits."""
    return min(limit - AUTONAME_SUFFIX - len(pattern.format(name="")) for _, pattern, limit in children)


def check_name(item: Item, children: tuple[tuple[str, str, int], ...]) -> str:
    name = item.v["name"]
    longest = max_name_length(children)
    if not _NAME.fullmatch(name):
        raise item.bad("name", f"must be lowercase letters, digits and hyphens, starting with a letter, up to "
                               f"{longest} characters")
    for what, pattern, limit in children:
        if len(pattern.format(name=name)) + AUTONAME_SUFFIX > limit:
            raise item.bad("name", f"must be lowercase letters, digits and hyphens, starting with a letter, up to "
                                   f"{longest} characters (its {what} would be named {pattern.format(name=name)}-<7 "
                                   f"hex digits>, over AWS's {limit})")
    return name


def check_fargate_size(item: Item) -> None:
    """``cpu`` and ``memory``: a task size Fargate runs (one table with the platform's components and the pack)."""
    cpu, memory = item.v["cpu"], item.v["memory"]
    if cpu not in FARGATE_SIZES:
        raise item.bad("cpu", f"must be a Fargate task size: one of {', '.join(map(str, FARGATE_SIZES))} CPU units")
    allowed = FARGATE_SIZES[cpu]
    if memory not in allowed:
        shown = (f"{allowed.start} to {allowed.stop - 1} MiB in steps of {allowed.step}"
                 if isinstance(allowed, range) else ", ".join(map(str, allowed)) + " MiB")
        raise item.bad("memory", f"must be valid with cpu {cpu} on Fargate: {shown}")


def check_environment(item: Item, key: str = "environment") -> None:
    """A map of environment variable names to strings (values never shown: they may be secrets)."""
    if problem := string_map(item.v[key]):
        raise item.bad(key, problem, show_value=False)
    if env := next((n for n in item.v[key] if not _ENV_NAME.fullmatch(n)), None):
        raise item.bad(key, f"must use environment variable names ({env!r} is not one)", show_value=False)


def grants(item: Item, partition: str) -> tuple[Grant, ...]:
    """``grants``: [{kind, arn}] with a kind of GRANT_ACTIONS on one resource ARN of the stack's partition."""
    found = []
    for i, grant in enumerate(item.v["grants"]):
        where = f"{item.where}.grants[{i}]"
        if not isinstance(grant, dict) or set(grant) != {"kind", "arn"}:
            raise item.reader.fail(where, "must be a mapping with exactly kind and arn", grant)
        if grant["kind"] not in GRANT_ACTIONS:
            raise item.reader.fail(f"{where}.kind", f"must be one of {', '.join(GRANT_ACTIONS)}", grant["kind"])
        service = grant["kind"].split("-")[0]
        arn = grant["arn"]
        if not isinstance(arn, str) or not aws.arn_pattern(partition, service).fullmatch(arn) or "*" in arn:
            raise item.reader.fail(f"{where}.arn", f"must be the ARN of one {service} resource in partition "
                                   f"{partition}, without wildcards", arn)
        found.append(Grant(kind=grant["kind"], arn=arn))
    return tuple(found)


def unique_names(reader: Reader, list_key: str, names: list[str]) -> None:
    if dup := next((n for n in names if names.count(n) > 1), None):
        raise reader.fail(f"{PROJECT}:{list_key}", f"must have unique names ({dup} appears twice)", show_value=False)


def names_distinct_across(reader: Reader, lists: Mapping[str, list[str]]) -> None:
    """No name in two lists: their tasks share log group names and task definition families."""
    seen: dict[str, str] = {}
    for list_key, names in lists.items():
        for name in names:
            if name in seen:
                raise ConfigError(f"{reader.file}: {PROJECT}:{seen[name]}[{name}] and {PROJECT}:{list_key}[{name}] "
                                  f"have the same name; their log groups and task families would collide")
            seen[name] = list_key
