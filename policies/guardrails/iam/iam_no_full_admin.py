"""IAM.1: no IAM policy allows "*" actions on "*" resources (full administrative privileges).

Judges every identity-based policy document the stack declares (see ``_documents``): customer managed policies,
which are what IAM.1 checks, and, more widely than the control, inline policies of roles, users and groups, which
grant the same power. A statement fails when it is an Allow, one of its actions is ``*`` (or ``*:*``) and one of its
resources is ``*``. Conditions do not save it: an administrator statement is one condition edit away from being
unconditional. Narrower wildcards are IAM.21's (``iam-no-service-wildcard-actions``); ECS task roles are also judged
by ``task-role-least-privilege``.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.iam._documents import TYPES, allow_statements, documents, every_action


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in TYPES:
        return
    for declared in documents(args):
        for statement in allow_statements(declared, report):
            if any(every_action(a) for a in statement.actions) and "*" in statement.resources:
                report(f"{declared.where} allows every action on every resource (Action \"*\", Resource \"*\"), "
                       "full administrative access; grant the specific actions on the specific resources needed.")


POLICY = resource_policy(
    name="iam-no-full-admin",
    description=(
        "No identity-based IAM policy (customer managed, or inline on a role, user or group) has an Allow statement "
        'with Action "*" on Resource "*".'
    ),
    service="iam",
    severity=Severity.HIGH,
    controls=["IAM.1"],
    remediation=(
        "Replace the Allow statement with Action '*' and Resource '*' in the aws.iam.Policy, aws.iam.RolePolicy or "
        "inline_policies document by statements listing the actions and resource ARNs the principal uses."
    ),
    validate=check,
)
