"""A queue worker: an encrypted SQS queue with a dead-letter queue, and a Fargate service (no load balancer) that
consumes it, scaled on the queue's depth.

Scaling. Two CloudWatch alarms on the queue's ``ApproximateNumberOfMessagesVisible`` drive two step-scaling
policies: the backlog alarm (at least as many messages as the first step) adds tasks in steps that meet without gap
or overlap, from zero tasks too; the idle alarm (no visible message for ``IDLE_MINUTES``) removes one task. Where the
environment asks, target tracking keeps the backlog per task (visible messages ÷ running tasks) near a target; with
no task running that quotient has no value and target tracking waits for the step policy to start one.

Scale-in and in-flight messages. ECS stops a task with SIGTERM and kills it ``stop_timeout`` seconds later; the
worker stops receiving on SIGTERM and finishes (or hands back, with ChangeMessageVisibility 0) the message it holds
within that time, so the visibility timeout must be at least the stop timeout. A message the stopped task still held
is invisible until its visibility timeout ends, so the visible count under-reads the backlog until then: every
scale-in cooldown is at least the visibility timeout, so no second scale-in acts on that under-read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.ecs.service import rolling_update_deadlocks
from components.events.task import AUTONAMED_CHILDREN as TASK_CHILDREN
from components.events.task import TaskSpec, fargate_task, validate_spec
from components.queue.scaling import (
    DEFAULT_SCALE_OUT,
    IDLE_MINUTES,
    SCALE_OUT_COOLDOWN,
    ScaleOutStep,
    backlog_per_task,
    check_steps,
    scale_in_adjustments,
    scale_out_adjustments,
)
from components.shared.context import PlatformContext
from components.shared.iam import statement
from components.shared.queues import dead_letter_queue

TYPE = "platform:queue:QueueWorker"
#: SQS limits: visibility timeout 0..12 hours, maxReceiveCount 1..1000.
VISIBILITY_TIMEOUT = range(0, 43201)
MAX_RECEIVE_COUNT = range(1, 1001)
#: ECS's stop timeout when a container definition sets none.
ECS_DEFAULT_STOP_TIMEOUT = 30
#: Messages wait four days (SQS's default); the dead-letter queue keeps them for SQS's longest, 14 days: the age of
#: a moved message counts from its first enqueue, so a shorter one would drop them early.
RETENTION_SECONDS = 4 * 24 * 3600
#: Long polling: a receive waits up to 20 seconds for a message instead of returning empty at once.
RECEIVE_WAIT_SECONDS = 20
#: What the task may do with its queue: receive, delete what it processed, extend or hand back a message. The queue
#: URL is in its environment, so it needs neither GetQueueUrl nor GetQueueAttributes.
CONSUME = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility")
QUEUE_ENVIRONMENT = "QUEUE_URL"
#: Interface endpoints the workers need where the VPC has no NAT gateway.
QUEUE_SERVICES = ("sqs",)
#: Children the provider names ``<logical name>-<7 hex digits>``, with AWS's limit on that name.
AUTONAMED_CHILDREN = (
    *TASK_CHILDREN,
    ("queue", "{name}", 80),
    ("dead-letter queue", "{name}-dlq", 80),
    ("ECS service", "{name}", 255),
)


@dataclass(frozen=True)
class QueueWorkerArgs:
    context: PlatformContext
    """Environment facts."""
    task: TaskSpec
    """What runs (``stop_timeout``: the time a stopping task has to finish its message)."""
    cluster_arn: pulumi.Input[str]
    """Cluster the service runs in."""
    cluster_name: pulumi.Input[str]
    """Its name (scaling resource id, Container Insights dimension)."""
    vpc_id: pulumi.Input[str]
    """VPC of the task security group."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets for the tasks."""
    endpoints_security_group_id: pulumi.Input[str] | None = None
    """The VPC's interface endpoints' SG, when the VPC reaches AWS APIs through them: the task SG is admitted."""
    min_count: int = 1
    """Scaling minimum (0 lets the service stop every task while the queue is empty)."""
    max_count: int = 4
    """Scaling maximum."""
    visibility_timeout: int = 300
    """Seconds a received message stays invisible to other consumers (longer than processing one takes)."""
    max_receive_count: int = 5
    """Receives after which a message moves to the dead-letter queue."""
    scale_out_steps: tuple[ScaleOutStep, ...] = DEFAULT_SCALE_OUT
    """Tasks to add from how many visible messages."""
    backlog_per_task: int | None = None
    """Target of visible messages per running task for target tracking; None scales on the steps alone."""
    min_healthy_percent: int = 50
    """Rolling update: share of tasks kept running."""
    max_percent: int = 200
    """Rolling update: ceiling of running tasks."""
    spot: bool = False
    """Run on Fargate Spot."""
    wait_for_steady_state: bool = False
    """Wait for each deployment to finish."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What the ECS service needs first and outlives on destroy (the cluster's capacity provider association)."""


