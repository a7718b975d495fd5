"""Relations between the resources of a stack, for stack policies.

In a preview the ids and ARNs of new resources are unknown, so a stack policy cannot relate a rule to its security
group by comparing ids. For every input property the engine hands over the resources its value was computed from
(``PolicyResource.property_dependencies``): that is the edge these helpers follow. Id equality is the fallback for
values that are known (a resource referenced by a literal id, or an update where the ids exist).

Stack policies see each resource's outputs: inputs plus provider-computed attributes such as ``id`` and ``arn``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError


def by_type(resources: Iterable[PolicyResource], *types: str) -> list[PolicyResource]:
    """The resources whose type token is one of ``types``, in stack order."""
    return [r for r in resources if r.resource_type in types]


def of_type(resources: Iterable[PolicyResource], *types: str) -> list[PolicyResource]:
    """``resources`` of the given types, each once, in order (property dependencies mix types: subnets and SGs)."""
    seen: set[str] = set()
    found = []
    for r in resources:
        if r.resource_type in types and r.urn not in seen:
            seen.add(r.urn)
            found.append(r)
    return found


def deps(resource: PolicyResource, prop: str) -> list[PolicyResource]:
    """The resources that ``resource``'s property ``prop`` was computed from (empty when it is a literal)."""
    return list((resource.property_dependencies or {}).get(prop) or [])


def depends_on(resource: PolicyResource, prop: str, target: PolicyResource) -> bool:
    """Whether ``resource.prop`` refers to ``target``.

    True when ``target`` is among the property's dependencies, or, failing that, when the property's known value
    (a string or a list of strings) contains ``target``'s known ``id`` or ``arn``.
    """
    urns, strings = _references(resource, prop)
    return target.urn in urns or not _identities(target).isdisjoint(strings)


def related_index(candidates: Iterable[PolicyResource]) -> Callable[[PolicyResource, str], list[PolicyResource]]:
    """``lambda resource, prop: [c for c in candidates if depends_on(resource, prop, c)]``, answered from an index
    of the candidates by URN, id and ARN instead of a pass over all of them (same result, same order)."""
    ordered = list(candidates)
    by_urn: dict[str, list[int]] = {}
    by_identity: dict[str, list[int]] = {}
    for i, c in enumerate(ordered):
        by_urn.setdefault(c.urn, []).append(i)
        for value in _identities(c):
            by_identity.setdefault(value, []).append(i)

    def related(resource: PolicyResource, prop: str) -> list[PolicyResource]:
        urns, strings = _references(resource, prop)
        hits: set[int] = set()
        for urn in urns:
            hits.update(by_urn.get(urn, ()))
        for value in strings:
            hits.update(by_identity.get(value, ()))
        return [ordered[i] for i in sorted(hits)]

    return related


def referrers(holders: Iterable[PolicyResource], prop: str) -> Callable[[PolicyResource], list[int]]:
    """The other direction of ``related_index``: for a target, the positions of the ``holders`` whose ``prop`` refers
    to it (``depends_on(holder, prop, target)``), in order."""
    by_urn: dict[str, list[int]] = {}
    by_string: dict[str, list[int]] = {}
    for i, holder in enumerate(holders):
        urns, strings = _references(holder, prop)
        for urn in urns:
            by_urn.setdefault(urn, []).append(i)
        for value in strings:
            by_string.setdefault(value, []).append(i)

    def query(target: PolicyResource) -> list[int]:
        hits = set(by_urn.get(target.urn, ()))
        for value in _identities(target):
            hits.update(by_string.get(value, ()))
        return sorted(hits)

    return query


_BUILT: list[tuple[list[Any], int, Any, Any]] = []


def _built_once(items: list[Any], key: Any, build: Callable[[], Any]) -> Any:
    """``build()`` for a list of the stack, made once per list and ``key``: a policy that asks about the same list
    for every resource of a stack pays for one index, not one pass per resource. Lists are recognised by identity
    (and length); the last few are kept."""
    for listed, length, listed_key, built in _BUILT:
        if listed is items and length == len(items) and listed_key == key:
            return built
    built = build()
    _BUILT.insert(0, (items, len(items), key, built))
    del _BUILT[16:]
    return built


def indexed(candidates: list[PolicyResource]) -> Callable[[PolicyResource, str], list[PolicyResource]]:
    """``related_index(candidates)``, built once per list."""
    return _built_once(candidates, "related", lambda: related_index(candidates))


def referring(target: PolicyResource, prop: str, holders: list[PolicyResource]) -> list[PolicyResource]:
    """The ``holders`` whose ``prop`` refers to ``target`` (``depends_on(holder, prop, target)``), in their order;
    answered from an index built once per list and property when the list is long."""
    if len(holders) <= _SHORT:
        return [h for h in holders if depends_on(h, prop, target)]
    found = _built_once(holders, ("referrers", prop), lambda: referrers(holders, prop))
    return [holders[i] for i in found(target)]


