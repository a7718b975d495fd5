"""S3.5: S3 bucket policies deny requests that do not use TLS.

A stack policy relating each bucket to its policy (``aws:s3/bucketPolicy:BucketPolicy``, else the bucket's inline
``policy``; see ``_bucket``). Every such document must hold a statement with ``Effect`` Deny, Principal ``"*"`` (or
``{"AWS": "*"}``), an Action covering every S3 action (``s3:*`` or ``*``), Resources covering the bucket and its
objects (``arn:aws:s3:::name`` and ``arn:aws:s3:::name/*``, or wildcards matching them), and the condition
``{"Bool": {"aws:SecureTransport": "false"}}``. A bucket has no policy by default, which accepts plain HTTP: a
bucket without one fails. When the bucket's ARN cannot be known (a preview of an auto-named bucket whose policy
is nevertheless known), the resources must include an object pattern (``.../*``) and a bucket one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails.base import as_list, stack_policy
from guardrails.s3._bucket import Buckets, PolicyError, bucket_arn, covers, principals, statements, strings, wildcard

PROBE_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteBucketPolicy", "s3:AnyFutureAction")


def _insecure_transport(condition: Any) -> bool:
    """Whether a Condition is exactly ``Bool aws:SecureTransport false`` (key names are case-insensitive)."""
    operator = condition.get("Bool") if isinstance(condition, Mapping) else None
    if not isinstance(operator, Mapping):
        return False
    values = [v for k, v in operator.items() if str(k).lower() == "aws:securetransport"]
    found = [str(v).strip().lower() for value in values for v in as_list(value)]
    return bool(found) and all(v == "false" for v in found)


def _covers_bucket(resources: list[str], arn: str | None) -> bool:
    """Whether the Resource patterns cover the bucket and every object in it."""
    if any(r.strip("*") == "" for r in resources):
        return True
    if arn is None:
        return any(r.endswith("/*") for r in resources) and any(not r.endswith("/*") for r in resources)
    return all(any(wildcard(r).fullmatch(target) for r in resources) for target in (arn, f"{arn}/any/object.key"))


def denies_plain_http(statement: Mapping[str, Any], arn: str | None) -> bool:
    """Whether a statement denies every S3 request over plain HTTP to the bucket and its objects."""
    return (statement.get("Effect") == "Deny" and "*" in principals(statement)
            and all(covers(statement, a) for a in PROBE_ACTIONS)
            and _covers_bucket(strings(statement, "Resource"), arn)
            and _insecure_transport(statement.get("Condition")))


def _check_bucket(buckets: Buckets, bucket: PolicyResource, report: ReportViolation) -> None:
    documents = buckets.policies(bucket)
    if not documents:
        report(f"bucket '{bucket.name}' has no bucket policy, so it accepts requests over plain HTTP; add an "
               "aws.s3.BucketPolicy that denies s3:* when aws:SecureTransport is false.", bucket.urn)
        return
    arn = bucket_arn(bucket)
    for document in documents:
        try:
            parsed = statements(document.document)
        except PolicyError as exc:
            report(f"{document.where} of bucket '{bucket.name}' is not a valid policy document ({exc}), so it "
                   "cannot be checked for a TLS-only statement.", document.urn)
            continue
        if not any(denies_plain_http(s, arn) for s in parsed):
            report(f"{document.where} of bucket '{bucket.name}' does not deny requests over plain HTTP; add a "
                   "statement {Effect: Deny, Principal: '*', Action: 's3:*', Resource: [bucket ARN, bucket ARN/*], "
                   "Condition: {Bool: {aws:SecureTransport: 'false'}}}.", document.urn)


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    buckets = Buckets(args.resources)
    for bucket in buckets.buckets:
        _check_bucket(buckets, bucket, report)


POLICY = stack_policy(
    name="s3-bucket-ssl-only",
    description=(
        "Every S3 bucket has a bucket policy denying all S3 actions on the bucket and its objects when "
        "aws:SecureTransport is false."
    ),
    service="s3",
    severity=Severity.MEDIUM,
    controls=["S3.5"],
    remediation=(
        "Add to the bucket's aws.s3.BucketPolicy the statement {'Sid': 'DenyInsecureTransport', 'Effect': 'Deny', "
        "'Principal': '*', 'Action': 's3:*', 'Resource': [bucket.arn, bucket.arn + '/*'], 'Condition': {'Bool': "
        "{'aws:SecureTransport': 'false'}}}."
    ),
    validate=check,
)
