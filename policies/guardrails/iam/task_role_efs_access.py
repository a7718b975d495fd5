"""A task role holds EFS client access exactly for the volumes its task definitions mount.

A stack policy over the task roles (``taskRoleArn`` of task definitions, see ``guardrails.iam._roles``) and the EFS
volumes of those task definitions (``guardrails.efs._mounts``). Every Allow statement of a task role's documents
that grants an ``elasticfilesystem`` action must:

- grant only ``elasticfilesystem:ClientMount`` and ``elasticfilesystem:ClientWrite`` (never ClientRootAccess, never
  the management API), and ClientWrite only for an access point that some container mounts writable;
- name as ``Resource`` the file systems the task definitions mount (by ARN), never ``*``;
- carry a ``StringEquals`` (or ``ArnEquals``) condition on ``elasticfilesystem:AccessPointArn`` limited to the access
  points those volumes use.

And each volume with IAM authorization needs a statement that allows ClientMount on its file system through its
access point, or the mount fails when the task starts. A role of task definitions without EFS volumes holds no
``elasticfilesystem`` action. Documents computed from ARNs are unknown in a preview and judged once known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import known
from guardrails.base import as_list, stack_policy
from guardrails.efs._mounts import Mount, Mounts, keys_of
from guardrails.iam import _actions
from guardrails.iam._roles import Document, DocumentError, Roles, Statement, statements

MOUNT = "elasticfilesystem:ClientMount"
WRITE = "elasticfilesystem:ClientWrite"
CLIENT = frozenset({MOUNT, WRITE})
CONDITION_KEY = "elasticfilesystem:accesspointarn"
_EQUALS = frozenset({"stringequals", "arnequals"})


@dataclass
class Needs:
    """What a role's task definitions mount: file system ARN → access point ARN → any container writes."""

    access: dict[str, dict[str, bool]] = field(default_factory=dict)
    iam_mounts: list[tuple[Mount, str, str]] = field(default_factory=list)
    unpaired: bool = False


def _arn(resource: PolicyResource | None) -> str | None:
    value = known(resource.props, "arn") if resource is not None else None
    return value if isinstance(value, str) and value else None


def _needs(mounts: list[Mount]) -> Needs:
    needs = Needs()
    for mount in mounts:
        fs_arn, ap_arn = _arn(mount.file_system), _arn(mount.access_point)
        if fs_arn is None or ap_arn is None:
            needs.unpaired = True
            continue
        writes = mount.read_only is False
        points = needs.access.setdefault(fs_arn, {})
        points[ap_arn] = points.get(ap_arn, False) or writes
        authorization = mount.configuration.get("authorizationConfig") \
            if "authorizationConfig" in keys_of(mount.configuration) else None
        if isinstance(authorization, Mapping) and authorization.get("iam") == "ENABLED":
            needs.iam_mounts.append((mount, fs_arn, ap_arn))
    return needs


def _efs_actions(statement: Statement) -> set[str]:
    """The elasticfilesystem actions an Allow statement grants, spelled as the IAM reference spells them."""
    granted: set[str] = set()
    for value in statement.actions:
        for action in _actions.expand(value):
            if action.name.lower().startswith("elasticfilesystem:"):
                granted.add(action.name)
    return granted


def _access_points(statement: Statement) -> list[str] | None:
    """The access point ARNs an equality condition on elasticfilesystem:AccessPointArn allows, or None."""
    for operator, keys in statement.condition.items():
        if str(operator).lower() not in _EQUALS or not isinstance(keys, Mapping):
            continue
        for key, values in keys.items():
            if str(key).lower() == CONDITION_KEY:
                return [str(v) for v in as_list(values)]
    return None


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    roles = Roles(args.resources)
    mounts = Mounts(args.resources)
    uses = roles.used_as("taskRoleArn")
    if not uses:
        args.not_applicable("the stack has no ECS task role")
    for use in uses:
        role_mounts = [m for task in use.task_definitions for m in mounts.mounts_of(task)]
        if any(m.read_only is None for m in role_mounts):
            # The container definitions decide read-only; unknown in a preview: judge once they are known.
            raise_unknown(use.task_definitions)
        needs = _needs(role_mounts)
        documents, _ = roles.permissions(use.role, "task role")
        granted: list[tuple[Document, Statement]] = []
        for document in documents:
            try:
                parsed = statements(document.document)
            except DocumentError:
                continue  # task-role-least-privilege reports invalid documents
            granted += [(document, s) for s in parsed if s.allows and _efs_actions(s)]
        for document, statement in granted:
            _check_statement(use.role, document, statement, role_mounts, needs, report)
        if not needs.unpaired:
            _check_mountable(use.role, granted, needs, report)


