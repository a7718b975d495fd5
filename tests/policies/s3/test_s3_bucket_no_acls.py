import pytest
from guardrails.s3.s3_bucket_no_acls import POLICY

from tests.policies.harness import UNKNOWN, check_stack, urn
from tests.policies.s3._buckets import ACL, BUCKET, bucket, of, ownership


def test_no_acl_passes_whatever_the_ownership():
    assert check_stack(POLICY, [bucket()]).violations == []
    assert check_stack(POLICY, [bucket(), ownership("BucketOwnerPreferred")]).violations == []


@pytest.mark.parametrize("canned", ["private", "bucket-owner-full-control"])
def test_owner_only_canned_acls_pass(canned):
    assert check_stack(POLICY, [bucket(), of(ACL, "acl", acl=canned)]).violations == []


def test_log_delivery_acl_fails():
    result = check_stack(POLICY, [bucket(), ownership("ObjectWriter"), of(ACL, "acl", acl="log-delivery-write")])
    assert result.violations == [(
        "bucket 'logs' uses ACLs to grant access: bucket ACL 'acl' (acl log-delivery-write) grants WRITE to the S3 "
        "log delivery group; bucket ACL 'acl' (acl log-delivery-write) grants READ_ACP to the S3 log delivery group; "
        "grant access in the bucket policy instead and set Object Ownership to BucketOwnerEnforced (ACLs disabled).",
        urn(BUCKET, "logs"),
    )]


def test_acl_with_acls_disabled_still_fails():
    assert check_stack(POLICY, [bucket(), of(ACL, "acl", acl="public-read")]).violations


def test_grant_to_another_canonical_user_fails_owner_grant_passes():
    owner_only = {"owner": {"id": "me"}, "grants": [{"grantee": {"type": "CanonicalUser", "id": "me"},
                                                     "permission": "FULL_CONTROL"}]}
    other = {"owner": {"id": "me"}, "grants": [{"grantee": {"type": "CanonicalUser", "id": "them"},
                                                "permission": "READ"}]}
    assert check_stack(POLICY, [bucket(), of(ACL, "acl", accessControlPolicy=owner_only)]).violations == []
    assert "grants READ to canonical user them" in check_stack(
        POLICY, [bucket(), of(ACL, "acl", accessControlPolicy=other)]).messages[0]


def test_inline_grants():
    owner = {"type": "CanonicalUser", "id": "abc", "permissions": ["FULL_CONTROL"]}
    email = {"type": "AmazonCustomerByEmail", "emailAddress": "a@example.com", "permissions": ["READ"]}
    assert check_stack(POLICY, [bucket(grants=[owner])]).violations == []
    assert "grants READ to email a@example.com" in check_stack(POLICY, [bucket(grants=[owner, email])]).messages[0]


def test_unknown_canned_acl_cannot_be_evaluated():
    assert check_stack(POLICY, [bucket(), of(ACL, "acl", acl=UNKNOWN)]).unknown
