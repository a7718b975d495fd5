import json

import pytest
from guardrails.kms.kms_key_not_public import POLICY

from tests.policies.harness import UNKNOWN, check_resource

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
ACCOUNT = "arn:aws:iam::123456789012:root"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, condition=None, sid=None) -> dict:
    body = {"Effect": "Allow", "Principal": principal, "Action": "kms:*", "Resource": "*"}
    if condition:
        body["Condition"] = condition
    if sid:
        body["Sid"] = sid
    return body


@pytest.mark.parametrize("resource_type", [KEY, KEY_POLICY])
def test_a_policy_naming_the_account_passes(resource_type: str):
    assert check_resource(POLICY, resource_type, {"policy": doc(allow({"AWS": ACCOUNT}))}).violations == []


def test_a_key_without_policy_gets_the_account_only_default():
    assert check_resource(POLICY, KEY, {"enableKeyRotation": True}).violations == []


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["*", ACCOUNT]}])
@pytest.mark.parametrize("resource_type", [KEY, KEY_POLICY])
def test_everyone_fails(principal, resource_type: str):
    result = check_resource(POLICY, resource_type, {"policy": doc(allow(principal, sid="Open"))})
    assert result.messages == [
        "statement 'Open' of the key policy lets any AWS principal use the key (Principal \"*\" without a condition "
        "that limits the caller's account or source); name the accounts or roles, or add kms:CallerAccount / "
        "aws:PrincipalOrgID conditions."]


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"kms:CallerAccount": "123456789012"}},
    {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    {"StringEquals": {"aws:SourceAccount": "123456789012"}},
])
def test_everyone_pinned_to_known_callers_passes(condition):
    assert check_resource(POLICY, KEY, {"policy": doc(allow("*", condition))}).violations == []


@pytest.mark.parametrize("condition", [
    {"StringLike": {"kms:CallerAccount": "*"}},
    {"StringEqualsIfExists": {"kms:CallerAccount": "123456789012"}},
    {"StringEquals": {"kms:ViaService": "ec2.eu-west-1.amazonaws.com"}},
])
def test_everyone_with_a_condition_that_does_not_limit_callers_fails(condition):
    assert len(check_resource(POLICY, KEY, {"policy": doc(allow("*", condition))}).violations) == 1


def test_not_principal_on_allow_fails_and_deny_for_everyone_passes():
    not_principal = {"Effect": "Allow", "NotPrincipal": {"AWS": ACCOUNT}, "Action": "kms:Decrypt", "Resource": "*"}
    assert len(check_resource(POLICY, KEY, {"policy": doc(not_principal)}).violations) == 1
    deny = {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}
    assert check_resource(POLICY, KEY, {"policy": doc(deny)}).violations == []


def test_unreadable_and_empty_policies():
    assert check_resource(POLICY, KEY, {"policy": "{not json"}).messages[0].startswith(
        "the key policy cannot be read: it is not valid JSON")
    assert check_resource(POLICY, KEY_POLICY, {"policy": ""}).messages == [
        "the key policy is empty; KMS refuses a key policy without statements."]


def test_unknown_policy_cannot_be_evaluated_and_other_types_are_not_judged():
    assert check_resource(POLICY, KEY, {"policy": UNKNOWN}).unknown
    assert check_resource(POLICY, "aws:s3/bucketPolicy:BucketPolicy", {"policy": doc(allow("*"))}).violations == []
