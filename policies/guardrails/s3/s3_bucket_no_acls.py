"""S3.12: S3 buckets do not use ACLs to grant access.

A stack policy relating each bucket to its ACL resources (``aws:s3/bucketAcl`` / ``bucketAclV2``, else the
bucket's inline ``acl`` and ``grants``; see ``_bucket``). It fails when an ACL grants anyone but the bucket owner:
a canned ACL other than ``private`` (``public-read``, ``log-delivery-write``, ``aws-exec-read``...), or a grant to
a group, an e-mail address or another canonical user. Access belongs in the bucket policy, where it can be read and
reviewed in one place.

Without a ``BucketOwnershipControls`` resource a new bucket has ACLs disabled (``BucketOwnerEnforced``, AWS's
default since April 2023) and passes; with ACLs disabled, declaring such an ACL fails the deployment anyway, and it
is reported here before that. ``ObjectWriter`` or ``BucketOwnerPreferred`` ownership alone passes while no ACL
grants anything, as in Security Hub.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails.base import stack_policy
from guardrails.s3._bucket import LOG_DELIVERY, PUBLIC_GROUPS, Buckets

_GROUPS = {**PUBLIC_GROUPS, LOG_DELIVERY: "the S3 log delivery group"}


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    buckets = Buckets(args.resources)
    for bucket in buckets.buckets:
        grants = buckets.grants(bucket)
        if grants:
            shown = "; ".join(f"{g.where} grants {g.permission} to {_GROUPS.get(g.grantee, g.grantee)}"
                              for g in grants)
            report(f"bucket '{bucket.name}' uses ACLs to grant access: {shown}; grant access in the bucket policy "
                   "instead and set Object Ownership to BucketOwnerEnforced (ACLs disabled).", bucket.urn)


POLICY = stack_policy(
    name="s3-bucket-no-acls",
    description=(
        "S3 buckets grant no access through ACLs (no canned ACL other than private, no grant to anyone but the "
        "owner); access is granted in bucket policies, with ACLs disabled (BucketOwnerEnforced)."
    ),
    service="s3",
    severity=Severity.MEDIUM,
    controls=["S3.12"],
    remediation=(
        "Remove aws.s3.BucketAclV2 resources and the bucket's acl/grants, move the access into aws.s3.BucketPolicy, "
        "and declare aws.s3.BucketOwnershipControls(rule={'object_ownership': 'BucketOwnerEnforced'})."
    ),
    validate=check,
)
