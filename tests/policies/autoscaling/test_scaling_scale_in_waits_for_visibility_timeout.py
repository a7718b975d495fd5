from guardrails.autoscaling.scaling_scale_in_waits_for_visibility_timeout import POLICY

from tests.policies.autoscaling._worker import IDLE, QUEUE, SCALE_IN, SCALE_OUT, TRACKING, without_deps, worker
from tests.policies.harness import Res, check_stack
from tests.policies.recorded import edit


def test_the_workers_cooldowns_cover_the_visibility_timeout():
    assert check_stack(POLICY, worker()).violations == []


def test_a_step_scale_in_cooldown_under_the_visibility_timeout_fails():
    fixture = edit(worker(), SCALE_IN, lambda p: p["stepScalingPolicyConfiguration"].update(cooldown=599))
    assert check_stack(POLICY, fixture).messages == [
        f"scaling policy '{SCALE_IN}' removes tasks on queue '{QUEUE}' with a scale-in cooldown of 599s, shorter than "
        "the queue's visibility timeout (600s): messages a stopped task held are still invisible, so the next "
        "scale-in acts on a backlog that reads low. Make the cooldown at least the visibility timeout."]


def test_the_default_cooldown_is_300_seconds():
    fixture = edit(worker(), SCALE_IN, lambda p: p["stepScalingPolicyConfiguration"].pop("cooldown"))
    assert "cooldown of 300s" in check_stack(POLICY, fixture).messages[0]


def test_a_target_tracking_scale_in_cooldown_under_the_visibility_timeout_fails():
    fixture = edit(worker(), TRACKING, lambda p: p["targetTrackingScalingPolicyConfiguration"].update(
        scaleInCooldown=60))
    assert [m.split("'")[1] for m in check_stack(POLICY, fixture).messages] == [TRACKING]


def test_target_tracking_that_never_scales_in_is_fine():
    def no_scale_in(p):
        p["targetTrackingScalingPolicyConfiguration"].update(scaleInCooldown=0, disableScaleIn=True)
    assert check_stack(POLICY, edit(worker(), TRACKING, no_scale_in)).violations == []


def test_scale_out_policies_are_not_held_to_it():
    fixture = edit(worker(), SCALE_OUT, lambda p: p["stepScalingPolicyConfiguration"].update(cooldown=1))
    assert check_stack(POLICY, fixture).violations == []


def test_a_longer_visibility_timeout_needs_a_longer_cooldown():
    fixture = edit(worker(), QUEUE, lambda p: p.update(visibilityTimeoutSeconds=900))
    assert len(check_stack(POLICY, fixture).violations) == 2  # the step scale-in and target tracking


def test_the_queue_is_found_by_name_when_the_alarm_names_it_literally():
    name = next(r for r in worker() if r.name == QUEUE).props["name"]
    fixture = edit(worker(), SCALE_IN, lambda p: p["stepScalingPolicyConfiguration"].update(cooldown=30))
    fixture = without_deps(edit(fixture, IDLE, lambda p: p.update(dimensions={"QueueName": name})), IDLE, "dimensions")
    assert len(check_stack(POLICY, fixture).violations) == 1


def test_the_sqs_default_visibility_timeout_is_30_seconds():
    fixture = edit(worker(), QUEUE, lambda p: p.pop("visibilityTimeoutSeconds"))
    fixture = edit(fixture, SCALE_IN, lambda p: p["stepScalingPolicyConfiguration"].update(cooldown=29))
    assert "visibility timeout (30s)" in check_stack(POLICY, fixture).messages[0]


def test_nothing_scaled_on_a_queue_is_not_applicable():
    assert check_stack(POLICY, [Res("aws:s3/bucket:Bucket", "b", {})]).not_applicable
