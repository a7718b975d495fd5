"""QueueWorker built directly under the mocks: queue and dead-letter queue, the consumer's exact permissions, the
service's rolling updates, and the scaling wiring: alarm → step policy → scalable target → service, step
adjustments without gap or overlap, cooldowns against the visibility timeout, target tracking on backlog per task."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.events.task import TaskSpec
from components.queue.scaling import DEFAULT_SCALE_OUT, ScaleOutStep, check_steps
from components.queue.worker import QueueWorker, QueueWorkerArgs
from preflight.engine import Recording, Registration
from tests.components._events import (
    CLUSTER_ARN,
    CLUSTER_NAME,
    IMAGE,
    QUEUE,
    SG,
    SUBNETS,
    TASK,
    cached_by_arguments,
    container,
    environment,
    named,
    placement,
    statements_of,
)
from tests.mocks import of_type, one, record, record_failure, ref, refs

SERVICE = "aws:ecs/service:Service"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
REDRIVE = "aws:sqs/redrivePolicy:RedrivePolicy"
REDRIVE_ALLOW = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"


@cached_by_arguments
def build(**values: Any) -> Recording:
    """A worker named jobs."""
    task = TaskSpec(image=IMAGE, stop_timeout=values.pop("stop_timeout", 120))
    return record(lambda: QueueWorker("jobs", QueueWorkerArgs(task=task, **placement(**values))))


def queue(rec: Recording) -> Registration:
    return named(rec, QUEUE, "jobs")


def policy(rec: Recording, suffix: str) -> Registration:
    return named(rec, SCALING_POLICY, f"jobs-{suffix}")


def alarm(rec: Recording, suffix: str) -> Registration:
    return named(rec, ALARM, f"jobs-{suffix}")


# ---- queues ---------------------------------------------------------------------------------------------------


def test_queue_is_encrypted_and_hides_a_message_for_the_visibility_timeout():
    q = queue(build(visibility_timeout=600))
    assert q.inputs["sqsManagedSseEnabled"] is True, q.urn
    assert q.inputs["visibilityTimeoutSeconds"] == 600, q.urn
    assert q.inputs["receiveWaitTimeSeconds"] == 20, q.urn
    assert q.inputs["messageRetentionSeconds"] == 4 * 24 * 3600, q.urn


def test_messages_move_to_the_dead_letter_queue_after_max_receives_and_only_from_this_queue():
    rec = build(max_receive_count=7)
    q, dlq = queue(rec), named(rec, QUEUE, "jobs-dlq")
    [redrive] = of_type(rec, REDRIVE)
    assert redrive.inputs["queueUrl"] == q.outputs["url"], redrive.urn
    assert json.loads(redrive.inputs["redrivePolicy"]) == {"deadLetterTargetArn": dlq.outputs["arn"],
                                                           "maxReceiveCount": 7}, redrive.urn
    [allow] = of_type(rec, REDRIVE_ALLOW)
    assert allow.inputs["queueUrl"] == dlq.outputs["url"], allow.urn
    assert json.loads(allow.inputs["redriveAllowPolicy"]) == {"redrivePermission": "byQueue",
                                                              "sourceQueueArns": [q.outputs["arn"]]}, allow.urn
    assert dlq.inputs["sqsManagedSseEnabled"] is True and dlq.inputs["messageRetentionSeconds"] == 1209600, dlq.urn
    assert "redrivePolicy" not in q.inputs, "the redrive policy is its own resource"


# ---- the consumer ----------------------------------------------------------------------------------------------


def test_task_role_may_only_receive_delete_and_change_visibility_on_its_queue():
    rec = build()
    role = ref(rec, one(rec, TASK), "taskRoleArn", "arn")
    assert statements_of(rec, role) == [{
        "Effect": "Allow", "Action": ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage"],
        "Resource": [queue(rec).outputs["arn"]], "Sid": "Consume"}], role.urn


def test_container_is_told_the_queue_and_has_the_stop_timeout():
    rec = build(stop_timeout=90, visibility_timeout=90)
    definition = container(rec)
    assert environment(definition) == {"QUEUE_URL": queue(rec).outputs["url"]}
    assert definition["stopTimeout"] == 90 and "portMappings" not in definition


def test_service_runs_on_fargate_in_private_subnets_with_rolling_updates_and_no_load_balancer():
    rec = build(min_healthy_percent=100, max_percent=200, spot=True)
    service, sg = one(rec, SERVICE), named(rec, SG, "jobs-sg")
    assert service.inputs["cluster"] == CLUSTER_ARN, service.urn
    assert service.inputs["taskDefinition"] == one(rec, TASK).outputs["arn"], service.urn
    assert "loadBalancers" not in service.inputs and "healthCheckGracePeriodSeconds" not in service.inputs
    assert (service.inputs["deploymentMinimumHealthyPercent"], service.inputs["deploymentMaximumPercent"]) == \
        (100, 200), service.urn
    assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}, service.urn
    assert service.inputs["capacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}], service.urn
    assert service.inputs["networkConfiguration"] == {"subnets": list(SUBNETS), "securityGroups": [sg.id],
                                                      "assignPublicIp": False}, service.urn
    assert service.inputs["platformVersion"] == "LATEST", service.urn


# ---- scaling wiring --------------------------------------------------------------------------------------------


def test_scalable_target_names_the_service_and_its_bounds():
    rec = build(min_count=2, max_count=8)
    target, service = one(rec, SCALING_TARGET), one(rec, SERVICE)
    assert target.inputs["resourceId"] == f"service/{CLUSTER_NAME}/{service.outputs['name']}", target.urn
    assert refs(rec, target, "resourceId") == [service], target.urn
    assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (2, 8), target.urn
    assert service.inputs["desiredCount"] == 2, service.urn


def test_every_scaling_policy_scales_the_services_target():
    rec = build(backlog_per_task=20)
    target = one(rec, SCALING_TARGET)
    for p in of_type(rec, SCALING_POLICY):
        assert refs(rec, p, "resourceId") == [target], p.urn
        assert (p.inputs["resourceId"], p.inputs["scalableDimension"], p.inputs["serviceNamespace"]) == \
            (target.inputs["resourceId"], "ecs:service:DesiredCount", "ecs"), p.urn


def test_backlog_alarm_drives_the_scale_out_policy():
    rec = build()
    high, scale_out = alarm(rec, "backlog"), policy(rec, "scale-out")
    assert high.inputs["alarmActions"] == [scale_out.outputs["arn"]], high.urn
    assert refs(rec, high, "alarmActions") == [scale_out], high.urn
    assert (high.inputs["namespace"], high.inputs["metricName"], high.inputs["dimensions"]) == \
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue(rec).outputs["name"]}), high.urn
    assert (high.inputs["statistic"], high.inputs["period"], high.inputs["evaluationPeriods"]) == \
        ("Maximum", 60, 1), high.urn
    assert (high.inputs["comparisonOperator"], high.inputs["threshold"], high.inputs["treatMissingData"]) == \
        ("GreaterThanOrEqualToThreshold", 1, "notBreaching"), high.urn


def test_scale_out_steps_meet_without_gap_or_overlap():
    scale_out = policy(build(), "scale-out")
    config = scale_out.inputs["stepScalingPolicyConfiguration"]
    assert (scale_out.inputs["policyType"], config["adjustmentType"], config["cooldown"],
            config["metricAggregationType"]) == ("StepScaling", "ChangeInCapacity", 60, "Maximum"), scale_out.urn
    # threshold 1: [1, 100) +1, [100, 500) +2, [500, inf) +5
    assert config["stepAdjustments"] == [
        {"scalingAdjustment": 1, "metricIntervalLowerBound": "0", "metricIntervalUpperBound": "99"},
        {"scalingAdjustment": 2, "metricIntervalLowerBound": "99", "metricIntervalUpperBound": "499"},
        {"scalingAdjustment": 5, "metricIntervalLowerBound": "499"},
    ], scale_out.urn


def test_custom_steps_are_relative_to_their_first_threshold():
    rec = build(scale_out_steps=(ScaleOutStep(10, 2), ScaleOutStep(50, 4)))
    assert alarm(rec, "backlog").inputs["threshold"] == 10
    assert policy(rec, "scale-out").inputs["stepScalingPolicyConfiguration"]["stepAdjustments"] == [
        {"scalingAdjustment": 2, "metricIntervalLowerBound": "0", "metricIntervalUpperBound": "40"},
        {"scalingAdjustment": 4, "metricIntervalLowerBound": "40"},
    ]


def test_idle_alarm_drives_the_scale_in_policy_after_the_visibility_timeout():
    rec = build(visibility_timeout=600)
    low, scale_in = alarm(rec, "idle"), policy(rec, "scale-in")
    assert low.inputs["alarmActions"] == [scale_in.outputs["arn"]], low.urn
    assert (low.inputs["comparisonOperator"], low.inputs["threshold"], low.inputs["evaluationPeriods"],
            low.inputs["datapointsToAlarm"], low.inputs["treatMissingData"]) == \
        ("LessThanOrEqualToThreshold", 0, 5, 5, "breaching"), low.urn
    assert low.inputs["metricName"] == "ApproximateNumberOfMessagesVisible", low.urn
    config = scale_in.inputs["stepScalingPolicyConfiguration"]
    assert config["stepAdjustments"] == [{"scalingAdjustment": -1, "metricIntervalUpperBound": "0"}], scale_in.urn
    assert config["cooldown"] == 600, scale_in.urn


def test_scale_in_cooldown_is_never_under_a_minute():
    rec = build(visibility_timeout=30, stop_timeout=30)
    assert policy(rec, "scale-in").inputs["stepScalingPolicyConfiguration"]["cooldown"] == 60


def test_target_tracking_on_backlog_per_task_where_asked():
    rec = build(backlog_per_task=20, visibility_timeout=400)
    tracking = policy(rec, "backlog-per-task")
    config = tracking.inputs["targetTrackingScalingPolicyConfiguration"]
    assert tracking.inputs["policyType"] == "TargetTrackingScaling", tracking.urn
    assert (config["targetValue"], config["scaleInCooldown"], config["scaleOutCooldown"]) == (20, 400, 60)
    service = one(rec, SERVICE)
    assert config["customizedMetricSpecification"]["metrics"] == [
        {"id": "visible", "label": "Visible messages", "returnData": False, "metricStat": {"stat": "Sum", "metric": {
            "namespace": "AWS/SQS", "metricName": "ApproximateNumberOfMessagesVisible",
            "dimensions": [{"name": "QueueName", "value": queue(rec).outputs["name"]}]}}},
        {"id": "tasks", "label": "Running tasks", "returnData": False, "metricStat": {"stat": "Average", "metric": {
            "namespace": "ECS/ContainerInsights", "metricName": "RunningTaskCount",
            "dimensions": [{"name": "ClusterName", "value": CLUSTER_NAME},
                           {"name": "ServiceName", "value": service.outputs["name"]}]}}},
        {"id": "backlog", "label": "Backlog per task", "expression": "visible / tasks", "returnData": True},
    ], tracking.urn


def test_without_a_backlog_target_only_the_steps_scale():
    rec = build()
    assert sorted(p.name for p in of_type(rec, SCALING_POLICY)) == ["jobs-scale-in", "jobs-scale-out"]
    assert len(of_type(rec, ALARM)) == 2


def test_scale_to_zero_starts_with_no_task_and_scales_out_from_zero_by_steps():
    rec = build(min_count=0, max_count=3, backlog_per_task=10)
    assert one(rec, SERVICE).inputs["desiredCount"] == 0
    assert one(rec, SCALING_TARGET).inputs["minCapacity"] == 0
    # From zero tasks the quotient has no value; the backlog alarm's first step adds one task.
    first = policy(rec, "scale-out").inputs["stepScalingPolicyConfiguration"]["stepAdjustments"][0]
    assert first["scalingAdjustment"] >= 1 and first["metricIntervalLowerBound"] == "0"


# ---- validation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"min_count": 3, "max_count": 2}, "QueueWorker jobs: needs 0 <= min_count <= max_count and max_count >= 1 "
                                       "(got 3, 2)"),
    ({"min_count": 0, "max_count": 0}, "QueueWorker jobs: needs 0 <= min_count <= max_count and max_count >= 1 "
                                       "(got 0, 0)"),
    ({"visibility_timeout": 43201}, "QueueWorker jobs: visibility_timeout must be 0..43200 seconds (got 43201)"),
    ({"visibility_timeout": 119}, "QueueWorker jobs: visibility_timeout (119) must be at least the task's stop "
                                  "timeout (120): a message a stopping task is finishing must not reach another task"),
    ({"visibility_timeout": 29, "stop_timeout": None},
     "QueueWorker jobs: visibility_timeout (29) must be at least the task's stop timeout (30): a message a stopping "
     "task is finishing must not reach another task"),
    ({"stop_timeout": 121}, "QueueWorker jobs: stop_timeout must be 2..120 seconds on Fargate (got 121)"),
    ({"max_receive_count": 0}, "QueueWorker jobs: max_receive_count must be 1..1000 (got 0)"),
    ({"scale_out_steps": ()}, "QueueWorker jobs: scale_out_steps must have at least one step"),
    ({"scale_out_steps": (ScaleOutStep(5, 1), ScaleOutStep(5, 2))},
     "QueueWorker jobs: scale_out_steps must have strictly ascending message thresholds"),
    ({"backlog_per_task": 0}, "QueueWorker jobs: backlog_per_task must be at least 1 (got 0)"),
    ({"min_count": 1, "max_count": 3, "min_healthy_percent": 50, "max_percent": 100},
     "QueueWorker jobs: with 1 task(s), minimum healthy 50% and maximum 100% ECS can replace no task (it rounds the "
     "minimum up and the maximum down)"),
])
def test_invalid_arguments_are_refused_before_anything_is_registered(changes: dict[str, Any], message: str):
    values = dict(changes)
    task = TaskSpec(image=IMAGE, stop_timeout=values.pop("stop_timeout", 120))
    exc, registered = record_failure(lambda: QueueWorker("jobs", QueueWorkerArgs(task=task, **placement(**values))))
    assert isinstance(exc, ValueError) and str(exc) == message, repr(exc)
    assert registered == []


def test_rollout_at_zero_tasks_is_not_a_deadlock():
    assert one(build(min_count=0, max_count=2, min_healthy_percent=50, max_percent=200), SERVICE)


@pytest.mark.parametrize(("steps", "problem"), [
    ((), "must have at least one step"),
    ((ScaleOutStep(0, 1),), "must start at 1 message or more"),
    ((ScaleOutStep(1, 1), ScaleOutStep(1, 2)), "must have strictly ascending message thresholds"),
    ((ScaleOutStep(1, 0),), "must add at least one task per step"),
    (DEFAULT_SCALE_OUT, None),
])
def test_step_checks(steps: tuple[ScaleOutStep, ...], problem: str | None):
    assert check_steps(steps) == problem
