"""KMS.1, KMS.2: no IAM policy allows kms:Decrypt or kms:ReEncryptFrom on all KMS keys.

Judges every identity-based policy document the stack declares (see ``_documents``): customer managed policies
(KMS.1) and inline policies of roles, users and groups (KMS.2). A statement fails when it is an Allow, its Action
(with IAM wildcards: ``kms:*``, ``kms:De*``, ``*``) or its NotAction (everything it does not exclude) covers
``kms:Decrypt`` or ``kms:ReEncryptFrom``, and its resources are every key: ``*``, a pattern whose key part is a
wildcard (``arn:aws:kms:*:*:key/*``, ``arn:aws:kms:eu-west-1:123456789012:key/*``, ``arn:*``), or any
NotResource. Conditions (``kms:ViaService``) narrow use but not the keys, and Security Hub does not honour them
either.
"""

from __future__ import annotations

import re

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.iam import _actions
from guardrails.iam._documents import TYPES, allow_statements, documents, grants
from guardrails.iam._roles import Statement

DECRYPTING = ("kms:Decrypt", "kms:ReEncryptFrom")
PROBE_KEYS = ("0a1b2c3d-0000-4000-8000-000000000001", "mrk-9f8e7d6c5b4a43219876543210fedcba")


def _matcher(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))


def all_keys(resource: str) -> bool:
    """Whether a Resource value covers every KMS key of an account and Region (or of all of them): it matches two
    made-up keys in the account and Region the value names (``*``, ``arn:aws:kms:*:*:key/*``, ``arn:*``)."""
    value = resource.strip()
    parts = value.split(":", 5)
    region = parts[3] if len(parts) == 6 and not _actions.is_pattern(parts[3]) else "eu-west-1"
    account = parts[4] if len(parts) == 6 and not _actions.is_pattern(parts[4]) else "111122223333"
    partition = parts[1] if len(parts) == 6 and not _actions.is_pattern(parts[1]) else "aws"
    match = _matcher(value).fullmatch
    probes = (f"arn:{partition}:kms:{region}:{account}:key/{key}" for key in PROBE_KEYS)
    return all(match(probe) for probe in probes)


def _every_key(statement: Statement) -> bool:
    return statement.not_resources is not None or any(all_keys(r) for r in statement.resources)


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in TYPES:
        return
    for declared in documents(args):
        for statement in allow_statements(declared, report):
            decrypting = [a for a in DECRYPTING if grants(statement, a)]
            if decrypting and _every_key(statement):
                control = "KMS.1" if declared.managed else "KMS.2"
                report(f"{declared.where} allows {' and '.join(decrypting)} on every KMS key ({control}); name the "
                       "key ARNs the principal decrypts with in Resource.")


POLICY = resource_policy(
    name="iam-no-kms-decrypt-all-keys",
    description=(
        "No identity-based IAM policy (customer managed: KMS.1; inline: KMS.2) allows kms:Decrypt or "
        "kms:ReEncryptFrom on all KMS keys."
    ),
    service="iam",
    severity=Severity.MEDIUM,
    controls=["KMS.1", "KMS.2"],
    remediation=(
        "In aws.iam.Policy, aws.iam.RolePolicy and inline_policies documents, scope statements granting kms:Decrypt "
        "or kms:ReEncryptFrom to the key ARNs (arn:aws:kms:<region>:<account>:key/<key id>) instead of '*'."
    ),
    validate=check,
)
