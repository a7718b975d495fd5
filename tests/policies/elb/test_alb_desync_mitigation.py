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
