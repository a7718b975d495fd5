"""IAM.1 / IAM.21 for ECS task roles: specific actions on specific resources, a tight trust policy, and a role that
is not also the task's execution role."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails.base import as_list, stack_policy
from guardrails.iam import _actions
from guardrails.iam._roles import Document, DocumentError, Roles, Statement, aws_managed_name, literal_arn, statements

ECS_TASKS = "ecs-tasks.amazonaws.com"
ADMIN_POLICIES = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})
_ACCOUNT_ID = re.compile(r"^\d{12}$")
KIND = "task role"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    roles = Roles(args.resources)
    for use in roles.used_as("taskRoleArn"):
        documents, managed = roles.permissions(use.role, KIND)
        for document in documents:
            _check_document(document, report)
        for attached in managed:
            name = aws_managed_name(attached.arn)
            if name and (name in ADMIN_POLICIES or name.endswith("FullAccess")):
                report(f"{attached.where} has AWS managed policy '{attached.arn}' attached, which grants broad access; "
                       "attach only policies scoped to the actions and resources the application uses.", attached.urn)
        _check_trust(use.role, report)
    _check_separate_from_execution_role(roles, report)


# ---- permissions ------------------------------------------------------------------------------------------


def _check_document(document: Document, report: ReportViolation) -> None:
    where = document.where
    try:
        parsed = statements(document.document)
    except DocumentError as exc:
        report(f"{where} is not a valid IAM policy document: {exc}.", document.urn)
        return
    for statement in parsed:
        for value in statement.all_actions:
            if not _actions.expand(value):
                report(f"{where} names action '{value}', which does not exist in the IAM service authorization "
                       "reference; use existing action names.", document.urn)
        if statement.allows:
            _check_allow(statement, where, lambda message: report(message, document.urn))


def _check_allow(statement: Statement, where: str, report: Callable[[str], None]) -> None:
    if statement.not_actions is not None:
        report(f"{where} has an Allow statement with NotAction {list(statement.not_actions)}, which grants every "
               "other action of every service; list the allowed actions in Action instead.")
    if statement.not_resources is not None:
        report(f"{where} has an Allow statement with NotResource {list(statement.not_resources)}, which grants on "
               "every other resource; list the allowed resource ARNs in Resource instead.")
    star_resource = "*" in statement.resources
    for value in statement.actions:
        expanded = _actions.expand(value)
        if not expanded:
            continue  # reported as unknown
        service, _, name = value.partition(":")
        if _actions.is_pattern(service) or value.strip() == "*":
            report(f"{where} allows action '{value}', a wildcard over every service; list the specific actions the "
                   "application calls.")
            continue
        if name.strip() == "*":
            report(f"{where} allows '{value}', every action of the service; list the specific actions the "
                   "application calls.")
        elif _actions.is_pattern(value):
            sensitive = _sensitive(value)
            if sensitive:
                report(f"{where} allows '{value}', a wildcard that includes Write or Permissions management actions "
                       f"({_examples(sensitive)}); list the specific actions the application calls.")
        if star_resource:
            scoped = _scoped(value)
            if scoped:
                why = (f"{len(scoped)} of its actions support resource-level permissions ({_examples(scoped)})"
                       if _actions.is_pattern(value) else "it supports resource-level permissions")
                report(f"{where} allows '{value}' on Resource '*' although {why}; name the resource ARNs instead.")


@lru_cache(maxsize=4096)
def _sensitive(value: str) -> tuple[str, ...]:
    """The Write and Permissions management actions an Action value grants."""
    return tuple(a.name for a in _actions.expand(value) if a.access_level in _actions.SENSITIVE_LEVELS)


@lru_cache(maxsize=4096)
def _scoped(value: str) -> tuple[str, ...]:
    """The actions an Action value grants that support resource-level permissions."""
    return tuple(a.name for a in _actions.expand(value) if a.resource_level)


def _examples(names: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return f"{shown}, and {len(names) - limit} more" if len(names) > limit else shown


# ---- trust policy -----------------------------------------------------------------------------------------


def _check_trust(role: PolicyResource, report: ReportViolation) -> None:
    where = f"the trust policy of {KIND} '{role.name}'"
    try:
        parsed = statements(role.props.get("assumeRolePolicy") or "")
    except DocumentError as exc:
        report(f"{where} is not a valid IAM policy document: {exc}.", role.urn)
        return
    for statement in (s for s in parsed if s.allows):
        for problem in _trust_problems(statement):
            report(f"{where} {problem}", role.urn)


def _trust_problems(statement: Statement) -> list[str]:
    problems = []
    if statement.not_principal is not None:
        problems.append("has an Allow statement with NotPrincipal, which trusts every other principal; trust only "
                        f"the service principal '{ECS_TASKS}'.")
    principal = statement.principal
    others = []
    if isinstance(principal, dict):
        for key, values in principal.items():
            others += [f"{key}: {v}" for v in as_list(values) if key != "Service" or v != ECS_TASKS]
    elif principal is not None:
        others.append(str(principal))
    if others:
        problems.append(f"trusts {', '.join(repr(o) for o in others)}; a task role may trust only the service "
                        f"principal '{ECS_TASKS}'.")
    if statement.not_actions is not None:
        problems.append("has an Allow statement with NotAction; allow only 'sts:AssumeRole'.")
    extra = [a for a in statement.actions if a.lower() != "sts:assumerole"]
    if extra:
        problems.append(f"allows {', '.join(repr(a) for a in extra)}; a task role's trust policy may allow only "
                        "'sts:AssumeRole'.")
    accounts = [v for op, keys in statement.condition.items() if op == "StringEquals" and isinstance(keys, dict)
                for k, values in keys.items() if k.lower() == "aws:sourceaccount" for v in as_list(values)]
    if not accounts:
        problems.append("has no StringEquals condition on aws:SourceAccount; add one with the account id so that "
                        "only tasks of that account can assume the role (confused deputy).")
    elif not all(isinstance(a, str) and _ACCOUNT_ID.match(a) for a in accounts):
        problems.append(f"has aws:SourceAccount {accounts}; it must be 12-digit account ids.")
    return problems


# ---- task role != execution role --------------------------------------------------------------------------


def _check_separate_from_execution_role(roles: Roles, report: ReportViolation) -> None:
    for task_definition in roles.task_definitions:
        task_roles = {r.urn for r in roles.roles_of(task_definition, "taskRoleArn")}
        shared = [r for r in roles.roles_of(task_definition, "executionRoleArn") if r.urn in task_roles]
        for role in shared:
            report(f"task definition '{task_definition.name}' uses role '{role.name}' as both task role and execution "
                   "role; give the application its own task role without the agent's ECR, logs and secrets "
                   "permissions.", role.urn)
        if not shared and not task_roles:
            arn = literal_arn(task_definition, "taskRoleArn")
            if arn and arn == literal_arn(task_definition, "executionRoleArn"):
                report(f"task definition '{task_definition.name}' uses '{arn}' as both task role and execution role; "
                       "give the application its own task role without the agent's ECR, logs and secrets "
                       "permissions.", task_definition.urn)


POLICY = stack_policy(
    name="task-role-least-privilege",
    description=(
        "ECS task roles grant specific, existing actions (no '*', NotAction or service-wide wildcards, no wildcard "
        "that includes Write or Permissions management actions) on named resources wherever the action supports "
        "resource-level permissions, have no AWS managed admin, power-user or *FullAccess policy, are trusted only "
        "by ecs-tasks.amazonaws.com for sts:AssumeRole with a StringEquals aws:SourceAccount condition, and are not "
        "the task's execution role."
    ),
    service="iam",
    severity=Severity.HIGH,
    controls=["IAM.1", "IAM.21"],
    remediation=(
        "1. List the exact actions the application calls (no '*', 'service:*' or wildcards that include Write or "
        "Permissions management actions; never NotAction or NotResource in an Allow statement). "
        "2. Name the resource ARNs (bucket, table, queue...) for every action that supports resource-level "
        "permissions; keep Resource '*' for actions that support nothing else. "
        "3. Detach AdministratorAccess, PowerUserAccess, IAMFullAccess and AWS managed *FullAccess policies. "
        "4. Make the trust policy allow only Service 'ecs-tasks.amazonaws.com' with 'sts:AssumeRole' and add "
        "Condition {\"StringEquals\": {\"aws:SourceAccount\": \"<account id>\"}}. "
        "5. Use a separate role for executionRoleArn."
    ),
    validate=check,
)
