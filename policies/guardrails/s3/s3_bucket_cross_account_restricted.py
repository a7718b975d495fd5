"""S3.6: bucket policies do not let other AWS accounts change the bucket's access or encryption.

A stack policy relating each bucket to its policy (``aws:s3/bucketPolicy:BucketPolicy``, else the bucket's inline
``policy``; see ``_bucket``). An Allow statement fails when one of its AWS principals is outside the accounts of the
stack and its Action (or NotAction) covers one of the actions S3.6 denies to other accounts:
``s3:DeleteBucketPolicy``, ``s3:PutBucketAcl``, ``s3:PutBucketPolicy``, ``s3:PutEncryptionConfiguration`` and
``s3:PutObjectAcl``. Granting other accounts data access (the regional Elastic Load Balancing account writing
access logs with ``s3:PutObject``) is not what S3.6 is about and passes.

The stack's accounts are those in the known ARNs of its resources (``arn:aws:iam::123456789012:role/...``). A
principal is "*", an account id, or an ARN whose account field is read; service principals are not accounts. When
the stack has no known ARN (a preview of a new stack), every account principal counts as another account; the
bucket policy itself is usually unknown then, and the policy cannot run yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import known
from guardrails.base import stack_policy
from guardrails.s3._bucket import Buckets, PolicyError, covers, principals, statements

DENIED = ("s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration",
          "s3:PutObjectAcl")
_ACCOUNT = re.compile(r"^\d{12}$")


def stack_accounts(resources: Iterable[PolicyResource]) -> set[str]:
    """The 12-digit accounts in the known ARNs of the stack's resources."""
    accounts = set()
    for resource in resources:
        arn = known(resource.props, "arn")
        parts = arn.split(":", 5) if isinstance(arn, str) else []
        if len(parts) == 6 and _ACCOUNT.match(parts[4]):
            accounts.add(parts[4])
    return accounts


def account_of(principal: str) -> str:
    """The account a principal belongs to: "*", the id, or the ARN's account field (the value itself otherwise)."""
    value = principal.strip()
    if value == "*" or _ACCOUNT.match(value):
        return value
    parts = value.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else value


def _check_bucket(buckets: Buckets, bucket: PolicyResource, own: set[str], report: ReportViolation) -> None:
    for document in buckets.policies(bucket):
        try:
            parsed = statements(document.document)
        except PolicyError as exc:
            report(f"{document.where} of bucket '{bucket.name}' is not a valid policy document ({exc}), so "
                   "cross-account access cannot be checked.", document.urn)
            continue
        for index, statement in enumerate(parsed):
            if statement.get("Effect") != "Allow":
                continue
            others = sorted({account_of(p) for p in principals(statement)} - own)
            actions = [a for a in DENIED if covers(statement, a)]
            if others and actions:
                sid = statement.get("Sid")
                which = f"statement {sid!r}" if sid else f"statement {index + 1}"
                who = ", ".join("everyone" if a == "*" else f"account {a}" for a in others)
                report(f"{document.where}, {which}, lets {who} call {', '.join(actions)} on bucket "
                       f"'{bucket.name}', which lets another account change who can read it; grant other accounts "
                       "data actions only.", document.urn)


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    buckets = Buckets(resources)
    own = stack_accounts(resources)
    for bucket in buckets.buckets:
        _check_bucket(buckets, bucket, own, report)


POLICY = stack_policy(
    name="s3-bucket-cross-account-restricted",
    description=(
        "S3 bucket policies do not allow principals of other AWS accounts (or everyone) s3:DeleteBucketPolicy, "
        "s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration or s3:PutObjectAcl."
    ),
    service="s3",
    severity=Severity.HIGH,
    controls=["S3.6"],
    remediation=(
        "In aws.s3.BucketPolicy, grant principals of other accounts only the data actions they need (s3:GetObject, "
        "s3:PutObject on a prefix) and never bucket policy, ACL or encryption configuration actions."
    ),
    validate=check,
)
