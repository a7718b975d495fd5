import pytest
from guardrails.sqs.sqs_queue_encrypted import POLICY

from tests.policies.harness import check_resource

QUEUE = "aws:sqs/queue:Queue"


@pytest.mark.parametrize("props", [
    {"sqsManagedSseEnabled": True},
    {"kmsMasterKeyId": "alias/aws/sqs"},
    {"kmsMasterKeyId": "arn:aws:kms:eu-west-1:123456789012:key/0e4c8b1a-1111-2222-3333-444455556666",
     "sqsManagedSseEnabled": False},
    {},
], ids=["sse-sqs", "kms-alias", "kms-key", "sqs-default"])
def test_encrypted_queues_pass(props):
    assert check_resource(POLICY, QUEUE, props).violations == []


def test_a_queue_with_encryption_turned_off_fails():
    assert check_resource(POLICY, QUEUE, {"sqsManagedSseEnabled": False}).messages == [
        "the queue is not encrypted at rest (sqsManagedSseEnabled is false and no kmsMasterKeyId); set "
        "sqsManagedSseEnabled to true or name a KMS key."]


def test_both_encryptions_at_once_are_refused_by_sqs():
    result = check_resource(POLICY, QUEUE, {"sqsManagedSseEnabled": True, "kmsMasterKeyId": "alias/aws/sqs"})
    assert result.messages[0].startswith("the queue sets both kmsMasterKeyId and sqsManagedSseEnabled")


def test_other_types_are_not_judged():
    assert check_resource(POLICY, "aws:sqs/queuePolicy:QueuePolicy", {"sqsManagedSseEnabled": False}).violations == []
