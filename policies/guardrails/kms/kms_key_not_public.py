"""KMS.5: KMS keys are not publicly accessible.

Judges the key policy of ``aws:kms/key:Key`` (its ``policy``) and of ``aws:kms/keyPolicy:KeyPolicy``: an Allow
statement for everyone (Principal ``"*"`` or ``{"AWS": "*"}``, or a NotPrincipal) whose Condition does not pin a
key that limits the caller to known accounts or sources (``kms:CallerAccount``, ``aws:PrincipalAccount``,
``aws:PrincipalOrgID``, ``aws:SourceAccount``, ``aws:SourceArn``, ``aws:SourceVpce``, …) to fixed values makes the key
usable by any AWS account. A key without a policy gets KMS's default policy (the key's account only): compliant.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, resource_policy
from guardrails.s3._bucket import PolicyError, is_public_principal, restricted, statements

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
#: Condition keys that limit a KMS key policy statement's callers, besides those that limit any resource policy.
_KMS_RESTRICTING = ("kms:calleraccount",)


def _restricted(statement: dict) -> bool:
    if restricted(statement):
        return True
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    return any(str(key).lower() in _KMS_RESTRICTING and as_list(values) and not any("*" in str(v) for v in
                                                                                      as_list(values))
               for operator, keys in condition.items() if isinstance(keys, dict) and not str(operator).endswith(
                   "IfExists")
               for key, values in keys.items())


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in (KEY, KEY_POLICY):
        return
    document = args.props.get("policy")
    if document in (None, ""):
        if args.resource_type == KEY_POLICY:
            report("the key policy is empty; KMS refuses a key policy without statements.")
        return
    try:
        found = statements(document)
    except PolicyError as exc:
        report(f"the key policy cannot be read: {exc}.")
        return
    for i, statement in enumerate(found):
        if statement.get("Effect") == "Allow" and is_public_principal(statement) and not _restricted(statement):
            sid = statement.get("Sid")
            where = f"statement {sid!r}" if sid else f"statement {i + 1}"
            report(f"{where} of the key policy lets any AWS principal use the key (Principal \"*\" without a "
                   "condition that limits the caller's account or source); name the accounts or roles, or add "
                   "kms:CallerAccount / aws:PrincipalOrgID conditions.")


POLICY = resource_policy(
    name="kms-key-not-public",
    description="KMS key policies do not allow everyone (Principal \"*\" without a restricting condition).",
    service="kms",
    severity=Severity.CRITICAL,
    controls=["KMS.5"],
    remediation=(
        "In the policy of aws.kms.Key (or aws.kms.KeyPolicy), replace Principal \"*\" by the account's root ARN or "
        "the roles that use the key, or add a StringEquals condition on kms:CallerAccount or aws:PrincipalOrgID."
    ),
    validate=check,
)