_CACHE = "_guardrails_graph_cache"


def _cache(resource: PolicyResource) -> dict[Any, Any]:
    """Per-resource memo of what this module derives from a resource's properties (they do not change while a
    stack is judged); kept on the resource object itself, so it lives exactly as long as the resource."""
    cache = resource.__dict__.get(_CACHE)
    if cache is None:
        cache = resource.__dict__[_CACHE] = {}
    return cache


def _references(resource: PolicyResource, prop: str) -> tuple[frozenset[str], frozenset[str]]:
    """(URNs ``resource.prop`` depends on, the known strings of its value)."""
    cache = _cache(resource)
    key = ("references", prop)
    found = cache.get(key)
    if found is None:
        found = cache[key] = (frozenset(d.urn for d in deps(resource, prop)),
                              frozenset(_known_strings(resource.props, prop)))
    return found


def _identities(target: PolicyResource) -> frozenset[str]:
    """The target's known, non-empty ``id`` and ``arn``."""
    cache = _cache(target)
    found = cache.get("identities")
    if found is None:
        found = cache["identities"] = frozenset(
            v for v in (known(target.props, "id"), known(target.props, "arn")) if isinstance(v, str) and v)
    return found


def related(resource: PolicyResource, prop: str, candidates: Iterable[PolicyResource]) -> list[PolicyResource]:
    """The ``candidates`` that ``resource.prop`` refers to (property dependency, or known id/ARN), in their order."""
    if isinstance(candidates, list) and len(candidates) > _SHORT:
        return indexed(candidates)(resource, prop)
    return [c for c in candidates if depends_on(resource, prop, c)]


_SHORT = 8  # a list this short is scanned rather than indexed


def refers_to(resource: PolicyResource, prop: str, target: PolicyResource) -> bool:
    """Whether ``resource.prop`` refers to ``target`` anywhere inside its value: a dependency of the property, or
    ``target``'s known id or ARN as any known string of the value (nested blocks such as
    ``networkConfiguration.securityGroups`` included)."""
    if any(d.urn == target.urn for d in deps(resource, prop)):
        return True
    target_ids = {v for v in (known(target.props, "id"), known(target.props, "arn")) if isinstance(v, str) and v}
    return bool(target_ids) and bool(target_ids & _nested_strings(known(resource.props, prop)))


def is_set(resource: PolicyResource, prop: str) -> bool:
    """Whether the program set ``prop``: computed from another resource, or a known value other than null/"".

    Stack policies see outputs, where an optional property the program left out is absent, null, "" or (in a
    preview) unknown; none of those count.
    """
    return bool(deps(resource, prop)) or known(resource.props, prop) not in (None, "")


def names(resources: Iterable[PolicyResource]) -> str:
    """'a', 'b' — resource names for a message."""
    return ", ".join(f"'{r.name}'" for r in resources)


def known(container: Mapping[str, Any] | Sequence[Any], key: str | int) -> Any:
    """``container[key]`` (a property of ``props``, or an element of a list), or None when it is absent or
    unknown in a preview.

    Only for values whose unknown case the dependency graph already decides (an unknown value is computed from
    another resource, which is then in the property's dependencies); everywhere else read ``props`` directly and
    let the unknown-value error reach the SDK, which reports "can't run policy during preview".
    """
    try:
        return container[key]
    except (KeyError, IndexError, TypeError, UnknownValueError):
        return None


def declared(resource: PolicyResource, prop: str) -> Any:
    """The value the program set for an optional, provider-computed property (``SecurityGroup.ingress``,
    ``RouteTable.routes``), or None when the program set none.

    In a preview the provider reports such a property as unknown when the program left it out; an unknown value
    that no resource feeds (no property dependency) therefore means "not set". A value computed from other
    resources is read normally: if it is unknown, the unknown-value error propagates as usual.
    """
    if not deps(resource, prop) and known(resource.props, prop) is None:
        return None
    return resource.props.get(prop)


def _nested_strings(value: Any) -> set[str]:
    """Every known string inside a value (maps and lists at any depth), skipping unknown elements."""
    if isinstance(value, str):
        return {value}
    found: set[str] = set()
    if isinstance(value, Mapping):
        for key in list(value.keys()):
            found |= _nested_strings(known(value, key))
    elif isinstance(value, Sequence):
        for index in range(len(value)):
            found |= _nested_strings(known(value, index))
    return found


def _known_strings(props: Mapping[str, Any], key: str) -> set[str]:
    """The known string values of ``props[key]`` (a string or a list), skipping unknown elements."""
    value = known(props, key)
    if isinstance(value, str):
        return {value}
    if not isinstance(value, Sequence):
        return set()
    items = (known(value, i) for i in range(len(value)))
    return {v for v in items if isinstance(v, str)}
