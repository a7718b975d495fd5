"""How a queue worker scales: step adjustments from the queue's visible messages, and the metric math of backlog per
task. Pure functions; ``QueueWorker`` turns them into alarms and policies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_aws.appautoscaling import PolicyStepScalingPolicyConfigurationStepAdjustmentArgs as _Step
from pulumi_aws.appautoscaling import (
    PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs as _Custom,
)
from pulumi_aws.appautoscaling import (
    PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgs as _Query,
)
from pulumi_aws.appautoscaling import (
    PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatArgs as _Stat,
)
from pulumi_aws.appautoscaling import (
    PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricArgs as _Metric,
)
from pulumi_aws.appautoscaling import (
    PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgs as _Dimension,  # noqa: E501
)


@dataclass(frozen=True)
class ScaleOutStep:
    """From ``messages`` visible messages on, add ``change`` tasks."""

    messages: int
    """Lower edge of the step (visible messages, inclusive)."""
    change: int
    """Tasks to add."""


#: One more task as soon as a message waits, two from 100, five from 500.
DEFAULT_SCALE_OUT = (ScaleOutStep(1, 1), ScaleOutStep(100, 2), ScaleOutStep(500, 5))
#: Minutes the queue must show no visible message before a task is removed.
IDLE_MINUTES = 5
#: Seconds between scale-out activities: a new task is counted as capacity within a minute or so.
SCALE_OUT_COOLDOWN = 60



def check_steps(steps: Sequence[ScaleOutStep]) -> str | None:
    """What is wrong with the steps (None when nothing is): at least one, thresholds ascending from 1, positive
    changes."""
    if not steps:
        return "must have at least one step"
    if steps[0].messages < 1:
        return "must start at 1 message or more"
    if any(b.messages <= a.messages for a, b in zip(steps, steps[1:], strict=False)):
        return "must have strictly ascending message thresholds"
    if any(s.change < 1 for s in steps):
        return "must add at least one task per step"
    return None


def scale_out_adjustments(steps: Sequence[ScaleOutStep]) -> list[_Step]:
    """Step adjustments relative to the alarm's threshold (the first step's messages): each step runs from its own
    threshold up to the next one's (above a threshold AWS counts the lower bound in and the upper bound out), and
    the last one has no upper bound, so the intervals meet without gap or overlap."""
    threshold = steps[0].messages
    return [_Step(scaling_adjustment=step.change, metric_interval_lower_bound=str(step.messages - threshold),
                  metric_interval_upper_bound=str(following.messages - threshold) if following else None)
            for step, following in zip(steps, [*steps[1:], None], strict=True)]


def scale_in_adjustments() -> list[_Step]:
    """One task fewer whenever the idle alarm (no visible message, threshold 0) is breached: the interval reaches
    from minus infinity up to the threshold (below a threshold AWS counts the upper bound in)."""
    return [_Step(scaling_adjustment=-1, metric_interval_upper_bound="0")]


def backlog_per_task(queue_name: pulumi.Input[str], cluster_name: pulumi.Input[str],
                     service_name: pulumi.Input[str]) -> _Custom:
    """Visible messages divided by running tasks (Container Insights' RunningTaskCount). With no task running the
    division has no value, so target tracking holds still there; the step policy starts the first task."""
    return _Custom(metrics=[
        _Query(id="visible", label="Visible messages", return_data=False, metric_stat=_Stat(stat="Sum", metric=_Metric(
            namespace="AWS/SQS", metric_name="ApproximateNumberOfMessagesVisible",
            dimensions=[_Dimension(name="QueueName", value=queue_name)]))),
        _Query(id="tasks", label="Running tasks", return_data=False, metric_stat=_Stat(stat="Average", metric=_Metric(
            namespace="ECS/ContainerInsights", metric_name="RunningTaskCount",
            dimensions=[_Dimension(name="ClusterName", value=cluster_name),
                        _Dimension(name="ServiceName", value=service_name)]))),
        _Query(id="backlog", label="Backlog per task", expression="visible / tasks", return_data=True),
    ])
