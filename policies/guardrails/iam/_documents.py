"""The identity-based policy documents a resource declares, for policies that judge every document of the stack.

Customer managed policies (``aws:iam/policy:Policy``), inline policies as resources (``aws:iam/rolePolicy``,
``userPolicy``, ``groupPolicy``) and the ``inlinePolicies`` blocks of ``aws:iam/role:Role``. Trust policies
(``assumeRolePolicy``) are resource-based and not returned. A document is the provider's ``policy`` input, a JSON
string or a policy document object; computed from other resources' outputs it is unknown in a preview, and reading
it raises the SDK's unknown-value error (the policy cannot run yet).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from guardrails.base import as_list
from guardrails.iam import _actions
from guardrails.iam._roles import DocumentError, Statement, statements

MANAGED = "aws:iam/policy:Policy"
INLINE = {
    "aws:iam/rolePolicy:RolePolicy": "role",
    "aws:iam/userPolicy:UserPolicy": "user",
    "aws:iam/groupPolicy:GroupPolicy": "group",
}
ROLE = "aws:iam/role:Role"
TYPES = (MANAGED, ROLE, *INLINE)


@dataclass(frozen=True)
class Declared:
    """One identity-based document and how messages name it."""

    where: str
    """"the customer managed policy", "the inline policy 'x' of the role"."""
    managed: bool
    document: Any


def documents(args: ResourceValidationArgs) -> Iterator[Declared]:
    """The identity-based policy documents ``args``' resource declares (none for other types)."""
    if args.resource_type == MANAGED:
        yield Declared("the customer managed policy", True, args.props.get("policy"))
    elif args.resource_type in INLINE:
        yield Declared(f"this inline {INLINE[args.resource_type]} policy", False, args.props.get("policy"))
    elif args.resource_type == ROLE:
        for index, inline in enumerate(as_list(args.props.get("inlinePolicies"))):
            if isinstance(inline, Mapping) and inline.get("policy") is not None:
                name = inline.get("name") or f"#{index + 1}"
                yield Declared(f"the inline policy '{name}' of the role", False, inline.get("policy"))


def allow_statements(declared: Declared, report: ReportViolation) -> list[Statement]:
    """The Allow statements of a document; reports (fail closed) a document that is not a policy document."""
    try:
        parsed = statements(declared.document)
    except DocumentError as exc:
        report(f"{declared.where} is not a valid IAM policy document ({exc}), so it cannot be checked; give a JSON "
               "policy document with a Statement list.")
        return []
    return [s for s in parsed if s.allows]


_ALL = re.compile(r"^\*+(:\*+)?$")


def every_action(action: str) -> bool:
    """Whether an Action value grants every action of every service (``*``, ``*:*``)."""
    return bool(_ALL.match(action.strip()))


def service_wide(action: str) -> bool:
    """Whether an Action value grants every action of a service (``s3:*``, ``s3*:*``) or of all of them (``*``)."""
    value = action.strip()
    if every_action(value):
        return True
    service, sep, name = value.partition(":")
    return bool(sep) and bool(service) and name != "" and name.strip("*") == ""


def grants(statement: Statement, action: str) -> bool:
    """Whether an Allow statement's Action (or NotAction) covers ``action`` (``service:Name``), with IAM wildcards."""
    target = action.lower()
    if statement.not_actions is not None:
        return not any(target in _names(pattern) for pattern in statement.not_actions)
    return any(target in _names(pattern) for pattern in statement.actions)


def _names(pattern: str) -> set[str]:
    return {a.name.lower() for a in _actions.expand(pattern)}