def validate(name: str, args: QueueWorkerArgs) -> None:
    """One exact ValueError per problem."""
    what = f"QueueWorker {name}"
    validate_spec(what, args.task)
    if not (0 <= args.min_count <= args.max_count and args.max_count >= 1):
        raise ValueError(f"{what}: needs 0 <= min_count <= max_count and max_count >= 1 "
                         f"(got {args.min_count}, {args.max_count})")
    if args.visibility_timeout not in VISIBILITY_TIMEOUT:
        raise ValueError(f"{what}: visibility_timeout must be 0..43200 seconds (got {args.visibility_timeout})")
    stop = args.task.stop_timeout if args.task.stop_timeout is not None else ECS_DEFAULT_STOP_TIMEOUT
    if args.visibility_timeout < stop:
        raise ValueError(f"{what}: visibility_timeout ({args.visibility_timeout}) must be at least the task's stop "
                         f"timeout ({stop}): a message a stopping task is finishing must not reach another task")
    if args.max_receive_count not in MAX_RECEIVE_COUNT:
        raise ValueError(f"{what}: max_receive_count must be 1..1000 (got {args.max_receive_count})")
    if problem := check_steps(args.scale_out_steps):
        raise ValueError(f"{what}: scale_out_steps {problem}")
    if args.backlog_per_task is not None and args.backlog_per_task < 1:
        raise ValueError(f"{what}: backlog_per_task must be at least 1 (got {args.backlog_per_task})")
    deadlocked = [n for n in range(max(args.min_count, 1), args.max_count + 1)
                  if rolling_update_deadlocks(n, args.min_healthy_percent, args.max_percent)]
    if deadlocked:
        raise ValueError(f"{what}: with {deadlocked[0]} task(s), minimum healthy {args.min_healthy_percent}% and "
                         f"maximum {args.max_percent}% ECS can replace no task (it rounds the minimum up and the "
                         f"maximum down)")


