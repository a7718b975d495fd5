"""What every EventBridge-started task shares: the Fargate task, the rule, the ECS target, the role EventBridge runs
the task with, and the dead-letter queue for events it could not deliver. ``ObjectPipeline`` (a bucket's new
objects) and ``ScheduledTask`` (a schedule) add only their trigger and what the task works on."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.ecs.roles import ECS_TASKS
from components.events.task import AUTONAMED_CHILDREN as TASK_CHILDREN
from components.events.task import FargateTask, TaskSpec, fargate_task, validate_spec
from components.shared.context import PlatformContext
from components.shared.iam import policy_document, statement, trust_policy
from components.shared.queues import dead_letter_queue

EVENTS = "events.amazonaws.com"
#: EventBridge retry policy limits (RetryPolicy).
RETRY_ATTEMPTS = range(0, 186)
EVENT_AGE_SECONDS = range(60, 86401)
#: Children the provider names ``<logical name>-<7 hex digits>``, with AWS's limit on that name.
AUTONAMED_CHILDREN = (
    *TASK_CHILDREN,
    ("EventBridge role", "{name}-events", 64),
    ("rule", "{name}", 64),
    ("dead-letter queue", "{name}-dlq", 80),
)


@dataclass(frozen=True)
class RuleTaskArgs:
    context: PlatformContext
    """Environment facts."""
    task: TaskSpec
    """What runs."""
    cluster_arn: pulumi.Input[str]
    """Cluster the task runs in."""
    cluster_name: pulumi.Input[str]
    """Its name (for the task ARNs EventBridge may tag)."""
    vpc_id: pulumi.Input[str]
    """VPC of the task's security group."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets for the task's network interface."""
    endpoints_security_group_id: pulumi.Input[str] | None = None
    """The VPC's interface endpoints' SG, when the VPC reaches AWS APIs through them: the task SG is admitted."""
    retry_attempts: int = 3
    """Times EventBridge retries a failed RunTask before it sends the event to the dead-letter queue."""
    max_event_age: int = 3600
    """Seconds EventBridge keeps retrying an event."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What the target needs first (the cluster's capacity provider association)."""