def raise_unknown(task_definitions: list[PolicyResource]) -> None:
    """Read the unknown container definitions so that the SDK reports the policy as not evaluated."""
    for task in task_definitions:
        task.props.get("containerDefinitions")


def _check_statement(role: PolicyResource, document: Document, statement: Statement, role_mounts: list[Mount],
                     needs: Needs, report: ReportViolation) -> None:
    where = document.where
    actions = _efs_actions(statement)
    if not role_mounts:
        report(f"{where} grants {', '.join(sorted(actions))}, but no task definition using task role '{role.name}' "
               "mounts an EFS volume; remove the elasticfilesystem permissions.", document.urn)
        return
    extra = sorted(actions - CLIENT)
    if extra:
        report(f"{where} grants {', '.join(extra)}; a task role may hold only elasticfilesystem:ClientMount and "
               "ClientWrite on the file systems its tasks mount.", document.urn)
    wanted = set(needs.access)
    stray = [r for r in statement.resources if r not in wanted]
    if stray and not needs.unpaired:
        report(f"{where} grants EFS client access on {', '.join(repr(r) for r in stray)}; name only the file systems "
               f"the task definitions mount ({', '.join(sorted(wanted)) or 'none'}).", document.urn)
    points = _access_points(statement)
    if points is None:
        report(f"{where} grants EFS client access without a StringEquals condition on "
               "elasticfilesystem:AccessPointArn, so the tasks may mount the whole file system; limit it to the "
               "access points their volumes use.", document.urn)
        return
    if needs.unpaired:
        return
    allowed = {ap for fs in statement.resources for ap in needs.access.get(fs, {})}
    strangers = [p for p in points if p not in allowed]
    if strangers:
        report(f"{where} allows access points {', '.join(repr(p) for p in strangers)}, which the task definitions do "
               "not mount; name only the access points of their volumes.", document.urn)
    if WRITE in actions:
        read_only = [p for p in points if p in allowed
                     and not any(needs.access.get(fs, {}).get(p) for fs in statement.resources)]
        if read_only:
            report(f"{where} grants elasticfilesystem:ClientWrite through {', '.join(repr(p) for p in read_only)}, "
                   "which every container mounts read-only; grant ClientMount only.", document.urn)


def _check_mountable(role: PolicyResource, granted: list[tuple[Document, Statement]], needs: Needs,
                     report: ReportViolation) -> None:
    for mount, fs_arn, ap_arn in needs.iam_mounts:
        allowed = any(MOUNT in _efs_actions(s) and fs_arn in s.resources and ap_arn in (_access_points(s) or [])
                      for _, s in granted)
        if not allowed:
            report(f"EFS volume '{mount.volume}' of task definition '{mount.task_definition.name}' mounts with IAM "
                   f"authorization, but task role '{role.name}' may not mount {fs_arn} through {ap_arn}, so the mount "
                   "fails when a task starts; allow elasticfilesystem:ClientMount on the file system with that "
                   "access point as condition.", role.urn)


POLICY = stack_policy(
    name="task-role-efs-access",
    description="ECS task roles hold EFS client access (ClientMount, and ClientWrite only for writable mounts) on "
                "exactly the file systems their task definitions mount, limited by an "
                "elasticfilesystem:AccessPointArn condition to the access points those volumes use, and nothing else "
                "of EFS.",
    service="iam",
    severity=Severity.HIGH,
    remediation="In the task role's policy, allow [\"elasticfilesystem:ClientMount\"] (plus \"elasticfilesystem:"
                "ClientWrite\" for a writable mount) on the file system ARN with Condition {\"StringEquals\": "
                "{\"elasticfilesystem:AccessPointArn\": <access point ARN>}}, one statement per volume; never "
                "ClientRootAccess or Resource \"*\".",
    validate=check,
)
