"""Deploy-time validity and scaling sanity: a step scaling policy's step adjustments follow AWS's rules and leave no
metric value without exactly one step.

Judges ``aws:appautoscaling/policy:Policy`` of type StepScaling (the provider's default). The rules of the
StepAdjustment API: the ranges of the steps can't overlap or have a gap; at most one step has no lower bound, and
if a step has a negative lower bound one must have none; at most one step has no upper bound, and if a step has a
positive upper bound one must have none; no step lacks both bounds. Each step's lower bound must be below its upper
bound. A step policy needs at least one step.
"""

from __future__ import annotations

import math

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.autoscaling._scaling import POLICY as SCALING_POLICY
from guardrails.autoscaling._scaling import STEP, Step, bound
from guardrails.base import resource_policy


def problems(found: list[Step]) -> list[str]:
    """What is wrong with the steps, in AWS's terms."""
    if not found:
        return ["has no step adjustments"]
    out = []
    for step in found:
        if step.lower == -math.inf and step.upper == math.inf:
            out.append(f"has step {step.shown()} without either bound")
        elif step.lower >= step.upper:
            out.append(f"has step {step.shown()} whose lower bound is not below its upper bound")
    open_low = [s for s in found if s.lower == -math.inf]
    open_high = [s for s in found if s.upper == math.inf]
    if len(open_low) > 1:
        out.append("has more than one step without a lower bound")
    if len(open_high) > 1:
        out.append("has more than one step without an upper bound")
    if any(-math.inf < s.lower < 0 for s in found) and not open_low:
        out.append("has a step with a negative lower bound but none without a lower bound (values below it get no "
                   "step)")
    if any(0 < s.upper < math.inf for s in found) and not open_high:
        out.append("has a step with a positive upper bound but none without an upper bound (values above it get no "
                   "step)")
    ordered = sorted(found, key=lambda s: (s.lower, s.upper))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.upper < after.lower:
            out.append(f"leaves a gap between steps {before.shown()} and {after.shown()}: metric values there get no "
                       "adjustment")
        elif before.upper > after.lower:
            out.append(f"has overlapping steps {before.shown()} and {after.shown()}")
    return out


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SCALING_POLICY:
        return
    policy_type = args.props.get("policyType") or STEP
    if policy_type != STEP:
        args.not_applicable(f"a {policy_type} policy has no step adjustments")
    config = args.props.get("stepScalingPolicyConfiguration")
    raw = config.get("stepAdjustments") if config is not None else None
    found: list[Step] = []
    for item in list(raw or []):
        lower = bound(item.get("metricIntervalLowerBound"), -math.inf)
        upper = bound(item.get("metricIntervalUpperBound"), math.inf)
        if lower is None or upper is None:
            report("a step adjustment has a bound that is not a number; give metric_interval_lower_bound and "
                   "metric_interval_upper_bound as numbers relative to the alarm's threshold.")
            return
        found.append(Step(lower, upper, item.get("scalingAdjustment")))
    for problem in problems(found):
        report(f"the step scaling policy {problem}; AWS requires steps that meet without gap or overlap.")


POLICY = resource_policy(
    name="scaling-step-adjustments-contiguous",
    description=(
        "A step scaling policy's step adjustments follow AWS's rules: no gap, no overlap, one open step at each "
        "open end, lower bounds below upper bounds."
    ),
    service="autoscaling",
    severity=Severity.HIGH,
    remediation=(
        "Give step_scaling_policy_configuration.step_adjustments of aws.appautoscaling.Policy ranges that meet: each "
        "metric_interval_upper_bound equal to the next step's metric_interval_lower_bound, the last step without an "
        "upper bound (scale-out) or the first without a lower bound (scale-in)."
    ),
    validate=check,
)
