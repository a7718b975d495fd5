"""S3.2, S3.3: S3 buckets grant no public read or write access, through their policy or their ACL.

A stack policy relating each bucket to its configuration resources (see ``_bucket``). Access is public when:

- a bucket policy (``aws:s3/bucketPolicy:BucketPolicy``, else the bucket's inline ``policy``) has an Allow statement
  for everyone (Principal ``"*"`` or ``{"AWS": "*"}``, or a NotPrincipal) whose Condition does not pin one of the
  keys that S3 treats as non-public (``aws:SourceArn``, ``aws:SourceVpce``, ``aws:SourceAccount``,
  ``aws:PrincipalOrgID``, a non-/0 ``aws:SourceIp``...) to fixed values, and ``restrictPublicBuckets`` is off;
- or an ACL (``aws:s3/bucketAcl``/``bucketAclV2``, else the bucket's inline ``acl`` and ``grants``) grants the
  AllUsers or AuthenticatedUsers group, while ACLs are enabled (Object Ownership other than
  ``BucketOwnerEnforced``) and ``ignorePublicAcls`` is off.

Absent settings are AWS's defaults for a new bucket (Block Public Access all on, ACLs disabled), so only a stack
that turns them off can fail. Read is ``s3:GetObject``, ``s3:GetObjectVersion``, ``s3:ListBucket`` (or ACL READ,
READ_ACP, FULL_CONTROL): S3.2. Write is object writes and deletes and changes to the bucket's policy or ACL (or ACL
WRITE, WRITE_ACP, FULL_CONTROL): S3.3. A policy document computed from unknown ARNs (a preview) cannot be read: the
policy then cannot run yet.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails.base import stack_policy
from guardrails.s3._bucket import (
    OWNER_ENFORCED,
    PUBLIC_GROUPS,
    Buckets,
    PolicyError,
    covers,
    is_public_principal,
    restricted,
    statements,
)

READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions")
WRITE_ACTIONS = ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:PutBucketAcl",
                 "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:DeleteBucket")
READ_PERMISSIONS = {"READ", "READ_ACP", "FULL_CONTROL"}
WRITE_PERMISSIONS = {"WRITE", "WRITE_ACP", "FULL_CONTROL"}


def _policy_findings(buckets: Buckets, bucket: PolicyResource, report: ReportViolation) -> list[tuple[str, str]]:
    """(access, reason) pairs for public Allow statements of the bucket's policies."""
    found = []
    for document in buckets.policies(bucket):
        try:
            parsed = statements(document.document)
        except PolicyError as exc:
            report(f"{document.where} of bucket '{bucket.name}' is not a valid policy document ({exc}), so public "
                   "access cannot be checked.", document.urn)
            continue
        for index, statement in enumerate(parsed):
            if statement.get("Effect") != "Allow" or not is_public_principal(statement) or restricted(statement):
                continue
            sid = statement.get("Sid")
            label = f"{document.where}, statement {sid!r}" if sid else f"{document.where}, statement {index + 1}"
            if any(covers(statement, a) for a in READ_ACTIONS):
                found.append(("read", label))
            if any(covers(statement, a) for a in WRITE_ACTIONS):
                found.append(("write", label))
    return found


def _acl_findings(buckets: Buckets, bucket: PolicyResource) -> list[tuple[str, str]]:
    found = []
    for grant in buckets.grants(bucket):
        group = PUBLIC_GROUPS.get(grant.grantee)
        if group is None:
            continue
        label = f"{grant.where} grants {grant.permission} to {group}"
        if grant.permission in READ_PERMISSIONS:
            found.append(("read", label))
        if grant.permission in WRITE_PERMISSIONS:
            found.append(("write", label))
    return found


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    buckets = Buckets(args.resources)
    for bucket in buckets.buckets:
        block = buckets.block(bucket)
        findings = []
        if not block["restrictPublicBuckets"]:
            findings += _policy_findings(buckets, bucket, report)
        if not block["ignorePublicAcls"] and buckets.ownership(bucket) != OWNER_ENFORCED:
            findings += _acl_findings(buckets, bucket)
        for access, control in (("read", "S3.2"), ("write", "S3.3")):
            reasons = [reason for kind, reason in findings if kind == access]
            if reasons:
                report(f"bucket '{bucket.name}' allows public {access} access ({control}): {'; '.join(reasons)}; "
                       "grant access to named principals only, and keep Block Public Access and "
                       "BucketOwnerEnforced on.", bucket.urn)


POLICY = stack_policy(
    name="s3-bucket-no-public-access",
    description=(
        "S3 buckets grant no public read (S3.2) or write (S3.3) access through an unconditioned bucket policy "
        "statement for everyone or an ACL grant to AllUsers/AuthenticatedUsers, given their Block Public Access "
        "and Object Ownership settings."
    ),
    service="s3",
    severity=Severity.CRITICAL,
    controls=["S3.2", "S3.3"],
    remediation=(
        "Remove Principal '*' Allow statements from aws.s3.BucketPolicy (or pin them with aws:SourceArn / "
        "aws:SourceVpce conditions), remove public canned ACLs and grants (aws.s3.BucketAclV2), and keep "
        "aws.s3.BucketPublicAccessBlock flags and BucketOwnerEnforced ownership on."
    ),
    validate=check,
)
