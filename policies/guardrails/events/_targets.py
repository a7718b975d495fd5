"""EventBridge targets and what they relate to: the ECS task definition an ECS target runs, the role EventBridge
uses, the cluster, and the roles the task definition names. Relations follow the property dependencies (they hold
in a preview); known ARNs relate resources wired by literal values.

IAM resource patterns (``*`` any run of characters, ``?`` one) are matched case-sensitively, as IAM matches
resource ARNs; action patterns case-insensitively, as IAM matches actions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pulumi_policy import PolicyResource

from guardrails._graph import by_type, declared, deps, known
from guardrails.base import as_list
from guardrails.iam._roles import ROLE, TASK_DEFINITION, Document, Roles

TARGET = "aws:cloudwatch/eventTarget:EventTarget"
RULE = "aws:cloudwatch/eventRule:EventRule"
CLUSTER = "aws:ecs/cluster:Cluster"
#: Input-transformer variables EventBridge defines itself (EventBridge user guide, "Predefined variables").
PREDEFINED_VARIABLES = frozenset({"aws.events.rule-arn", "aws.events.rule-name", "aws.events.event.ingestion-time",
                                  "aws.events.event", "aws.events.event.json"})
_PLACEHOLDER = re.compile(r"<([^<>\s\"]+)>")


@lru_cache(maxsize=1024)
def _pattern(value: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value)
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


def resource_matches(pattern: str, arn: str) -> bool:
    """Whether an IAM Resource element value covers ``arn``."""
    return bool(_pattern(pattern, False).fullmatch(arn))


def action_matches(pattern: str, action: str) -> bool:
    """Whether an IAM Action element value covers ``action`` (``service:Name``)."""
    return bool(_pattern(pattern, True).fullmatch(action))


def ecs_target(target: PolicyResource) -> Mapping[str, Any] | None:
    """The target's ``ecsTarget`` block, or None for targets that are not ECS tasks."""
    value = declared(target, "ecsTarget")
    return value if isinstance(value, Mapping) else None


def placeholders(template: str) -> list[str]:
    """The ``<variable>`` names an input template uses, in order of appearance."""
    return _PLACEHOLDER.findall(template)


def family_of(arn: str) -> str | None:
    """``family`` of ``arn:...:task-definition/family:revision`` (or without the revision)."""
    _, sep, rest = arn.partition(":task-definition/")
    return rest.split(":", 1)[0] if sep and rest else None


@dataclass
class EcsTarget:
    """An ECS target of the stack with what it relates to (None where the stack does not hold it)."""

    target: PolicyResource
    block: Mapping[str, Any]
    task_definition: PolicyResource | None
    role: PolicyResource | None
    cluster_arn: str | None
    """The cluster the target runs tasks on: its known ``arn`` (or that of the cluster it depends on)."""


class Targets:
    """The ECS targets of one stack, related once."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.resources = list(resources)
        self.roles = Roles(self.resources)
        self._task_definitions = by_type(self.resources, TASK_DEFINITION)
        self._role_resources = by_type(self.resources, ROLE)
        self._clusters = by_type(self.resources, CLUSTER)
        self.ecs: list[EcsTarget] = []
        for target in by_type(self.resources, TARGET):
            block = ecs_target(target)
            if block is not None:
                self.ecs.append(EcsTarget(target, block, self._task_definition(target, block),
                                          self._role(target), self._cluster_arn(target)))

    def _task_definition(self, target: PolicyResource, block: Mapping[str, Any]) -> PolicyResource | None:
        found = [d for d in deps(target, "ecsTarget") if d.resource_type == TASK_DEFINITION]
        if len(found) == 1:
            return found[0]
        arn = known(block, "taskDefinitionArn")
        if not isinstance(arn, str):
            return None
        for definition in self._task_definitions:
            if arn in (known(definition.props, "arn"), known(definition.props, "arnWithoutRevision")):
                return definition
        return None

    def _role(self, target: PolicyResource) -> PolicyResource | None:
        found = [d for d in deps(target, "roleArn") if d.resource_type == ROLE]
        if len(found) == 1:
            return found[0]
        arn = known(target.props, "roleArn")
        return next((r for r in self._role_resources if isinstance(arn, str) and known(r.props, "arn") == arn), None)

    def _cluster_arn(self, target: PolicyResource) -> str | None:
        arn = known(target.props, "arn")
        if isinstance(arn, str) and arn:
            return arn
        clusters = [d for d in deps(target, "arn") if d.resource_type == CLUSTER]
        value = known(clusters[0].props, "arn") if len(clusters) == 1 else None
        return value if isinstance(value, str) else None

    def task_role_arns(self, definition: PolicyResource) -> dict[str, str]:
        """The known ARNs of the roles ``definition`` names: {"task role": arn, "execution role": arn}. A role
        computed from a role of the stack takes that role's ARN; a literal ARN is taken as written."""
        found: dict[str, str] = {}
        for prop, kind in (("taskRoleArn", "task role"), ("executionRoleArn", "execution role")):
            roles = self.roles.roles_of(definition, prop)
            arn = known(roles[0].props, "arn") if len(roles) == 1 else known(definition.props, prop)
            if isinstance(arn, str) and arn:
                found[kind] = arn
        return found

    def permissions(self, role: PolicyResource) -> tuple[list[Document], list[str]]:
        """The role's policy documents, and the ARNs of managed policies attached whose documents the stack does
        not hold."""
        documents, managed = self.roles.permissions(role, "EventBridge role")
        return documents, [m.arn for m in managed]


def condition_values(condition: Mapping[str, Any], key: str, operators: Iterable[str]) -> list[str] | None:
    """The values a Condition gives ``key`` (case-insensitive) under any of ``operators``; None when it has none."""
    values: list[str] | None = None
    for operator, keys in condition.items():
        if operator not in operators or not isinstance(keys, Mapping):
            continue
        for name, value in keys.items():
            if str(name).lower() == key.lower():
                values = (values or []) + [str(v) for v in as_list(value)]
    return values


def overrides(text: str) -> Any:
    """The JSON an ECS target's input or input template stands for; placeholders outside JSON strings (numbers,
    objects) are read as null. Raises ValueError when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(re.sub(r'(?<!")<[^<>\s"]+>(?!")', "null", text))
