import pytest
from guardrails.s3.s3_bucket_ssl_only import POLICY

from tests.policies.harness import UNKNOWN, check_stack, urn
from tests.policies.s3._buckets import ARN, BUCKET, BUCKET_POLICY, TLS_ONLY, bucket, of, policy


def test_tls_only_statement_passes():
    assert check_stack(POLICY, [bucket(), policy(TLS_ONLY)]).violations == []


@pytest.mark.parametrize("changes", [
    {"Action": "*"}, {"Resource": "*"}, {"Resource": ["arn:aws:s3:::logs-*", "arn:aws:s3:::logs-*/*"]},
    {"Principal": {"AWS": "*"}}, {"Condition": {"Bool": {"aws:securetransport": ["false"]}}},
    {"Action": ["s3:*", "s3:GetObject"]},
])
def test_equivalent_forms_pass(changes):
    assert check_stack(POLICY, [bucket(), policy({**TLS_ONLY, **changes})]).violations == []


def test_bucket_without_policy_fails():
    assert check_stack(POLICY, [bucket()]).violations == [(
        "bucket 'logs' has no bucket policy, so it accepts requests over plain HTTP; add an aws.s3.BucketPolicy that "
        "denies s3:* when aws:SecureTransport is false.",
        urn(BUCKET, "logs"),
    )]


@pytest.mark.parametrize("changes", [
    {"Effect": "Allow"}, {"Action": "s3:GetObject"}, {"Action": ["s3:GetObject", "s3:PutObject"]},
    {"Resource": f"{ARN}/*"}, {"Resource": ARN}, {"Principal": {"AWS": "arn:aws:iam::1:root"}},
    {"Condition": {"Bool": {"aws:SecureTransport": "true"}}}, {"Condition": {}},
    {"Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}, {"Resource": "arn:aws:s3:::other/*"},
])
def test_weaker_statements_fail(changes):
    result = check_stack(POLICY, [bucket(), policy({**TLS_ONLY, **changes})])
    assert result.violations == [(
        "bucket policy 'logs-policy' of bucket 'logs' does not deny requests over plain HTTP; add a statement "
        "{Effect: Deny, Principal: '*', Action: 's3:*', Resource: [bucket ARN, bucket ARN/*], Condition: {Bool: "
        "{aws:SecureTransport: 'false'}}}.",
        urn(BUCKET_POLICY, "logs-policy"),
    )]


def test_inline_bucket_policy_counts():
    import json
    inline = bucket(policy=json.dumps({"Statement": [TLS_ONLY]}))
    assert check_stack(POLICY, [inline]).violations == []


def test_unknown_arn_accepts_bucket_and_object_patterns():
    statement = {**TLS_ONLY, "Resource": ["arn:aws:s3:::whatever", "arn:aws:s3:::whatever/*"]}
    assert check_stack(POLICY, [bucket(known=False), policy(statement)]).violations == []
    assert check_stack(POLICY, [bucket(known=False), policy({**TLS_ONLY, "Resource": "x/*"})]).violations


def test_unknown_policy_cannot_be_evaluated():
    assert check_stack(POLICY, [bucket(), of(BUCKET_POLICY, "logs-policy", policy=UNKNOWN)]).unknown
