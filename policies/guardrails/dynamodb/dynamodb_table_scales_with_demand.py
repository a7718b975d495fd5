"""DynamoDB.1: DynamoDB tables scale their capacity with demand: on-demand capacity, or provisioned capacity with
Application Auto Scaling on both reads and writes.

A stack policy over every ``aws:dynamodb/table:Table``. ``billingMode`` ``PAY_PER_REQUEST`` passes. A provisioned
table (``PROVISIONED``, the provider's default) needs, for ``dynamodb:table:ReadCapacityUnits`` and
``dynamodb:table:WriteCapacityUnits``, an ``aws:appautoscaling/target:Target`` of namespace ``dynamodb`` whose
``resourceId`` (``table/<name>``) is computed from the table or names it, and a scaling policy on that target.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, deps, known
from guardrails.base import stack_policy

TABLE = "aws:dynamodb/table:Table"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
DIMENSIONS = ("dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits")


def _names_table(resource: PolicyResource, table: PolicyResource) -> bool:
    if any(d.urn == table.urn for d in deps(resource, "resourceId")):
        return True
    name = known(table.props, "name")
    return isinstance(name, str) and known(resource.props, "resourceId") == f"table/{name}"


def _scaled(target: PolicyResource, policies: list[PolicyResource]) -> bool:
    target_id = known(target.props, "resourceId")
    for policy in policies:
        if any(d.urn == target.urn for d in deps(policy, "resourceId")):
            return True
        if (target_id is not None and known(policy.props, "resourceId") == target_id
                and known(policy.props, "scalableDimension") == known(target.props, "scalableDimension")):
            return True
    return False


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    tables = by_type(resources, TABLE)
    if not tables:
        args.not_applicable("the stack has no DynamoDB table")
    targets = [t for t in by_type(resources, SCALING_TARGET) if t.props.get("serviceNamespace") == "dynamodb"]
    policies = by_type(resources, SCALING_POLICY)
    for table in tables:
        mode = table.props.get("billingMode") or "PROVISIONED"
        if mode == "PAY_PER_REQUEST":
            continue
        for dimension in DIMENSIONS:
            scaled = [t for t in targets if t.props.get("scalableDimension") == dimension and _names_table(t, table)
                      and _scaled(t, policies)]
            if not scaled:
                what = dimension.rsplit(":", 1)[1]
                report(f"table '{table.name}' has provisioned capacity and no auto scaling of {what} (a scalable "
                       "target with a scaling policy); use billing_mode PAY_PER_REQUEST or add both.", table.urn)


POLICY = stack_policy(
    name="dynamodb-table-scales-with-demand",
    description=(
        "DynamoDB tables use on-demand capacity, or provisioned capacity with auto scaling of reads and writes."
    ),
    service="dynamodb",
    severity=Severity.MEDIUM,
    controls=["DynamoDB.1"],
    remediation=(
        "Set billing_mode='PAY_PER_REQUEST' on aws.dynamodb.Table, or add aws.appautoscaling.Target (service_namespace "
        "'dynamodb', resource_id f'table/{table.name}', scalable_dimension dynamodb:table:ReadCapacityUnits and "
        "WriteCapacityUnits) with a target-tracking aws.appautoscaling.Policy each."
    ),
    validate=check,
)
