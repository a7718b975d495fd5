"""IAM.21: no IAM policy allows every action of a service ("s3:*") or of all services ("*").

Judges every identity-based policy document the stack declares (see ``_documents``): customer managed policies,
which are what IAM.21 checks, and, more widely than the control, inline policies of roles, users and groups. A
statement fails when it is an Allow and one of its actions is ``<service>:*`` (any case; ``s3:**`` too) or ``*``,
whatever its resources and conditions. Partial wildcards (``s3:Get*``) are not service-wide and pass here;
``task-role-least-privilege`` judges those for ECS task roles by access level.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.iam._documents import TYPES, allow_statements, documents, service_wide


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in TYPES:
        return
    for declared in documents(args):
        for statement in allow_statements(declared, report):
            wide = [a for a in statement.actions if service_wide(a)]
            if wide:
                shown = ", ".join(f'"{a}"' for a in wide)
                report(f"{declared.where} allows every action of a service ({shown}); list the specific actions "
                       "the principal calls.")


POLICY = resource_policy(
    name="iam-no-service-wildcard-actions",
    description=(
        'No identity-based IAM policy has an Allow statement with a service-wide action wildcard ("service:*") or '
        '"*".'
    ),
    service="iam",
    severity=Severity.LOW,
    controls=["IAM.21"],
    remediation=(
        "Replace 'service:*' in the Action of aws.iam.Policy, aws.iam.RolePolicy or inline_policies documents by the "
        "actions the principal calls, e.g. ['s3:GetObject', 's3:PutObject'] instead of 's3:*'."
    ),
    validate=check,
)
