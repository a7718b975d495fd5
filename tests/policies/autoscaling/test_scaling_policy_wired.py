from guardrails.autoscaling.scaling_policy_wired import POLICY

from tests.policies.autoscaling._worker import BACKLOG, IDLE, SCALE_IN, SCALE_OUT, SERVICE, TARGET, without_deps, worker
from tests.policies.harness import Res, check_stack
from tests.policies.recorded import edit


def test_the_workers_alarms_policies_and_target_are_wired():
    assert check_stack(POLICY, worker()).violations == []


def test_a_step_policy_no_alarm_invokes_never_runs():
    fixture = [r for r in worker() if r.name != IDLE]
    assert check_stack(POLICY, fixture).messages == [
        f"step scaling policy '{SCALE_IN}' is in no alarm's alarmActions, so it never runs; add its ARN to the "
        "alarm_actions of the aws.cloudwatch.MetricAlarm that should drive it."]


def test_an_alarm_wired_by_literal_arn_counts():
    arn = next(r for r in worker() if r.name == SCALE_IN).props["arn"]
    fixture = without_deps(edit(worker(), IDLE, lambda p: p.update(alarmActions=[arn])), IDLE, "alarmActions")
    assert check_stack(POLICY, fixture).violations == []


def test_an_alarm_pointing_at_another_policy_leaves_its_own_unreached():
    other = ("arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:x:resource/ecs/service/platform/other:"
             "policyName/y")
    fixture = without_deps(edit(worker(), IDLE, lambda p: p.update(alarmActions=[other])), IDLE, "alarmActions")
    assert [m.split("'")[1] for m in check_stack(POLICY, fixture).messages] == [SCALE_IN]


def test_a_policy_without_a_registered_target_is_refused():
    fixture = [r for r in worker() if r.name != TARGET]
    fixture = [Res(r.type, r.name, r.props, {k: [n for n in v if n != TARGET] for k, v in r.deps.items()})
               for r in fixture]
    result = check_stack(POLICY, fixture)
    assert len(result.violations) == 3
    assert all("that no scalable target of the stack registers; AWS refuses a policy without a registered target"
               in m for m in result.messages)


def test_a_policy_whose_dimension_differs_from_its_targets_is_refused():
    fixture = edit(worker(), SCALE_OUT, lambda p: p.update(scalableDimension="ecs:service:Other"))
    assert check_stack(POLICY, fixture).messages == [
        f"scaling policy '{SCALE_OUT}' has scalableDimension 'ecs:service:Other' but its scalable target '{TARGET}' "
        "has 'ecs:service:DesiredCount'; AWS refuses the policy. Take both from the target."]


def test_scale_out_steps_below_a_rising_alarms_threshold_never_apply():
    def below(props):
        props["stepScalingPolicyConfiguration"]["stepAdjustments"].insert(
            0, {"scalingAdjustment": 1, "metricIntervalLowerBound": "-5", "metricIntervalUpperBound": "0"})
    result = check_stack(POLICY, edit(worker(), SCALE_OUT, below))
    assert result.messages == [
        f"step [-5, 0) +1 of scaling policy '{SCALE_OUT}' lies below the threshold of alarm '{BACKLOG}', which fires "
        "above it (GreaterThanOrEqualToThreshold); the step never applies. Give it a lower bound of 0 or more."]


def test_a_scale_in_step_above_a_falling_alarms_threshold_never_applies():
    fixture = edit(worker(), SCALE_IN, lambda p: p["stepScalingPolicyConfiguration"]["stepAdjustments"][0].update(
        metricIntervalUpperBound="10"))
    assert "lies above the threshold of alarm 'jobs-idle'" in check_stack(POLICY, fixture).messages[0]


def test_an_alarm_on_another_services_metric_targets_the_wrong_service():
    other = Res("aws:ecs/service:Service", "api", {"name": "api-1a2b3c4", "cluster": "c"})
    cpu = Res("aws:cloudwatch/metricAlarm:MetricAlarm", "api-cpu-high", {
        "namespace": "AWS/ECS", "metricName": "CPUUtilization", "comparisonOperator": "GreaterThanThreshold",
        "threshold": 80, "dimensions": {"ClusterName": "platform", "ServiceName": "api-1a2b3c4"},
        "alarmActions": ["x"]}, {"alarmActions": [SCALE_OUT], "dimensions": ["api"]})
    result = check_stack(POLICY, [*worker(), other, cpu])
    assert result.messages == [
        f"alarm 'api-cpu-high' watches ECS service 'api' but drives scaling policy '{SCALE_OUT}', which scales another "
        "service; point the alarm's ServiceName at the service the policy scales."]


def test_an_alarm_on_the_same_services_metric_is_fine():
    cpu = Res("aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-cpu-high", {
        "namespace": "AWS/ECS", "metricName": "CPUUtilization", "comparisonOperator": "GreaterThanThreshold",
        "threshold": 80, "dimensions": {"ServiceName": "x"}, "alarmActions": ["x"]},
        {"alarmActions": [SCALE_OUT], "dimensions": [SERVICE]})
    assert check_stack(POLICY, [*worker(), cpu]).violations == []


def test_no_scaling_policy_is_not_applicable():
    assert check_stack(POLICY, [Res("aws:sqs/queue:Queue", "q", {})]).not_applicable


def test_a_preview_relates_by_dependencies():
    assert check_stack(POLICY, worker(preview=True)).violations == []
