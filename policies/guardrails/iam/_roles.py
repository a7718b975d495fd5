"""ECS task roles and execution roles of a stack, the policy documents that grant them permissions, and a reader for
IAM JSON policy documents.

A role is a task role or an execution role because a task definition names it in ``taskRoleArn`` or
``executionRoleArn``. The relations follow the property dependencies (see ``guardrails._graph``), so they hold in
a preview where the ARNs are still unknown; known ids and ARNs relate resources the program wired by literal.
Policy documents are read directly: a document computed from unknown ARNs raises the SDK's unknown-value error,
which must reach the SDK ("can't run policy during preview").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyResource

from guardrails._document import DocumentError, raw_statements
from guardrails._graph import by_type, declared, known, related_index
from guardrails.base import as_list

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
MANAGED_POLICY = "aws:iam/policy:Policy"

_AWS_MANAGED = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::aws:policy/(?:.+/)?(?P<name>[^/]+)$")


def aws_managed_name(arn: str) -> str | None:
    """The name of an AWS managed policy ARN (``arn:aws:iam::aws:policy/service-role/X`` → ``X``), else None."""
    found = _AWS_MANAGED.match(arn)
    return found.group("name") if found else None


# ---- policy documents -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One statement of a policy document, with the string-or-list elements as tuples."""

    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] | None
    """None when the statement has no NotAction element."""
    resources: tuple[str, ...]
    not_resources: tuple[str, ...] | None
    """None when the statement has no NotResource element."""
    principal: Any = None
    not_principal: Any = None
    condition: Mapping[str, Any] = field(default_factory=dict)

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def all_actions(self) -> tuple[str, ...]:
        return self.actions + (self.not_actions or ())


def _strings(statement: Mapping[str, Any], element: str) -> tuple[str, ...] | None:
    if element not in statement:
        return None
    values = as_list(statement[element])
    if not all(isinstance(v, str) for v in values):
        raise DocumentError(f"{element} must be a string or a list of strings")
    return tuple(values)


def statements(document: Any) -> list[Statement]:
    """The statements of a policy document given as a JSON string or as an object (``PolicyDocumentArgs``).

    Raises DocumentError when it is not a policy document; reading a proxied object lets an unknown value raise.
    """
    raw = raw_statements(document)
    result = []
    for s in raw:
        condition = s.get("Condition") or {}
        if not isinstance(condition, dict):
            raise DocumentError("a Condition is not an object")
        result.append(
            Statement(
                effect=s.get("Effect", ""),
                actions=_strings(s, "Action") or (),
                not_actions=_strings(s, "NotAction"),
                resources=_strings(s, "Resource") or (),
                not_resources=_strings(s, "NotResource"),
                principal=s.get("Principal"),
                not_principal=s.get("NotPrincipal"),
                condition=condition,
            )
        )
    return result


# ---- roles and what grants them permissions ---------------------------------------------------------------


@dataclass
class RoleUse:
    """A role of the stack and the task definitions that use it in one capacity (task role or execution role)."""

    role: PolicyResource
    task_definitions: list[PolicyResource]


@dataclass(frozen=True)
class Document:
    """A policy document that grants a role permissions, and where to report about it."""

    urn: str
    where: str
    """How a message names it: "role policy 'api-task-s3' of task role 'api-task'"."""
    document: Any


@dataclass(frozen=True)
class ManagedArn:
    """A managed policy attached by ARN whose document is not in the stack (AWS managed, or from elsewhere)."""

    urn: str
    where: str
    arn: str


