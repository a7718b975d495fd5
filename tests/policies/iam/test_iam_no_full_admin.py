import pytest
from guardrails.iam.iam_no_full_admin import POLICY

from tests.policies.harness import UNKNOWN, check_resource
from tests.policies.iam._docs import GROUP_POLICY, MANAGED, ROLE, ROLE_POLICY, USER_POLICY, allow, document


@pytest.mark.parametrize("statement", [
    allow("*"), allow(["s3:GetObject", "*"]), allow("*:*"), allow("*", ["arn:aws:s3:::b", "*"]),
    allow("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
])
def test_admin_statements_fail(statement):
    assert check_resource(POLICY, MANAGED, {"policy": document(statement)}).messages == [
        'the customer managed policy allows every action on every resource (Action "*", Resource "*"), full '
        "administrative access; grant the specific actions on the specific resources needed."
    ]


@pytest.mark.parametrize("statement", [
    allow("*", "arn:aws:s3:::bucket/*"), allow("s3:*"), allow("iam:*"), allow(["s3:GetObject"], "*"),
    {"Effect": "Deny", "Action": "*", "Resource": "*"}, {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
])
def test_narrower_statements_pass(statement):
    assert check_resource(POLICY, MANAGED, {"policy": document(statement)}).violations == []


@pytest.mark.parametrize("resource_type, where", [
    (ROLE_POLICY, "this inline role policy"), (USER_POLICY, "this inline user policy"),
    (GROUP_POLICY, "this inline group policy"),
])
def test_inline_policies_are_judged_too(resource_type, where):
    result = check_resource(POLICY, resource_type, {"role": "r", "policy": document(allow("*"))})
    assert result.messages[0].startswith(f"{where} allows every action")


def test_role_inline_policies_and_policy_objects():
    role = {"assumeRolePolicy": document(allow("sts:AssumeRole", Principal={"Service": "ec2.amazonaws.com"})),
            "inlinePolicies": [{"name": "ok", "policy": document(allow("s3:GetObject", "arn:aws:s3:::b/*"))},
                               {"name": "admin", "policy": {"Version": "2012-10-17", "Statement": [allow("*")]}}]}
    assert check_resource(POLICY, ROLE, role).messages[0].startswith("the inline policy 'admin' of the role allows")


def test_invalid_document_is_reported():
    assert check_resource(POLICY, MANAGED, {"policy": "{"}).messages[0].startswith(
        "the customer managed policy is not a valid IAM policy document")


def test_other_types_not_applicable():
    assert check_resource(POLICY, "aws:s3/bucketPolicy:BucketPolicy", {"policy": document(allow("*"))}).violations == []


def test_unknown_document_cannot_be_evaluated():
    assert check_resource(POLICY, ROLE_POLICY, {"role": "r", "policy": UNKNOWN}).unknown
