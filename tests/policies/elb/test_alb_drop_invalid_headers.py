from guardrails.elb.alb_drop_invalid_headers import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LB = "aws:lb/loadBalancer:LoadBalancer"


def test_dropping_invalid_headers_passes():
    props = {"loadBalancerType": "application", "dropInvalidHeaderFields": True, "subnets": [UNKNOWN, UNKNOWN]}
    assert check_resource(POLICY, LB, props).violations == []


def test_unset_or_false_fails():
    assert check_resource(POLICY, LB, {}).messages == [
        "the application load balancer passes invalid HTTP header fields to its targets (dropInvalidHeaderFields is "
        "not set); set dropInvalidHeaderFields to true."
    ]
    result = check_resource(POLICY, LB, {"dropInvalidHeaderFields": False})
    assert "(dropInvalidHeaderFields is false)" in result.messages[0]


def test_network_load_balancer_and_other_types_not_applicable():
    assert check_resource(POLICY, LB, {"loadBalancerType": "network"}).not_applicable
    assert check_resource(POLICY, "aws:lb/targetGroup:TargetGroup", {}).violations == []


def test_unknown_flag_cannot_be_evaluated():
    assert check_resource(POLICY, LB, {"dropInvalidHeaderFields": UNKNOWN}).unknown


def test_flag_given_as_a_string():
    assert check_resource(POLICY, LB, {"dropInvalidHeaderFields": "true"}).violations == []
    assert check_resource(POLICY, LB, {"dropInvalidHeaderFields": "false"}).violations


def test_gateway_load_balancer_not_applicable_and_alias_judged():
    assert check_resource(POLICY, LB, {"loadBalancerType": "gateway"}).not_applicable
    assert check_resource(POLICY, "aws:alb/loadBalancer:LoadBalancer", {}).violations
