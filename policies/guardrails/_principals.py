"""Who a resource-based policy lets in: public principals, and the conditions that narrow them to known accounts,
organizations, principals, sources or networks.

A statement is public when its ``Principal`` is ``"*"`` or names ``"*"`` (``{"AWS": "*"}``, a list holding it), or
when it uses ``NotPrincipal`` in an Allow, unless a condition narrows it: a restricting key (below) compared with
specific values by an operator that must match (``StringEquals``, ``StringLike``, ``ArnEquals``, ``ArnLike``,
``IpAddress``, their ``ForAnyValue:`` forms). ``...IfExists`` operators pass when the key is missing, negated
operators (``StringNotEquals``) let everyone else in, and ``"*"`` matches anything: none of those narrow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guardrails.base import as_list
from guardrails.iam._roles import Statement

#: Condition keys that identify the caller's account, organization or principal, the source resource or account
#: acting for it, or its network.
RESTRICTING_KEYS = frozenset({
    "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths", "aws:principalarn", "aws:userid",
    "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourcearn", "aws:sourceowner",
    "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip", "aws:vpcsourceip",
})
_MATCHING = frozenset({"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"})


def is_public_principal(principal: Any) -> bool:
    """``"*"``, or a principal map or list that names ``"*"``."""
    if isinstance(principal, str):
        return principal.strip() == "*"
    if isinstance(principal, Mapping):
        return any(isinstance(v, str) and v.strip() == "*" for values in principal.values() for v in as_list(values))
    return any(is_public_principal(p) for p in as_list(principal)) if isinstance(principal, list) else False


def _specific(value: Any) -> bool:
    return isinstance(value, str) and value.strip() not in ("", "*")


def narrowing_keys(condition: Mapping[str, Any]) -> list[str]:
    """The restricting keys the condition compares with specific values through an operator that must match."""
    found = []
    for operator, keys in condition.items():
        name = str(operator).lower()
        if name.startswith("foranyvalue:"):
            name = name.removeprefix("foranyvalue:")
        if name not in _MATCHING or not isinstance(keys, Mapping):
            continue
        for key, values in keys.items():
            values = as_list(values)
            if str(key).lower() in RESTRICTING_KEYS and values and all(_specific(v) for v in values):
                found.append(str(key))
    return found


def public_reason(statement: Statement) -> str | None:
    """Why an Allow statement lets anyone in, or None."""
    if not statement.allows:
        return None
    if statement.not_principal is not None:
        return "it allows every principal except those in NotPrincipal"
    if not is_public_principal(statement.principal):
        return None
    if narrowing_keys(statement.condition):
        return None
    return "its Principal is \"*\" and no condition narrows it to an account, organization, principal, source or " \
           "network"