class Roles:
    """The roles, task definitions and role permissions of one stack, related once."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.roles = by_type(resources, ROLE)
        self.task_definitions = by_type(resources, TASK_DEFINITION)
        self._roles = related_index(self.roles)
        self._policies = related_index(by_type(resources, MANAGED_POLICY))
        self._role_policies: dict[str, list[PolicyResource]] = {}
        self._attachments: dict[str, list[PolicyResource]] = {}
        for role_policy in by_type(resources, ROLE_POLICY):
            for role in self._roles(role_policy, "role"):
                self._role_policies.setdefault(role.urn, []).append(role_policy)
        for resource_type, prop in ((ROLE_POLICY_ATTACHMENT, "role"), (POLICY_ATTACHMENT, "roles")):
            for attachment in by_type(resources, resource_type):
                for role in self._roles(attachment, prop):
                    self._attachments.setdefault(role.urn, []).append(attachment)

    def roles_of(self, task_definition: PolicyResource, prop: str) -> list[PolicyResource]:
        """The roles of the stack that ``task_definition.prop`` refers to (by dependency, else by known ARN)."""
        return self._roles(task_definition, prop)

    def used_as(self, prop: str) -> list[RoleUse]:
        """The roles that task definitions name in ``prop`` (``taskRoleArn``, ``executionRoleArn``), in stack
        order, each with those task definitions."""
        uses: dict[str, RoleUse] = {}
        for task_definition in self.task_definitions:
            for role in self.roles_of(task_definition, prop):
                uses.setdefault(role.urn, RoleUse(role, [])).task_definitions.append(task_definition)
        return [uses[r.urn] for r in self.roles if r.urn in uses]

    def permissions(self, role: PolicyResource, kind: str) -> tuple[list[Document], list[ManagedArn]]:
        """Every policy document granting ``role`` permissions, and the managed policy ARNs attached whose
        documents the stack does not hold. ``kind`` ("task role", "execution role") names the role in messages.

        Sources: the role's ``inlinePolicies``, RolePolicy resources, RolePolicyAttachment / PolicyAttachment
        resources and the role's ``managedPolicyArns`` (a customer managed ``aws:iam/policy:Policy`` of the stack
        is read for its document). A document that is unknown in a preview raises the unknown-value error.
        """
        role_name = f"{kind} '{role.name}'"
        documents: list[Document] = []
        managed: list[ManagedArn] = []

        # After an update the role's outputs also list, in inlinePolicies and managedPolicyArns, what RolePolicy
        # and attachment resources put on it: those are judged once, on the resource that grants them.
        role_policies = self._role_policies.get(role.urn, [])
        for role_policy in role_policies:
            where = f"role policy '{role_policy.name}' of {role_name}"
            documents.append(Document(role_policy.urn, where, role_policy.props.get("policy")))
        role_policy_names = {known(p.props, "name") for p in role_policies} - {None}

        for inline in as_list(declared(role, "inlinePolicies")):
            if isinstance(inline, Mapping) and inline.get("policy") and inline.get("name") not in role_policy_names:
                where = f"inline policy '{inline.get('name') or '(unnamed)'}' of {role_name}"
                documents.append(Document(role.urn, where, inline["policy"]))

        attached_arns: set[Any] = set()
        for attachment in self._attachments.get(role.urn, []):
            attached = self._policies(attachment, "policyArn")
            documents += [_policy_document(p, role_name) for p in attached]
            attached_arns |= {known(p.props, "arn") for p in attached}
            if not attached:
                arn = attachment.props.get("policyArn")
                if isinstance(arn, str) and arn:
                    attached_arns.add(arn)
                    managed.append(ManagedArn(attachment.urn, f"{role_name} (attachment '{attachment.name}')", arn))

        arns = declared(role, "managedPolicyArns")
        if arns is not None:
            attached = [p for p in self._policies(role, "managedPolicyArns")
                        if known(p.props, "arn") is None or known(p.props, "arn") not in attached_arns]
            documents += [_policy_document(p, role_name) for p in attached]
            attached_arns |= {known(p.props, "arn") for p in attached}
            items = as_list(arns)
            for index in range(len(items)):
                # An element computed from a policy of the stack is unknown in a preview: `attached` covers it.
                arn = known(items, index) if attached else items[index]
                if isinstance(arn, str) and arn and arn not in attached_arns:
                    managed.append(ManagedArn(role.urn, role_name, arn))
        return [d for d in documents if d.document is not None], managed


def literal_arn(task_definition: PolicyResource, prop: str) -> str | None:
    """The known value of a role ARN property, or None (absent, or unknown: the dependencies decide that case)."""
    value = known(task_definition.props, prop)
    return value if isinstance(value, str) and value else None


def _policy_document(policy: PolicyResource, role_name: str) -> Document:
    return Document(policy.urn, f"policy '{policy.name}' attached to {role_name}", policy.props.get("policy"))
