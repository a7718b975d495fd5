"""Scaling sanity for queue consumers: a policy that removes tasks because of an SQS queue's metrics waits at least the
queue's visibility timeout between scale-ins.

A message a stopped task held stays invisible until its visibility timeout ends; until then
``ApproximateNumberOfMessagesVisible`` reads low, and a second scale-in inside that window acts on a backlog that is
larger than it looks, stopping tasks that are needed (and, with them, more messages in flight). So the scale-in
cooldown must be at least the visibility timeout.

A stack policy over every ``aws:appautoscaling/policy:Policy`` that scales in on an SQS queue's metric: a step
policy with a negative adjustment invoked by an alarm on an ``AWS/SQS`` metric (directly or in its metric queries),
or a target-tracking policy whose customized metric (or one of its metric queries) is an ``AWS/SQS`` metric and
whose scale-in is not disabled. The queue is the one the ``QueueName`` dimension was computed from, else the queue
with that known name. Defaults where unset: a cooldown of 300 seconds (Application Auto Scaling), a visibility
timeout of 30 seconds (SQS).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import known
from guardrails.autoscaling._scaling import STEP, Scaling, alarms_of, cooldown, policy_type, queue_of, steps
from guardrails.base import as_int, as_list, stack_policy

SQS = "AWS/SQS"
DEFAULT_VISIBILITY_TIMEOUT = 30


def _alarm_metrics(alarm: PolicyResource) -> Iterator[tuple[str, Any]]:
    """(prop, dimensions) of each AWS/SQS metric an alarm watches."""
    if alarm.props.get("namespace") == SQS:
        yield "dimensions", alarm.props.get("dimensions")
    for query in as_list(alarm.props.get("metricQueries")):
        metric = query.get("metric") if isinstance(query, Mapping) else None
        if isinstance(metric, Mapping) and metric.get("namespace") == SQS:
            yield "metricQueries", metric.get("dimensions")


def _tracked_metrics(config: Mapping[str, Any]) -> Iterator[Any]:
    """The dimensions of each AWS/SQS metric a target-tracking policy's customized metric uses."""
    spec = config.get("customizedMetricSpecification")
    if not isinstance(spec, Mapping):
        return
    if spec.get("namespace") == SQS:
        yield spec.get("dimensions")
    for query in as_list(spec.get("metrics")):
        stat = query.get("metricStat") if isinstance(query, Mapping) else None
        metric = stat.get("metric") if isinstance(stat, Mapping) else None
        if isinstance(metric, Mapping) and metric.get("namespace") == SQS:
            yield metric.get("dimensions")


def _visibility(queue: PolicyResource) -> int:
    value = as_int(known(queue.props, "visibilityTimeoutSeconds"))
    return DEFAULT_VISIBILITY_TIMEOUT if value is None else value


def _queues(policy: PolicyResource, scaling: Scaling) -> list[PolicyResource]:
    """The queues whose metrics make ``policy`` scale in."""
    found: dict[str, PolicyResource] = {}
    if policy_type(policy) == STEP:
        if not any(isinstance(s.adjustment, (int, float)) and s.adjustment < 0 for s in steps(policy) or []):
            return []
        for alarm in alarms_of(policy, scaling.alarms):
            for prop, dimensions in _alarm_metrics(alarm):
                queue = queue_of(dimensions, alarm, prop, scaling.queues)
                if queue is not None:
                    found[queue.urn] = queue
        return list(found.values())
    config = policy.props.get("targetTrackingScalingPolicyConfiguration")
    if not isinstance(config, Mapping) or config.get("disableScaleIn") is True:
        return []
    for dimensions in _tracked_metrics(config):
        queue = queue_of(dimensions, policy, "targetTrackingScalingPolicyConfiguration", scaling.queues)
        if queue is not None:
            found[queue.urn] = queue
    return list(found.values())


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    scaling = Scaling(args.resources)
    if not scaling.policies or not scaling.queues:
        args.not_applicable("the stack scales nothing on an SQS queue")
    for policy in scaling.policies:
        for queue in _queues(policy, scaling):
            wait, visibility = cooldown(policy), _visibility(queue)
            if wait < visibility:
                report(f"scaling policy '{policy.name}' removes tasks on queue '{queue.name}' with a scale-in cooldown "
                       f"of {wait}s, shorter than the queue's visibility timeout ({visibility}s): messages a stopped "
                       "task held are still invisible, so the next scale-in acts on a backlog that reads low. Make "
                       "the cooldown at least the visibility timeout.", policy.urn)


POLICY = stack_policy(
    name="scaling-scale-in-waits-for-visibility-timeout",
    description=(
        "A scaling policy that removes tasks on an SQS queue's metric has a scale-in cooldown of at least the "
        "queue's visibility timeout."
    ),
    service="autoscaling",
    severity=Severity.MEDIUM,
    remediation=(
        "Set step_scaling_policy_configuration.cooldown (scale-in step policies) or "
        "target_tracking_scaling_policy_configuration.scale_in_cooldown on aws.appautoscaling.Policy to at least the "
        "visibility_timeout_seconds of the aws.sqs.Queue it scales on."
    ),
    validate=check,
)
