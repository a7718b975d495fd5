"""Application Auto Scaling as a stack holds it: scalable targets, scaling policies, the CloudWatch alarms whose
actions invoke step policies, and the step adjustments. Relations follow the property dependencies, else known
values (ids, ARNs, resource ids).

Step adjustment bounds are relative to the alarm's threshold; pulumi-aws passes them as strings ("0", "99"), other
programs as numbers: both are read. A missing bound is minus infinity (lower) or infinity (upper).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource

from guardrails._graph import by_type, deps, known, referring
from guardrails.base import as_list

TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SERVICE = "aws:ecs/service:Service"
QUEUE = "aws:sqs/queue:Queue"
STEP = "StepScaling"
TARGET_TRACKING = "TargetTrackingScaling"
#: Application Auto Scaling's cooldown when a policy sets none (StepScalingPolicyConfiguration.Cooldown,
#: TargetTrackingScalingPolicyConfiguration.ScaleInCooldown for ECS services).
DEFAULT_COOLDOWN = 300
RISING = ("GreaterThanThreshold", "GreaterThanOrEqualToThreshold")
FALLING = ("LessThanThreshold", "LessThanOrEqualToThreshold")


def policy_type(policy: PolicyResource) -> str:
    """The policy's type; the provider's default is StepScaling."""
    value = policy.props.get("policyType")
    return value if isinstance(value, str) and value else STEP


def bound(value: Any, missing: float) -> float | None:
    """A step bound as a number; ``missing`` when unset; None when it is not a number."""
    if value is None or value == "":
        return missing
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Step:
    lower: float
    """-inf when unset."""
    upper: float
    """inf when unset."""
    adjustment: Any

    def shown(self) -> str:
        low = "-inf" if self.lower == -math.inf else f"{self.lower:g}"
        high = "inf" if self.upper == math.inf else f"{self.upper:g}"
        return f"[{low}, {high}) {self.adjustment:+g}" if isinstance(self.adjustment, (int, float)) else \
            f"[{low}, {high})"


def steps(policy: PolicyResource) -> list[Step] | None:
    """The step adjustments of a step policy, in the order given; None when a bound is not a number."""
    config = policy.props.get("stepScalingPolicyConfiguration")
    raw = config.get("stepAdjustments") if isinstance(config, Mapping) else None
    found = []
    for item in as_list(raw):
        if not isinstance(item, Mapping):
            return None
        lower = bound(item.get("metricIntervalLowerBound"), -math.inf)
        upper = bound(item.get("metricIntervalUpperBound"), math.inf)
        if lower is None or upper is None:
            return None
        found.append(Step(lower, upper, item.get("scalingAdjustment")))
    return found


def cooldown(policy: PolicyResource) -> int:
    """The seconds a policy waits after scaling in: the step policy's cooldown, the target-tracking policy's
    scale-in cooldown; Application Auto Scaling's default where unset."""
    key, field = (("stepScalingPolicyConfiguration", "cooldown") if policy_type(policy) == STEP
                  else ("targetTrackingScalingPolicyConfiguration", "scaleInCooldown"))
    config = policy.props.get(key)
    value = config.get(field) if isinstance(config, Mapping) else None
    return DEFAULT_COOLDOWN if value is None else int(float(value))


def alarms_of(policy: PolicyResource, alarms: list[PolicyResource]) -> list[PolicyResource]:
    """The alarms whose ``alarmActions`` invoke ``policy``."""
    return referring(policy, "alarmActions", alarms)


def target_of(policy: PolicyResource, targets: Sequence[PolicyResource]) -> PolicyResource | None:
    """The scalable target a policy scales: the one its ``resourceId`` was computed from, else the one with the same
    known resource id, dimension and namespace."""
    found = [d for d in deps(policy, "resourceId") if d.resource_type == TARGET]
    if len(found) == 1:
        return found[0]
    key = tuple(known(policy.props, k) for k in ("resourceId", "scalableDimension", "serviceNamespace"))
    if None in key:
        return None
    same = [t for t in targets
            if tuple(known(t.props, k) for k in ("resourceId", "scalableDimension", "serviceNamespace")) == key]
    return same[0] if same else None


def services_of(resource: PolicyResource, prop: str, services: Sequence[PolicyResource]) -> list[PolicyResource]:
    """The ECS services ``resource.prop`` was computed from, else the service named by its known ``service/<cluster>/
    <name>`` resource id."""
    found = [d for d in deps(resource, prop) if d.resource_type == SERVICE]
    if found:
        return found
    value = known(resource.props, prop)
    if not isinstance(value, str) or not value.startswith("service/"):
        return []
    name = value.rsplit("/", 1)[-1]
    return [s for s in services if known(s.props, "name") == name]


def queue_of(dimensions: Any, holder: PolicyResource, prop: str,
             queues: Sequence[PolicyResource]) -> PolicyResource | None:
    """The queue a metric's ``QueueName`` dimension names: the one queue ``holder.prop`` was computed from, else
    the queue with that known name. Alarms give dimensions as {name: value}, metric stats as [{name, value}]."""
    by_dependency = [d for d in deps(holder, prop) if d.resource_type == QUEUE]
    if len(by_dependency) == 1:
        return by_dependency[0]
    if isinstance(dimensions, Mapping):
        names = [v for k, v in dimensions.items() if k == "QueueName"]
    else:
        names = [d.get("value") for d in as_list(dimensions) if isinstance(d, Mapping) and d.get("name") == "QueueName"]
    return next((q for q in queues for name in names if isinstance(name, str) and known(q.props, "name") == name), None)


class Scaling:
    """The scaling resources of one stack."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        resources = list(resources)
        self.targets = by_type(resources, TARGET)
        self.policies = by_type(resources, POLICY)
        self.alarms = by_type(resources, ALARM)
        self.services = by_type(resources, SERVICE)
        self.queues = by_type(resources, QUEUE)
