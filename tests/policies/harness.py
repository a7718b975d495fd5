"""Call a policy's validate directly, with inputs proxied as the analyzer proxies them, and collect violations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _opts(ignore_changes: Iterable[str] = ()) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=False, ignore_changes=list(ignore_changes), delete_before_replace=None, aliases=[],
        additional_secret_outputs=[], custom_timeouts=None, parent=None,
    )


def _floats(value: Any) -> Any:
    """The wire format carries every number as a float."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, Mapping):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_floats(v) for v in value]
    return value


@dataclass
class Result:
    violations: list[tuple[str, str | None]] = field(default_factory=list)
    unknown: bool = False
    not_applicable: bool = False

    @property
    def messages(self) -> list[str]:
        return [m for m, _ in self.violations]


def _run(call) -> Result:
    result = Result()
    try:
        call(lambda message, urn=None: result.violations.append((message, urn)))
    except UnknownValueError:
        result.unknown = True
    except Exception as exc:
        if type(exc).__name__ != "_NotApplicableError":
            raise
        result.not_applicable = True
    return result


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:test::container-platform::{resource_type}::{name}"


def check_resource(policy: ResourceValidationPolicy, resource_type: str, props: Mapping[str, Any],
                   name: str = "r", config: Mapping[str, Any] | None = None,
                   ignore_changes: Iterable[str] = ()) -> Result:
    args = ResourceValidationArgs(resource_type, unknown_checking_proxy(_floats(dict(props))), urn(resource_type, name),
                                  name, _opts(ignore_changes), None, config or {})
    return _run(lambda report: policy.validate(args, report))


@dataclass
class Res:
    """A resource of a stack fixture; ``deps`` maps a property to the names of the resources it came from,
    ``ignore_changes`` is its resource option of that name."""

    type: str
    name: str
    props: Mapping[str, Any]
    deps: Mapping[str, Iterable[str]] = field(default_factory=dict)
    parent: str | None = None
    ignore_changes: Iterable[str] = ()


def check_stack(policy: StackValidationPolicy, resources: Iterable[Res],
                config: Mapping[str, Any] | None = None) -> Result:
    resources = list(resources)
    built = {
        r.name: PolicyResource(r.type, unknown_checking_proxy(_floats(dict(r.props))), urn(r.type, r.name), r.name,
                               _opts(r.ignore_changes), None, None, [], {})
        for r in resources
    }
    for r in resources:
        res = built[r.name]
        res.parent = built.get(r.parent) if r.parent else None
        res.property_dependencies = {k: [built[n] for n in names] for k, names in r.deps.items()}
        res.dependencies = [d for deps in res.property_dependencies.values() for d in deps]
    args = StackValidationArgs(list(built.values()), config or {})
    return _run(lambda report: policy.validate(args, report))
