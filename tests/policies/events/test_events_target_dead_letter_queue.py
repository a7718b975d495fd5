import pytest
from guardrails.events.events_target_dead_letter_queue import POLICY

from tests.policies.harness import UNKNOWN, check_resource

TARGET = "aws:cloudwatch/eventTarget:EventTarget"
DLQ = "arn:aws:sqs:eu-west-1:123456789012:ingest-dlq-1a2b3c4"


@pytest.mark.parametrize("arn", [DLQ, UNKNOWN], ids=["known", "preview"])
def test_a_target_with_a_dead_letter_queue_passes(arn):
    """In a preview the queue's ARN is unknown; that it is set is enough."""
    props = {"arn": "arn:aws:ecs:eu-west-1:1:cluster/c", "deadLetterConfig": {"arn": arn}}
    result = check_resource(POLICY, TARGET, props)
    assert result.violations == [] and not result.unknown


@pytest.mark.parametrize("config", [None, {}, {"arn": ""}], ids=["absent", "empty-block", "empty-arn"])
def test_a_target_without_one_drops_what_it_cannot_deliver(config):
    props = {"arn": "arn:aws:ecs:eu-west-1:1:cluster/c"}
    if config is not None:
        props["deadLetterConfig"] = config
    assert check_resource(POLICY, TARGET, props).messages == [
        "the target has no dead-letter queue (deadLetterConfig.arn is not set), so events it cannot deliver are "
        "dropped; set deadLetterConfig.arn to an SQS queue whose policy lets events.amazonaws.com send for this rule."]


def test_other_resources_are_not_judged():
    assert check_resource(POLICY, "aws:cloudwatch/eventRule:EventRule", {}).violations == []