@dataclass(frozen=True)
class Trigger:
    """What a variant decides: when the task runs, what it is told, what it may do."""

    description: str
    """The rule's description."""
    event_pattern: pulumi.Input[str] | None = None
    """The events that start the task (JSON), or None with ``schedule_expression``."""
    schedule_expression: str | None = None
    """cron(...) or rate(...), or None with ``event_pattern``."""
    input_transformer: aws.cloudwatch.EventTargetInputTransformerArgs | None = None
    """How the event becomes the task's overrides; None runs the task as defined."""
    statements: Sequence[dict] = ()
    """The task role's permissions."""
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Environment variables computed from other resources."""
    outputs: Mapping[str, pulumi.Output[Any]] = field(default_factory=dict)
    """The variant's own outputs, registered with the base's."""


def run_task_statements(context: PlatformContext, family: str, cluster_arn: pulumi.Input[str],
                        cluster_name: pulumi.Input[str], task: FargateTask) -> list[dict]:
    """What EventBridge needs to start the task: RunTask on the task definition's family, only on this cluster;
    PassRole on exactly the task's two roles, only to ECS tasks; and tagging the tasks it starts (RunTask with
    tags), only as part of RunTask."""
    return [
        {**statement(["ecs:RunTask"], [context.arn("ecs", f"task-definition/{family}:*")], sid="RunTask"),
         "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}}},
        {**statement(["iam:PassRole"], [task.task_role.role.arn, task.execution_role.role.arn], sid="PassTaskRoles"),
         "Condition": {"StringEquals": {"iam:PassedToService": ECS_TASKS}}},
        {**statement(["ecs:TagResource"], [pulumi.Output.from_input(cluster_name).apply(
            lambda cluster: context.arn("ecs", f"task/{cluster}/*"))], sid="TagStartedTasks"),
         "Condition": {"StringEquals": {"ecs:CreateAction": "RunTask"}}},
    ]


class RuleTaskBase(pulumi.ComponentResource):
    """An EventBridge rule that runs a Fargate task. Subclasses provide ``_trigger``."""

    rule_arn: pulumi.Output[str]
    rule_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    dead_letter_queue_arn: pulumi.Output[str]
    dead_letter_queue_url: pulumi.Output[str]

    def __init__(self, type_: str, name: str, args: RuleTaskArgs, opts: pulumi.ResourceOptions | None) -> None:
        validate_spec(f"{type_.rsplit(':', 1)[1]} {name}", args.task)
        if args.retry_attempts not in RETRY_ATTEMPTS:
            raise ValueError(f"{type_.rsplit(':', 1)[1]} {name}: retry_attempts must be 0..185 "
                             f"(got {args.retry_attempts})")
        if args.max_event_age not in EVENT_AGE_SECONDS:
            raise ValueError(f"{type_.rsplit(':', 1)[1]} {name}: max_event_age must be 60..86400 seconds "
                             f"(got {args.max_event_age})")
        super().__init__(type_, name, None, opts)
        ctx = args.context
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=ctx.protect)

        trigger = self._trigger(name, args)
        task = fargate_task(name, ctx, args.task, statements=trigger.statements, environment=trigger.environment,
                            vpc_id=args.vpc_id, endpoints_security_group_id=args.endpoints_security_group_id,
                            parent=self)
        rule = aws.cloudwatch.EventRule(name, description=trigger.description, event_pattern=trigger.event_pattern,
                                        schedule_expression=trigger.schedule_expression, state="ENABLED", opts=child)

        # Events EventBridge could not deliver (RunTask failed after every retry) wait here; only this rule may
        # send to the queue.
        dlq = dead_letter_queue(name, stateful)
        dlq_policy = aws.sqs.QueuePolicy(f"{name}-dlq", queue_url=dlq.url, policy=policy_document([{
            "Sid": "DeadLettersFromRule", "Effect": "Allow", "Principal": {"Service": EVENTS},
            "Action": "sqs:SendMessage", "Resource": dlq.arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule.arn}}}]), opts=child)

        family = f"{ctx.stack}-{name}"
        events_role = aws.iam.Role(
            f"{name}-events", description=f"EventBridge runs {name} tasks",
            assume_role_policy=rule.arn.apply(lambda arn: trust_policy(EVENTS, ctx.account_id, arn)), opts=child)
        events_policy = aws.iam.RolePolicy(
            f"{name}-events", role=events_role.id,
            policy=policy_document(run_task_statements(ctx, family, args.cluster_arn, args.cluster_name, task)),
            opts=child)

        aws.cloudwatch.EventTarget(
            name, rule=rule.name, arn=args.cluster_arn, role_arn=events_role.arn,
            ecs_target=aws.cloudwatch.EventTargetEcsTargetArgs(
                task_definition_arn=task.task_definition.arn, task_count=1, launch_type="FARGATE",
                network_configuration=aws.cloudwatch.EventTargetEcsTargetNetworkConfigurationArgs(
                    subnets=args.subnet_ids, security_groups=[task.security_group.id], assign_public_ip=False),
                propagate_tags="TASK_DEFINITION", enable_ecs_managed_tags=True),
            input_transformer=trigger.input_transformer,
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_retry_attempts=args.retry_attempts, maximum_event_age_in_seconds=args.max_event_age),
            dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=dlq.arn),
            # A target must never start a task its roles cannot yet serve, nor fail into a queue it cannot use.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[events_policy, dlq_policy, *task.role_policies,
                                                                 *args.depends_on]))

        self.rule_arn = rule.arn
        self.rule_name = rule.name
        self.task_definition_arn = task.task_definition.arn
        self.task_role_arn = task.task_role.role.arn
        self.log_group_name = task.log_group.name
        self.dead_letter_queue_arn = dlq.arn
        self.dead_letter_queue_url = dlq.url
        self.register_outputs({
            "ruleArn": self.rule_arn, "ruleName": self.rule_name, "taskDefinitionArn": self.task_definition_arn,
            "taskRoleArn": self.task_role_arn, "logGroupName": self.log_group_name,
            "deadLetterQueueArn": self.dead_letter_queue_arn, "deadLetterQueueUrl": self.dead_letter_queue_url,
            **trigger.outputs,
        })

    def _trigger(self, name: str, args: RuleTaskArgs) -> Trigger:
        raise NotImplementedError


def overrides_template(container: str, variables: Mapping[str, str]) -> str:
    """An input template that sets environment variables of ``container`` from input-transformer variables:
    ``{"containerOverrides": [{"name": ..., "environment": [{"name": VAR, "value": "<variable>"}, ...]}]}``.
    The placeholders sit inside JSON strings: EventBridge escapes the values it puts there."""
    return json.dumps({"containerOverrides": [{"name": container, "environment": [
        {"name": env, "value": f"<{variable}>"} for env, variable in variables.items()]}]})
