import pytest
from guardrails.autoscaling.scaling_step_adjustments_contiguous import POLICY

from tests.policies.autoscaling._worker import SCALE_IN, SCALE_OUT, worker
from tests.policies.harness import check_resource

SCALING = "aws:appautoscaling/policy:Policy"
SUFFIX = "; AWS requires steps that meet without gap or overlap."


def step(adjustment, lower=None, upper=None) -> dict:
    out = {"scalingAdjustment": adjustment}
    if lower is not None:
        out["metricIntervalLowerBound"] = lower
    if upper is not None:
        out["metricIntervalUpperBound"] = upper
    return out


def policy(*steps, **props) -> dict:
    return {"policyType": "StepScaling", "resourceId": "service/platform/jobs", "serviceNamespace": "ecs",
            "scalableDimension": "ecs:service:DesiredCount",
            "stepScalingPolicyConfiguration": {"adjustmentType": "ChangeInCapacity", "stepAdjustments": list(steps)},
            **props}


@pytest.mark.parametrize("name", [SCALE_OUT, SCALE_IN])
def test_the_workers_step_policies_pass(name):
    props = next(r for r in worker() if r.name == name).props
    assert check_resource(POLICY, SCALING, props).violations == []


@pytest.mark.parametrize("steps", [
    [step(1, "0", "99"), step(2, "99", "499"), step(5, "499")],
    [step(5, 499), step(1, 0, 99), step(2, 99, 499)],
    [step(-1, upper="0")],
    [step(-2, upper="-10"), step(-1, "-10", "0")],
    [step(-1, upper="0"), step(1, "0")],
], ids=["strings", "numbers-unordered", "scale-in", "two-scale-in", "both-sides"])
def test_steps_that_meet_pass(steps):
    assert check_resource(POLICY, SCALING, policy(*steps)).violations == []


@pytest.mark.parametrize(("steps", "problem"), [
    ([step(1, "0", "99"), step(2, "100", "499"), step(5, "499")],
     "leaves a gap between steps [0, 99) +1 and [100, 499) +2: metric values there get no adjustment"),
    ([step(1, "0", "100"), step(2, "99")], "has overlapping steps [0, 100) +1 and [99, inf) +2"),
    ([step(1, "0"), step(2, "10")], "has more than one step without an upper bound"),
    ([step(1)], "has step [-inf, inf) +1 without either bound"),
    ([step(1, "10", "10"), step(2, "10")], "has step [10, 10) +1 whose lower bound is not below its upper bound"),
    ([step(1, "0", "99")], "has a step with a positive upper bound but none without an upper bound (values above "
                           "it get no step)"),
    ([step(-1, "-10", "0")], "has a step with a negative lower bound but none without a lower bound (values below "
                             "it get no step)"),
    ([], "has no step adjustments"),
], ids=["gap", "overlap", "two-open-tops", "unbounded", "empty-interval", "no-open-top", "no-open-bottom", "none"])
def test_steps_aws_refuses_or_that_leave_gaps_fail(steps, problem):
    assert f"the step scaling policy {problem}{SUFFIX}" in check_resource(POLICY, SCALING, policy(*steps)).messages


def test_a_bound_that_is_not_a_number_fails_closed():
    assert check_resource(POLICY, SCALING, policy(step(1, "zero"))).messages == [
        "a step adjustment has a bound that is not a number; give metric_interval_lower_bound and "
        "metric_interval_upper_bound as numbers relative to the alarm's threshold."]


def test_the_provider_default_type_is_step_scaling():
    props = policy(step(1, "0", "5"))
    props.pop("policyType")
    assert len(check_resource(POLICY, SCALING, props).violations) == 1


def test_target_tracking_is_not_applicable():
    props = next(r for r in worker() if r.name == "jobs-backlog-per-task").props
    assert check_resource(POLICY, SCALING, props).not_applicable
