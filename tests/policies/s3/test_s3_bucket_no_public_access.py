import pytest
from guardrails.s3.s3_bucket_no_public_access import POLICY

from tests.policies.harness import UNKNOWN, check_stack, urn
from tests.policies.s3._buckets import (
    ACL,
    BUCKET,
    BUCKET_POLICY,
    TLS_ONLY,
    allow_all,
    block,
    bucket,
    of,
    ownership,
    policy,
)

ELB = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::156460612806:root"}, "Action": "s3:PutObject",
       "Resource": "arn:aws:s3:::logs-1a2b3c4/*"}
OPEN = block(restrictPublicBuckets=False, blockPublicPolicy=False, ignorePublicAcls=False, blockPublicAcls=False)


def test_private_bucket_passes():
    assert check_stack(POLICY, [bucket(), block(), policy(ELB, TLS_ONLY)]).violations == []


def test_public_read_statement_fails_when_not_restricted():
    result = check_stack(POLICY, [bucket(), OPEN, policy(allow_all(Sid="Public"))])
    assert result.violations == [(
        "bucket 'logs' allows public read access (S3.2): bucket policy 'logs-policy', statement 'Public'; grant "
        "access to named principals only, and keep Block Public Access and BucketOwnerEnforced on.",
        urn(BUCKET, "logs"),
    )]


def test_public_write_is_s3_3_and_star_is_both():
    assert "public write access (S3.3)" in check_stack(POLICY, [bucket(), OPEN,
                                                                 policy(allow_all("s3:PutObject"))]).messages[0]
    assert len(check_stack(POLICY, [bucket(), OPEN, policy(allow_all("s3:*"))]).violations) == 2
    assert len(check_stack(POLICY, [bucket(), OPEN, policy(allow_all("*"))]).violations) == 2


def test_restrict_public_buckets_neutralises_the_policy():
    assert check_stack(POLICY, [bucket(), block(), policy(allow_all())]).violations == []
    assert check_stack(POLICY, [bucket(), policy(allow_all())]).violations == []  # AWS default: all on


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}, {"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::1:x"}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}},
])
def test_pinned_conditions_are_not_public(condition):
    assert check_stack(POLICY, [bucket(), OPEN, policy(allow_all(Condition=condition))]).violations == []


@pytest.mark.parametrize("condition", [
    {"StringLike": {"aws:SourceVpce": "vpce-*"}}, {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
    {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, {"Bool": {"aws:SecureTransport": "true"}},
])
def test_open_conditions_stay_public(condition):
    assert check_stack(POLICY, [bucket(), OPEN, policy(allow_all(Condition=condition))]).violations


def test_aws_star_principal_and_not_principal_are_everyone():
    aws_star = allow_all(Principal={"AWS": ["arn:aws:iam::123456789012:root", "*"]})
    not_principal = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject",
                     "Resource": "*"}
    assert check_stack(POLICY, [bucket(), OPEN, policy(aws_star)]).violations
    assert check_stack(POLICY, [bucket(), OPEN, policy(not_principal)]).violations


def test_public_acl_counts_only_with_acls_enabled_and_not_ignored():
    acl = of(ACL, "logs-acl", acl="public-read")
    assert check_stack(POLICY, [bucket(), acl]).violations == []  # ACLs disabled, public ACLs ignored
    assert check_stack(POLICY, [bucket(), OPEN, acl]).violations == []  # still BucketOwnerEnforced
    result = check_stack(POLICY, [bucket(), OPEN, ownership("ObjectWriter"), acl])
    assert result.messages == [
        "bucket 'logs' allows public read access (S3.2): bucket ACL 'logs-acl' (acl public-read) grants READ to "
        "everyone (AllUsers); grant access to named principals only, and keep Block Public Access and "
        "BucketOwnerEnforced on."
    ]
    assert check_stack(POLICY, [bucket(), block(), ownership("ObjectWriter"), acl]).violations == []


def test_explicit_grants_and_inline_acl():
    grants = of(ACL, "logs-acl", accessControlPolicy={"owner": {"id": "me"}, "grants": [
        {"grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
         "permission": "WRITE"},
        {"grantee": {"type": "CanonicalUser", "id": "me"}, "permission": "FULL_CONTROL"}]})
    result = check_stack(POLICY, [bucket(), OPEN, ownership("BucketOwnerPreferred"), grants])
    assert result.messages[0].startswith("bucket 'logs' allows public write access (S3.3): bucket ACL 'logs-acl' "
                                         "grants WRITE to any AWS account (AuthenticatedUsers)")
    inline = bucket(acl="public-read-write")
    assert len(check_stack(POLICY, [inline, OPEN, ownership("ObjectWriter")]).violations) == 2


def test_invalid_policy_is_reported():
    bad = of(BUCKET_POLICY, "logs-policy", policy="{")
    assert "is not a valid policy document" in check_stack(POLICY, [bucket(), OPEN, bad]).messages[0]


def test_no_bucket_not_applicable():
    assert check_stack(POLICY, []).violations == []


def test_unknown_policy_cannot_be_evaluated_when_it_matters():
    unknown = of(BUCKET_POLICY, "logs-policy", policy=UNKNOWN)
    assert check_stack(POLICY, [bucket(), OPEN, unknown]).unknown
    assert check_stack(POLICY, [bucket(), block(), unknown]).violations == []
