"""The role an EventBridge ECS target runs tasks with grants no more than that: ``ecs:RunTask`` on the target's task
definition family (``arn:...:task-definition/<family>:*`` or one revision) conditioned on the target's cluster
(``ecs:cluster``), ``iam:PassRole`` on exactly the task definition's task and execution roles, and
``ecs:TagResource`` only as part of RunTask (``ecs:CreateAction`` = ``RunTask``) for the tags the tasks get.

A stack policy over every ``aws:cloudwatch/eventTarget:EventTarget`` with ``ecsTarget`` whose ``roleArn`` is a role
of the stack (a role from elsewhere cannot be read). PassRole is judged against the roles of a task definition of
the stack; for a task definition given by a literal ARN only the family is known. Every Allow statement of the
role's inline, RolePolicy and attached customer managed documents is judged; an AWS managed policy attached (such
as AmazonEC2ContainerServiceEventsRole: RunTask and PassRole on "*") is too wide by definition. NotAction and
NotResource in an Allow grant everything else and are refused. Whether the role grants enough is
``events-ecs-target-can-run-task``'s question.
"""

from __future__ import annotations

import re

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import known
from guardrails.base import stack_policy
from guardrails.events._targets import EcsTarget, Targets, condition_values, family_of
from guardrails.iam import _actions
from guardrails.iam._roles import DocumentError, Statement, statements

RUN_TASK, PASS_ROLE, TAG = "ecs:runtask", "iam:passrole", "ecs:tagresource"
NEEDED = (RUN_TASK, PASS_ROLE, TAG)
ARN_OPERATORS = ("ArnEquals", "ArnLike", "StringEquals", "StringLike")
STRING_OPERATORS = ("StringEquals", "StringLike")


def _family_resource(family: str | None, resource: str) -> bool:
    """``arn:<partition>:ecs:<region>:<account>:task-definition/<family>:*`` or ``...:<revision>``."""
    if family is None:
        return False
    return bool(re.fullmatch(r"arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:task-definition/" + re.escape(family) + r":(\*|\d+)",
                             resource))


def _family(use: EcsTarget) -> str | None:
    """The family of the target's task definition: the stack's task definition's, else its literal ARN's."""
    if use.task_definition is not None:
        family = use.task_definition.props.get("family")
        if isinstance(family, str) and family:
            return family
    arn = known(use.block, "taskDefinitionArn")
    return family_of(arn) if isinstance(arn, str) else None


def _check_statement(use: EcsTarget, targets: Targets, statement: Statement, where: str, urn: str,
                     report: ReportViolation) -> None:
    def say(message: str) -> None:
        report(f"{where} (the role of EventBridge target '{use.target.name}') {message}", urn)

    if statement.not_actions is not None:
        say(f"allows every action but {list(statement.not_actions)} (NotAction); allow only ecs:RunTask, "
            "iam:PassRole and ecs:TagResource.")
        return
    if statement.not_resources is not None:
        say(f"allows on every resource but {list(statement.not_resources)} (NotResource); name the resources.")
        return
    granted = {a.name.lower() for value in statement.actions for a in _actions.expand(value)}
    if extra := sorted(granted - set(NEEDED)):
        shown = ", ".join(extra[:3]) + (f" and {len(extra) - 3} more" if len(extra) > 3 else "")
        say(f"allows {shown}, beyond what EventBridge needs to run the task (ecs:RunTask, iam:PassRole, "
            "ecs:TagResource).")
    definition = use.task_definition
    family = _family(use)
    if RUN_TASK in granted:
        wide = [r for r in statement.resources if not _family_resource(family, r)]
        if wide:
            say(f"allows ecs:RunTask on {wide}, not only on the task definition family "
                f"'{family or '(unknown)'}' (arn:...:task-definition/{family or '<family>'}:*).")
        clusters = condition_values(statement.condition, "ecs:cluster", ARN_OPERATORS)
        if not clusters:
            say("allows ecs:RunTask on any cluster; add the condition {\"ArnEquals\": {\"ecs:cluster\": <the "
                "target's cluster ARN>}}.")
        elif use.cluster_arn is not None and set(clusters) != {use.cluster_arn}:
            say(f"allows ecs:RunTask on cluster(s) {clusters}, not only on the target's cluster {use.cluster_arn}.")
    if PASS_ROLE in granted and definition is not None:
        roles = targets.task_role_arns(definition)
        other = [r for r in statement.resources if r not in roles.values()]
        if other:
            named = ", ".join(f"{kind} {arn}" for kind, arn in roles.items()) or "none known"
            say(f"allows iam:PassRole on {other}, not only on the task definition's roles ({named}).")
    if TAG in granted:
        actions = condition_values(statement.condition, "ecs:CreateAction", STRING_OPERATORS)
        if not actions or set(actions) != {"RunTask"}:
            say("allows ecs:TagResource outside RunTask; add the condition {\"StringEquals\": {\"ecs:CreateAction\": "
                "\"RunTask\"}}.")


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    targets = Targets(args.resources)
    if not targets.ecs:
        args.not_applicable("the stack has no EventBridge ECS target")
    for use in targets.ecs:
        if use.role is None:
            continue
        documents, managed = targets.permissions(use.role)
        for arn in managed:
            report(f"the role of EventBridge target '{use.target.name}' has managed policy '{arn}' attached, which the "
                   "stack does not hold and which is not scoped to this task; grant the target's permissions in a "
                   "policy of the stack.", use.role.urn)
        for document in documents:
            try:
                parsed = statements(document.document)
            except DocumentError as exc:
                report(f"{document.where} is not a valid IAM policy document: {exc}.", document.urn)
                continue
            for statement in parsed:
                if statement.allows:
                    _check_statement(use, targets, statement, document.where, document.urn, report)


POLICY = stack_policy(
    name="events-ecs-target-role-scoped",
    description=(
        "The role of an EventBridge ECS target allows only ecs:RunTask on the target's task definition family "
        "conditioned on its cluster, iam:PassRole on exactly the task's task and execution roles, and "
        "ecs:TagResource as part of RunTask."
    ),
    service="events",
    severity=Severity.HIGH,
    remediation=(
        "Give the target's role_arn a role whose policy has three statements: ecs:RunTask on "
        "arn:<partition>:ecs:<region>:<account>:task-definition/<family>:* with Condition {\"ArnEquals\": "
        "{\"ecs:cluster\": <cluster ARN>}}; iam:PassRole on the task definition's task_role_arn and "
        "execution_role_arn (Condition {\"StringEquals\": {\"iam:PassedToService\": \"ecs-tasks.amazonaws.com\"}}); "
        "ecs:TagResource on arn:...:task/<cluster>/* with Condition {\"StringEquals\": {\"ecs:CreateAction\": "
        "\"RunTask\"}}. Detach AmazonEC2ContainerServiceEventsRole."
    ),
    validate=check,
)
