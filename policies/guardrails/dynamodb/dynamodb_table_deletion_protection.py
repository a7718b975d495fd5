"""DynamoDB.6: DynamoDB tables have deletion protection, so a DeleteTable call fails until it is turned off.

Judges ``aws:dynamodb/table:Table``: ``deletionProtectionEnabled`` must be true. AWS's default is off. Mandatory by
default; environments that are torn down freely set it to advisory (dev, staging).
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy

TABLE = "aws:dynamodb/table:Table"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TABLE:
        return
    if args.props.get("deletionProtectionEnabled") is not True:
        report("the table can be deleted by accident (deletionProtectionEnabled is not true); enable deletion "
               "protection.")


POLICY = resource_policy(
    name="dynamodb-table-deletion-protection",
    description="DynamoDB tables have deletion protection enabled.",
    service="dynamodb",
    severity=Severity.MEDIUM,
    controls=["DynamoDB.6"],
    remediation="Set deletion_protection_enabled=True on aws.dynamodb.Table (turn it off first to delete the table).",
    validate=check,
)
