import json

import pytest
from guardrails.sqs.sqs_queue_no_public_access import POLICY

from tests.policies.harness import UNKNOWN, check_resource

QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
QUEUE = "aws:sqs/queue:Queue"
ARN = "arn:aws:sqs:eu-west-1:123456789012:ingest-dlq"
RULE = "arn:aws:events:eu-west-1:123456789012:rule/ingest"


def policy(**statement) -> dict:
    body = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ARN, **statement}
    return {"queueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dlq",
            "policy": json.dumps({"Version": "2012-10-17", "Statement": [body]})}


@pytest.mark.parametrize("statement", [
    {"Principal": {"Service": "events.amazonaws.com"}, "Condition": {"ArnEquals": {"aws:SourceArn": RULE}}},
    {"Principal": {"Service": "events.amazonaws.com"}},
    {"Principal": {"AWS": "arn:aws:iam::123456789012:role/producer"}},
    {"Principal": "*", "Condition": {"ArnEquals": {"aws:SourceArn": RULE}}},
    {"Principal": {"AWS": "*"}, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
    {"Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
    {"Principal": "*", "Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
], ids=["service-scoped", "service", "role", "star-source-arn", "star-org", "star-ip", "deny"])
def test_private_policies_pass(statement):
    assert check_resource(POLICY, QUEUE_POLICY, policy(**statement)).violations == []


@pytest.mark.parametrize("statement", [
    {"Principal": "*"},
    {"Principal": {"AWS": "*"}},
    {"Principal": {"AWS": ["arn:aws:iam::123456789012:root", "*"]}},
    {"Principal": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:events:*"}}},
    {"Principal": "*", "Condition": {"ArnEqualsIfExists": {"aws:SourceArn": RULE}}},
    {"Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}},
    {"Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    {"NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}},
], ids=["star", "aws-star", "list-with-star", "wildcard-condition", "if-exists", "any-ip", "not-restricting",
        "not-principal"])
def test_public_policies_fail(statement):
    result = check_resource(POLICY, QUEUE_POLICY, policy(**statement))
    assert len(result.violations) == 1, result.messages
    assert "allows 'sqs:SendMessage' to everyone without a condition" in result.messages[0]


def test_the_inline_policy_of_a_queue_is_judged_too():
    assert len(check_resource(POLICY, QUEUE, {"policy": policy(Principal="*")["policy"]}).violations) == 1


def test_a_queue_without_a_policy_passes():
    assert check_resource(POLICY, QUEUE, {"sqsManagedSseEnabled": True}).violations == []


def test_a_policy_that_is_not_json_fails_closed():
    assert check_resource(POLICY, QUEUE_POLICY, {"queueUrl": "x", "policy": "{"}).messages == [
        "the queue's access policy is not valid JSON, so it cannot be checked for public access."]


def test_an_unknown_policy_cannot_be_evaluated():
    assert check_resource(POLICY, QUEUE_POLICY, {"queueUrl": "x", "policy": UNKNOWN}).unknown
