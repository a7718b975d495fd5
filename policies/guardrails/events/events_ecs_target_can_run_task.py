"""Deploy-time validity: an EventBridge ECS target can start its task. EventBridge calls RunTask with the target's
role, which needs ``ecs:RunTask`` on the task definition (on the target's cluster) and ``iam:PassRole`` on each role
the task definition names (task role, execution role); without them every event fails (FailedInvocations) and ends
in the dead-letter queue, or is lost. AWS also refuses an ECS target without ``roleArn``.

A stack policy over every ``aws:cloudwatch/eventTarget:EventTarget`` with ``ecsTarget``. The grants are looked for
in the Allow statements of the role's inline, RolePolicy and attached customer managed documents (a role from
elsewhere, or an attached AWS managed policy, cannot be read: not judged). A statement counts when its actions cover
the action (wildcards included), its resources cover the task definition's ARN or the role's ARN, and, for RunTask,
an ``ecs:cluster`` condition, if any, names the target's cluster. Deny statements are not evaluated.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import known
from guardrails.base import stack_policy
from guardrails.events._targets import EcsTarget, Targets, action_matches, condition_values, resource_matches
from guardrails.iam._roles import DocumentError, Statement, statements


def _allows(statement: Statement, action: str, resource: str) -> bool:
    return (statement.allows and statement.not_actions is None and statement.not_resources is None
            and any(action_matches(a, action) for a in statement.actions)
            and any(resource_matches(r, resource) for r in statement.resources))


def _on_cluster(statement: Statement, cluster_arn: str | None) -> bool:
    clusters = condition_values(statement.condition, "ecs:cluster", ("ArnEquals", "ArnLike", "StringEquals",
                                                                     "StringLike"))
    return clusters is None or cluster_arn is None or any(resource_matches(c, cluster_arn) for c in clusters)


def _check(use: EcsTarget, targets: Targets, report: ReportViolation) -> None:
    name = use.target.name
    if use.role is None:
        if not known(use.target.props, "roleArn") and not use.target.props.get("roleArn"):
            report(f"EventBridge target '{name}' runs an ECS task without roleArn; AWS refuses it. Give it a role "
                   "allowed ecs:RunTask on the task definition and iam:PassRole on the task's roles.", use.target.urn)
        return
    documents, managed = targets.permissions(use.role)
    if managed:
        return  # a managed policy the stack does not hold may grant what is missing
    parsed: list[Statement] = []
    for document in documents:
        try:
            parsed += statements(document.document)
        except DocumentError:
            continue  # reported by the policies that judge documents
    definition = use.task_definition
    arn = known(definition.props, "arn") if definition is not None else known(use.block, "taskDefinitionArn")
    if isinstance(arn, str) and arn and not any(
            _allows(s, "ecs:RunTask", arn) and _on_cluster(s, use.cluster_arn) for s in parsed):
        report(f"the role '{use.role.name}' of EventBridge target '{name}' is not allowed ecs:RunTask on {arn}"
               + (f" in cluster {use.cluster_arn}" if use.cluster_arn else "")
               + ", so EventBridge cannot start the task; allow ecs:RunTask on the task definition family.",
               use.role.urn)
    if definition is None:
        return
    for kind, role_arn in targets.task_role_arns(definition).items():
        if not any(_allows(s, "iam:PassRole", role_arn) for s in parsed):
            report(f"the role '{use.role.name}' of EventBridge target '{name}' is not allowed iam:PassRole on the "
                   f"{kind} {role_arn} of task definition '{definition.name}', so RunTask fails; allow iam:PassRole "
                   "on it.", use.role.urn)


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    targets = Targets(args.resources)
    if not targets.ecs:
        args.not_applicable("the stack has no EventBridge ECS target")
    for use in targets.ecs:
        _check(use, targets, report)


POLICY = stack_policy(
    name="events-ecs-target-can-run-task",
    description=(
        "An EventBridge ECS target has a role allowed ecs:RunTask on its task definition (in its cluster) and "
        "iam:PassRole on the task definition's task and execution roles."
    ),
    service="events",
    severity=Severity.HIGH,
    remediation=(
        "Set role_arn on the aws.cloudwatch.EventTarget to a role trusted by events.amazonaws.com whose policy allows "
        "ecs:RunTask on arn:<partition>:ecs:<region>:<account>:task-definition/<family>:* (Condition ArnEquals "
        "ecs:cluster = the cluster) and iam:PassRole on the task definition's task_role_arn and execution_role_arn."
    ),
    validate=check,
)
