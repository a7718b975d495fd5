"""SQS.3: SQS queue access policies do not allow public access.

Judges the access policy of ``aws:sqs/queue:Queue`` (``policy``) and of ``aws:sqs/queuePolicy:QueuePolicy``
(``policy``). A statement is public when it allows everyone (Principal ``"*"`` or ``{"AWS": "*"}``, or any
NotPrincipal) and no condition pins a restricting key to fixed values: ``aws:SourceArn``, ``aws:SourceAccount``,
``aws:SourceOwner``, ``aws:PrincipalOrgID``, ``aws:PrincipalAccount``, ``aws:PrincipalArn``, ``aws:SourceVpc``,
``aws:SourceVpce`` or ``aws:SourceIp`` (not ``/0``), without wildcards and not under an ``...IfExists`` or ``Null``
operator (SQS's and IAM Access Analyzer's definition of "public"). Service principals (``events.amazonaws.com``) are
not public. A queue without a policy is reachable by its own account's principals only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, plain, resource_policy

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
RESTRICTING_KEYS = frozenset({"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid",
                              "aws:principalaccount", "aws:principalarn", "aws:sourcevpc", "aws:sourcevpce",
                              "aws:sourceip"})


def _everyone(statement: Mapping[str, Any]) -> bool:
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))


def restricted(condition: Any) -> bool:
    """Whether a Condition pins a restricting key to fixed values."""
    if not isinstance(condition, Mapping):
        return False
    for operator, keys in condition.items():
        if not isinstance(keys, Mapping) or str(operator).endswith("IfExists") or operator == "Null":
            continue
        for key, values in keys.items():
            values = [str(v) for v in as_list(values)]
            if str(key).lower() not in RESTRICTING_KEYS or not values or any("*" in v or "?" in v for v in values):
                continue
            if str(key).lower() == "aws:sourceip" and any(v.endswith("/0") for v in values):
                continue
            return True
    return False


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in (QUEUE, QUEUE_POLICY):
        return
    document = args.props.get("policy")
    if document is None or document == "":
        return
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            report("the queue's access policy is not valid JSON, so it cannot be checked for public access.")
            return
    document = plain(document)
    raw = document.get("Statement") if isinstance(document, dict) else None
    for index, statement in enumerate(as_list(raw)):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if _everyone(statement) and not restricted(statement.get("Condition")):
            actions = statement.get("Action") or statement.get("NotAction")
            report(f"statement {statement.get('Sid') or index} of the queue's access policy allows {actions!r} to "
                   "everyone without a condition that pins who may call (aws:SourceArn, aws:SourceAccount, "
                   "aws:PrincipalOrgID, ...); name the principals or add such a condition.")


POLICY = resource_policy(
    name="sqs-queue-no-public-access",
    description="SQS queue access policies do not allow everyone without a restricting condition.",
    service="sqs",
    severity=Severity.CRITICAL,
    controls=["SQS.3"],
    remediation=(
        "In the policy of aws.sqs.QueuePolicy (or aws.sqs.Queue policy), replace Principal '*' by the account, "
        "role or service principal that sends or receives, or add a condition with fixed values such as "
        "{'ArnEquals': {'aws:SourceArn': <the rule or topic ARN>}}."
    ),
    validate=check,
)
