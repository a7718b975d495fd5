"""EventBridge targets have a dead-letter queue.

Judges ``aws:cloudwatch/eventTarget:EventTarget``. When EventBridge cannot deliver an event (for an ECS target: RunTask
fails after every retry of the retry policy, or the event is older than its maximum age), the event is dropped unless
``deadLetterConfig.arn`` names an SQS queue, where it waits to be inspected and replayed. AWS's default is no
dead-letter queue.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails._graph import known
from guardrails.base import resource_policy
from guardrails.events._targets import TARGET


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TARGET:
        return
    config = args.props.get("deadLetterConfig")
    # Computed from the queue, the ARN is unknown in a preview; that it is set is enough here (keys, not values).
    configured = config is not None and "arn" in list(config) and known(config, "arn") != ""
    if not configured:
        report("the target has no dead-letter queue (deadLetterConfig.arn is not set), so events it cannot deliver are "
               "dropped; set deadLetterConfig.arn to an SQS queue whose policy lets events.amazonaws.com send for "
               "this rule.")


POLICY = resource_policy(
    name="events-target-dead-letter-queue",
    description="EventBridge targets send the events they cannot deliver to a dead-letter queue.",
    service="events",
    severity=Severity.MEDIUM,
    remediation=(
        "Set dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=queue.arn) on "
        "aws.cloudwatch.EventTarget, with an aws.sqs.QueuePolicy allowing events.amazonaws.com sqs:SendMessage "
        "under the condition ArnEquals aws:SourceArn = the rule's ARN."
    ),
    validate=check,
)
