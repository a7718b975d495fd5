import pytest
from guardrails.s3.s3_bucket_cross_account_restricted import POLICY, account_of

from tests.policies.harness import UNKNOWN, Res, check_stack, urn
from tests.policies.s3._buckets import ARN, BUCKET_POLICY, TLS_ONLY, bucket, of, policy

OWN = Res("aws:iam/role:Role", "role", {"arn": "arn:aws:iam::123456789012:role/app"})


def grant(principal, action):
    return {"Sid": "Grant", "Effect": "Allow", "Principal": {"AWS": principal}, "Action": action,
            "Resource": [ARN, f"{ARN}/*"]}


def test_data_actions_for_another_account_pass():
    elb = grant("arn:aws:iam::156460612806:root", "s3:PutObject")
    assert check_stack(POLICY, [OWN, bucket(), policy(elb, TLS_ONLY)]).violations == []


@pytest.mark.parametrize("action", ["s3:PutBucketPolicy", "s3:PutObjectAcl", "s3:*", "*", "s3:Put*",
                                    ["s3:GetObject", "s3:DeleteBucketPolicy"]])
def test_denied_actions_for_another_account_fail(action):
    result = check_stack(POLICY, [OWN, bucket(), policy(grant("210987654321", action))])
    assert len(result.violations) == 1 and "lets account 210987654321 call" in result.messages[0]


def test_message():
    result = check_stack(POLICY, [OWN, bucket(), policy(grant("arn:aws:iam::210987654321:role/x", "s3:PutBucketAcl"))])
    assert result.violations == [(
        "bucket policy 'logs-policy', statement 'Grant', lets account 210987654321 call s3:PutBucketAcl on bucket "
        "'logs', which lets another account change who can read it; grant other accounts data actions only.",
        urn(BUCKET_POLICY, "logs-policy"),
    )]


def test_own_account_and_services_pass():
    own = grant("arn:aws:iam::123456789012:role/admin", "s3:PutBucketPolicy")
    service = {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObjectAcl",
               "Resource": f"{ARN}/*"}
    assert check_stack(POLICY, [OWN, bucket(), policy(own, service)]).violations == []


def test_everyone_and_not_action_fail():
    assert "lets everyone call" in check_stack(POLICY, [OWN, bucket(), policy(grant("*", "s3:PutObjectAcl"))]
                                               ).messages[0]
    not_action = {"Effect": "Allow", "Principal": {"AWS": "210987654321"}, "NotAction": "s3:GetObject",
                  "Resource": "*"}
    assert check_stack(POLICY, [OWN, bucket(), policy(not_action)]).violations


def test_without_known_accounts_every_account_is_another():
    assert check_stack(POLICY, [bucket(), policy(grant("123456789012", "s3:PutBucketPolicy"))]).violations


def test_deny_statements_pass():
    deny = {**grant("210987654321", "s3:*"), "Effect": "Deny"}
    assert check_stack(POLICY, [OWN, bucket(), policy(deny)]).violations == []


def test_account_of():
    assert account_of("arn:aws:iam::111122223333:user/a") == "111122223333"
    assert account_of("*") == "*" and account_of("111122223333") == "111122223333"


def test_unknown_policy_cannot_be_evaluated():
    assert check_stack(POLICY, [OWN, bucket(), of(BUCKET_POLICY, "logs-policy", policy=UNKNOWN)]).unknown
