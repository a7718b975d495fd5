"""Scaling sanity: every Application Auto Scaling policy of the stack can act, on what it names.

A stack policy over every ``aws:appautoscaling/policy:Policy``:

1. It scales a scalable target of the stack: its ``resourceId`` is computed from an ``aws:appautoscaling/target:
   Target`` (or has that target's known resource id, dimension and namespace), and its ``scalableDimension`` and
   ``serviceNamespace`` are the target's. AWS refuses a policy for a target that is not registered.
2. A step policy is invoked by an alarm: some ``aws:cloudwatch/metricAlarm:MetricAlarm`` lists it in
   ``alarmActions``. Target tracking makes its own alarms; a step policy nothing invokes never runs.
3. Its steps lie on the alarm's side of the threshold: an alarm that fires above its threshold (GreaterThan...) only
   ever reaches steps with a lower bound of 0 or more; one that fires below it (LessThan...), steps with an upper
   bound of 0 or less. Other steps never apply.
4. An alarm that watches an ECS service (its ``ServiceName`` dimension) drives a policy of that same service: a
   policy that scales one service on another's metric targets the wrong service.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import declared, deps, known
from guardrails.autoscaling._scaling import (
    FALLING,
    RISING,
    SERVICE,
    STEP,
    Scaling,
    alarms_of,
    policy_type,
    services_of,
    steps,
    target_of,
)
from guardrails.base import stack_policy


def _check_target(policy: PolicyResource, scaling: Scaling, report: ReportViolation) -> PolicyResource | None:
    target = target_of(policy, scaling.targets)
    if target is None:
        report(f"scaling policy '{policy.name}' scales {known(policy.props, 'resourceId') or 'a resource'} that no "
               "scalable target of the stack registers; AWS refuses a policy without a registered target. Build its "
               "resource_id, scalable_dimension and service_namespace from an aws.appautoscaling.Target.", policy.urn)
        return None
    for key in ("scalableDimension", "serviceNamespace"):
        mine, theirs = known(policy.props, key), known(target.props, key)
        if mine is not None and theirs is not None and mine != theirs:
            report(f"scaling policy '{policy.name}' has {key} '{mine}' but its scalable target '{target.name}' has "
                   f"'{theirs}'; AWS refuses the policy. Take both from the target.", policy.urn)
    return target


def _check_alarms(policy: PolicyResource, target: PolicyResource | None, scaling: Scaling,
                  report: ReportViolation) -> None:
    alarms = alarms_of(policy, scaling.alarms)
    if policy_type(policy) == STEP and not alarms:
        report(f"step scaling policy '{policy.name}' is in no alarm's alarmActions, so it never runs; add its ARN to "
               "the alarm_actions of the aws.cloudwatch.MetricAlarm that should drive it.", policy.urn)
    found = steps(policy) if policy_type(policy) == STEP else None
    for alarm in alarms:
        operator = alarm.props.get("comparisonOperator")
        for step in found or []:
            if operator in RISING and step.lower < 0:
                report(f"step {step.shown()} of scaling policy '{policy.name}' lies below the threshold of alarm "
                       f"'{alarm.name}', which fires above it ({operator}); the step never applies. Give it a lower "
                       "bound of 0 or more.", policy.urn)
            if operator in FALLING and step.upper > 0:
                report(f"step {step.shown()} of scaling policy '{policy.name}' lies above the threshold of alarm "
                       f"'{alarm.name}', which fires below it ({operator}); the step never applies. Give it an upper "
                       "bound of 0 or less.", policy.urn)
        if target is None:
            continue
        watched = {s.urn: s for s in services_of_alarm(alarm, scaling)}
        scaled = {s.urn for s in services_of(target, "resourceId", scaling.services)}
        if watched and scaled and not set(watched) & scaled:
            names = ", ".join(f"'{s.name}'" for s in watched.values())
            report(f"alarm '{alarm.name}' watches ECS service {names} but drives scaling policy '{policy.name}', "
                   f"which scales another service; point the alarm's ServiceName at the service the policy scales.",
                   alarm.urn)


def services_of_alarm(alarm: PolicyResource, scaling: Scaling) -> list[PolicyResource]:
    """The ECS services an alarm's ``ServiceName`` dimension names (by dependency, else known name)."""
    dimensions = declared(alarm, "dimensions")
    named = dimensions.get("ServiceName") if isinstance(dimensions, Mapping) else None
    if named is None:
        return []
    by_dependency = [d for d in deps(alarm, "dimensions") if d.resource_type == SERVICE]
    if by_dependency:
        return by_dependency
    return [s for s in scaling.services if isinstance(named, str) and known(s.props, "name") == named]


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    scaling = Scaling(args.resources)
    if not scaling.policies:
        args.not_applicable("the stack has no Application Auto Scaling policy")
    for policy in scaling.policies:
        target = _check_target(policy, scaling, report)
        _check_alarms(policy, target, scaling, report)

POLICY = stack_policy(
    name="scaling-policy-wired",
    description=(
        "Every Application Auto Scaling policy scales a registered scalable target of the stack; every step policy "
        "is invoked by an alarm whose side of the threshold its steps lie on; alarms on an ECS service drive that "
        "service's policies."
    ),
    service="autoscaling",
    severity=Severity.HIGH,
    remediation=(
        "Take resource_id, scalable_dimension and service_namespace of aws.appautoscaling.Policy from an "
        "aws.appautoscaling.Target; put each step policy's arn in the alarm_actions of the aws.cloudwatch.MetricAlarm "
        "that drives it; give scale-out alarms (GreaterThan...) steps with lower bounds >= 0 and scale-in alarms "
        "(LessThan...) steps with upper bounds <= 0."
    ),
    validate=check,
)
