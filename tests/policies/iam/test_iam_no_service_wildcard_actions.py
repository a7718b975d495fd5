import pytest
from guardrails.iam._documents import service_wide
from guardrails.iam.iam_no_service_wildcard_actions import POLICY

from tests.policies.harness import UNKNOWN, check_resource
from tests.policies.iam._docs import MANAGED, ROLE_POLICY, allow, document


@pytest.mark.parametrize("action", ["s3:*", "S3:*", "iam:**", "*", "*:*", "s3*:*", ["s3:GetObject", "sqs:*"]])
def test_service_wide_actions_fail(action):
    result = check_resource(POLICY, MANAGED, {"policy": document(allow(action, "arn:aws:s3:::b"))})
    assert len(result.violations) == 1 and "allows every action of a service (" in result.messages[0]


def test_message():
    assert check_resource(POLICY, ROLE_POLICY, {"role": "r", "policy": document(allow(["s3:*", "sqs:*"]))}).messages \
        == ['this inline role policy allows every action of a service ("s3:*", "sqs:*"); list the specific actions '
            "the principal calls."]


@pytest.mark.parametrize("action", ["s3:GetObject", "s3:Get*", "s3:*Object", "s3:", "ec2:Describe*"])
def test_narrower_actions_pass(action):
    assert check_resource(POLICY, MANAGED, {"policy": document(allow(action))}).violations == []


def test_deny_statements_pass():
    statement = {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    assert check_resource(POLICY, MANAGED, {"policy": document(statement)}).violations == []


def test_service_wide():
    assert service_wide(" s3:* ") and not service_wide("s3:Get*") and not service_wide("s3")


def test_unknown_document_cannot_be_evaluated():
    assert check_resource(POLICY, MANAGED, {"policy": UNKNOWN}).unknown
