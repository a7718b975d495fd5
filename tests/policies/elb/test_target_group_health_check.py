from guardrails.elb.target_group_health_check import POLICY

from tests.policies.harness import UNKNOWN, check_resource

TG = "aws:lb/targetGroup:TargetGroup"


def test_default_and_enabled_health_checks_pass():
    assert check_resource(POLICY, TG, {"port": 80, "protocol": "HTTP"}).violations == []
    props = {"targetType": "ip", "healthCheck": {"enabled": True, "path": "/health", "matcher": "200"}}
    assert check_resource(POLICY, TG, props).violations == []


def test_disabled_health_checks_fail():
    assert check_resource(POLICY, TG, {"targetType": "ip", "healthCheck": {"enabled": False}}).messages == [
        "health checks of this ip target group are disabled (healthCheck.enabled is false); remove the setting or "
        "set it to true, with a path the targets answer."
    ]
    assert check_resource(POLICY, TG, {"healthCheck": {"enabled": False}}).messages[0].startswith(
        "health checks of this instance target group")


def test_lambda_target_groups_not_applicable():
    assert check_resource(POLICY, TG, {"targetType": "lambda", "healthCheck": {"enabled": False}}).not_applicable
    assert check_resource(POLICY, "aws:lb/listener:Listener", {}).violations == []


def test_unknown_flag_cannot_be_evaluated():
    assert check_resource(POLICY, TG, {"healthCheck": {"enabled": UNKNOWN}}).unknown


def test_everything_left_out_is_an_instance_target_group_with_health_checks():
    assert check_resource(POLICY, TG, {}).violations == []
    assert not check_resource(POLICY, TG, {}).not_applicable
    assert check_resource(POLICY, TG, {"healthCheck": {"path": "/health"}}).violations == []


def test_disabled_in_every_form_and_target_type():
    assert check_resource(POLICY, TG, {"targetType": "alb", "healthCheck": {"enabled": "false"}}).messages == [
        "health checks of this alb target group are disabled (healthCheck.enabled is false); remove the setting or "
        "set it to true, with a path the targets answer."
    ]
    assert check_resource(POLICY, TG, {"healthCheck": {"enabled": "true"}}).violations == []
    assert check_resource(POLICY, "aws:alb/targetGroup:TargetGroup", {"healthCheck": {"enabled": False}}).violations
