from guardrails.elb.alb_desync_mitigation import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LB = "aws:lb/loadBalancer:LoadBalancer"


def test_defensive_strictest_and_default_pass():
    assert check_resource(POLICY, LB, {"desyncMitigationMode": "defensive"}).violations == []
    assert check_resource(POLICY, LB, {"desyncMitigationMode": "strictest"}).violations == []
    assert check_resource(POLICY, LB, {"loadBalancerType": "application"}).violations == []  # AWS default: defensive


def test_monitor_fails():
    assert check_resource(POLICY, LB, {"desyncMitigationMode": "monitor"}).messages == [
        "the application load balancer's desyncMitigationMode is 'monitor'; use 'defensive' (the default) or "
        "'strictest'."
    ]


def test_network_load_balancer_not_applicable():
    assert check_resource(POLICY, LB, {"loadBalancerType": "network"}).not_applicable
    target_group = "aws:lb/targetGroup:TargetGroup"
    assert check_resource(POLICY, target_group, {"desyncMitigationMode": "monitor"}).violations == []


def test_unknown_mode_cannot_be_evaluated():
    assert check_resource(POLICY, LB, {"desyncMitigationMode": UNKNOWN}).unknown


def test_everything_left_out_is_an_application_load_balancer_in_defensive_mode():
    assert check_resource(POLICY, LB, {}).violations == []
    assert not check_resource(POLICY, LB, {}).not_applicable


def test_mode_is_compared_without_case_or_spaces_and_anything_else_fails():
    assert check_resource(POLICY, LB, {"desyncMitigationMode": " Strictest "}).violations == []
    assert check_resource(POLICY, LB, {"desyncMitigationMode": "MONITOR"}).violations
    assert check_resource(POLICY, LB, {"desyncMitigationMode": ""}).violations


def test_gateway_load_balancer_not_applicable():
    assert check_resource(POLICY, LB, {"loadBalancerType": "gateway", "desyncMitigationMode": "monitor"}).not_applicable
