"""IAM roles for service accounts trust exactly the service accounts they are for, with tokens meant for STS.

Judges ``aws:iam/role:Role`` whose trust policy lets an EKS OIDC provider (``oidc-provider/oidc.eks.…``) assume it
(``sts:AssumeRoleWithWebIdentity``). Each such Allow statement must have ``StringEquals`` conditions on the
provider's ``<issuer>:sub`` with only exact subjects ``system:serviceaccount:<namespace>:<name>`` (no wildcard,
which ``StringLike`` would expand), and on ``<issuer>:aud`` with ``sts.amazonaws.com``. Without the ``sub``
condition every service account in the cluster can assume the role. A condition key that names another issuer than
the statement's provider never matches: the role is unusable, and that fails too.
"""

from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, resource_policy
from guardrails.iam._roles import DocumentError, statements

ROLE = "aws:iam/role:Role"
WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
AUDIENCE = "sts.amazonaws.com"
_SUBJECT_PREFIX = "system:serviceaccount:"


def _issuers(principal: Any) -> list[str]:
    """The EKS OIDC issuers (host and path) among a statement's federated principals."""
    if not isinstance(principal, dict):
        return []
    found = []
    for arn in as_list(principal.get("Federated")):
        _, _, issuer = str(arn).partition(":oidc-provider/")
        if issuer.startswith("oidc.eks."):
            found.append(issuer)
    return found


def _exact_subject(value: str) -> bool:
    parts = value.split(":")
    return (value.startswith(_SUBJECT_PREFIX) and len(parts) == 4 and all(parts[2:])
            and not any(c in value for c in "*?"))


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != ROLE:
        return
    try:
        trust = statements(args.props.get("assumeRolePolicy"))
    except DocumentError:
        return  # not a trust policy this policy can read; IAM refuses it anyway
    for index, statement in enumerate(trust):
        issuers = _issuers(statement.principal)
        if not statement.allows or WEB_IDENTITY not in statement.actions or not issuers:
            continue
        condition = statement.condition
        equals = {k: as_list(v) for k, v in (condition.get("StringEquals") or {}).items()}
        keys = [k for block in condition.values() if isinstance(block, dict) for k in block
                if str(k).startswith("oidc.eks.")]
        if wrong := [k for k in keys if k.rsplit(":", 1)[0] not in issuers]:
            report(f"trust statement {index} conditions on {wrong[0]!r}, but its provider is {', '.join(issuers)}: "
                   "the condition never matches; use the provider's issuer in the condition keys.")
            continue
        for issuer in issuers:
            subjects = equals.get(f"{issuer}:sub", [])
            if not subjects or not all(isinstance(s, str) and _exact_subject(s) for s in subjects):
                shown = ", ".join(map(str, subjects)) if subjects else "none"
                report(f"trust statement {index} does not limit which service accounts assume the role (StringEquals "
                       f"{issuer}:sub: {shown}); require exactly system:serviceaccount:<namespace>:<name>.")
            if equals.get(f"{issuer}:aud", []) != [AUDIENCE]:
                report(f"trust statement {index} does not require tokens meant for STS (StringEquals {issuer}:aud "
                       f"must be {AUDIENCE!r}).")


POLICY = resource_policy(
    name="eks-irsa-trust-scoped",
    description="Roles trusted by an EKS OIDC provider name the exact service accounts (sub) and the STS audience.",
    service="eks",
    severity=Severity.HIGH,
    remediation=(
        "In the role's assume_role_policy, condition the sts:AssumeRoleWithWebIdentity statement with StringEquals "
        "{'<issuer>:sub': 'system:serviceaccount:<namespace>:<name>', '<issuer>:aud': 'sts.amazonaws.com'} "
        "(components/eks/irsa.py builds it)."
    ),
    validate=check,
)