class QueueWorker(pulumi.ComponentResource):
    queue_url: pulumi.Output[str]
    queue_arn: pulumi.Output[str]
    queue_name: pulumi.Output[str]
    dead_letter_queue_url: pulumi.Output[str]
    dead_letter_queue_arn: pulumi.Output[str]
    service_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: QueueWorkerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate(name, args)
        super().__init__(TYPE, name, None, opts)
        ctx = args.context
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=ctx.protect)

        dlq = dead_letter_queue(name, stateful)
        queue = aws.sqs.Queue(name, sqs_managed_sse_enabled=True, visibility_timeout_seconds=args.visibility_timeout,
                              message_retention_seconds=RETENTION_SECONDS,
                              receive_wait_time_seconds=RECEIVE_WAIT_SECONDS, opts=stateful)
        aws.sqs.RedrivePolicy(name, queue_url=queue.url, redrive_policy=dlq.arn.apply(lambda arn: json.dumps(
            {"deadLetterTargetArn": arn, "maxReceiveCount": args.max_receive_count})), opts=child)
        # Only this queue may move messages into its dead-letter queue.
        aws.sqs.RedriveAllowPolicy(f"{name}-dlq", queue_url=dlq.url, redrive_allow_policy=queue.arn.apply(
            lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})), opts=child)

        task = fargate_task(name, ctx, args.task, statements=[statement(list(CONSUME), [queue.arn], sid="Consume")],
                            environment={QUEUE_ENVIRONMENT: queue.url}, vpc_id=args.vpc_id,
                            endpoints_security_group_id=args.endpoints_security_group_id, parent=self)
        service = aws.ecs.Service(
            name, cluster=args.cluster_arn, task_definition=task.task_definition.arn, desired_count=args.min_count,
            deployment_minimum_healthy_percent=args.min_healthy_percent, deployment_maximum_percent=args.max_percent,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            capacity_provider_strategies=[aws.ecs.ServiceCapacityProviderStrategyArgs(
                capacity_provider="FARGATE_SPOT" if args.spot else "FARGATE", weight=1, base=0)],
            platform_version="LATEST",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.subnet_ids, security_groups=[task.security_group.id], assign_public_ip=False),
            propagate_tags="SERVICE", enable_ecs_managed_tags=True, wait_for_steady_state=args.wait_for_steady_state,
            # The provider changes a capacity provider strategy only together with a new deployment.
            force_new_deployment=True,
            # The scaler owns the running count once the service exists.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*task.role_policies, *args.depends_on],
                                        ignore_changes=["desiredCount"]))

        resource_id = pulumi.Output.all(args.cluster_name, service.name).apply(lambda v: f"service/{v[0]}/{v[1]}")
        target = aws.appautoscaling.Target(
            name, service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount", resource_id=resource_id,
            min_capacity=args.min_count, max_capacity=args.max_count, opts=child)
        self._step_scaling(name, args, queue, target)
        if args.backlog_per_task is not None:
            aws.appautoscaling.Policy(
                f"{name}-backlog-per-task", policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace, scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration=aws.appautoscaling.
                PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=args.backlog_per_task, scale_out_cooldown=SCALE_OUT_COOLDOWN,
                    scale_in_cooldown=scale_in_cooldown(args),
                    customized_metric_specification=backlog_per_task(queue.name, args.cluster_name, service.name)),
                opts=child)

        self.queue_url = queue.url
        self.queue_arn = queue.arn
        self.queue_name = queue.name
        self.dead_letter_queue_url = dlq.url
        self.dead_letter_queue_arn = dlq.arn
        self.service_name = service.name
        self.task_definition_arn = task.task_definition.arn
        self.task_role_arn = task.task_role.role.arn
        self.log_group_name = task.log_group.name
        self.register_outputs({
            "queueUrl": self.queue_url, "queueArn": self.queue_arn, "queueName": self.queue_name,
            "deadLetterQueueUrl": self.dead_letter_queue_url, "deadLetterQueueArn": self.dead_letter_queue_arn,
            "serviceName": self.service_name, "taskDefinitionArn": self.task_definition_arn,
            "taskRoleArn": self.task_role_arn, "logGroupName": self.log_group_name,
        })

    def _step_scaling(self, name: str, args: QueueWorkerArgs, queue: aws.sqs.Queue,
                      target: aws.appautoscaling.Target) -> None:
        child = pulumi.ResourceOptions(parent=self)

        def policy(suffix: str, cooldown: int, adjustments: list) -> aws.appautoscaling.Policy:
            return aws.appautoscaling.Policy(
                f"{name}-{suffix}", policy_type="StepScaling", service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension, resource_id=target.resource_id,
                step_scaling_policy_configuration=aws.appautoscaling.PolicyStepScalingPolicyConfigurationArgs(
                    adjustment_type="ChangeInCapacity", cooldown=cooldown, metric_aggregation_type="Maximum",
                    step_adjustments=adjustments),
                opts=child)

        def alarm(suffix: str, description: str, operator: str, threshold: int, minutes: int, missing: str,
                  action: aws.appautoscaling.Policy) -> None:
            aws.cloudwatch.MetricAlarm(
                f"{name}-{suffix}", alarm_description=description, namespace="AWS/SQS",
                metric_name="ApproximateNumberOfMessagesVisible", dimensions={"QueueName": queue.name},
                statistic="Maximum", period=60, evaluation_periods=minutes, datapoints_to_alarm=minutes,
                comparison_operator=operator, threshold=threshold, treat_missing_data=missing,
                alarm_actions=[action.arn], opts=child)

        first = args.scale_out_steps[0].messages
        scale_out = policy("scale-out", SCALE_OUT_COOLDOWN, scale_out_adjustments(args.scale_out_steps))
        # No data means no message was sent for a long time: nothing to add, and nothing to keep tasks for.
        alarm("backlog", f"{name}: {first}+ messages wait; add tasks", "GreaterThanOrEqualToThreshold", first, 1,
              "notBreaching", scale_out)
        scale_in = policy("scale-in", scale_in_cooldown(args), scale_in_adjustments())
        alarm("idle", f"{name}: no message waited for {IDLE_MINUTES} minutes; remove a task",
              "LessThanOrEqualToThreshold", 0, IDLE_MINUTES, "breaching", scale_in)


def scale_in_cooldown(args: QueueWorkerArgs) -> int:
    """At least the visibility timeout (see the module docstring), and never under a minute."""
    return max(args.visibility_timeout, SCALE_OUT_COOLDOWN)
