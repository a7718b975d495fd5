import pytest
from guardrails.elb.lb_listener_secure_protocol import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
REDIRECT = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
FORWARD = {"type": "forward", "targetGroupArn": UNKNOWN}


def lb(kind="application", name="lb"):
    return Res(LB, name, {"loadBalancerType": kind, "subnets": [UNKNOWN, UNKNOWN]})


def listener(name, protocol, actions=(FORWARD,), balancer="lb", port=443):
    props = {"loadBalancerArn": UNKNOWN, "port": port, "defaultActions": list(actions)}
    if protocol is not None:
        props["protocol"] = protocol
    return Res(LISTENER, name, props, {"loadBalancerArn": [balancer]})


def test_https_and_redirecting_http_pass():
    stack = [lb(), listener("https", "HTTPS"), listener("http", "HTTP", [REDIRECT], port=80)]
    assert check_stack(POLICY, stack).violations == []


def test_plain_http_listener_fails():
    result = check_stack(POLICY, [lb(), listener("http", "HTTP", port=80)])
    assert result.violations == [(
        "listener 'http' (port 80) of an application load balancer uses protocol HTTP and does not only redirect to "
        "HTTPS, so traffic crosses the network unencrypted; use HTTPS with an ACM certificate.",
        urn(LISTENER, "http"),
    )]


def test_unset_protocol_on_an_alb_is_http():
    assert "uses protocol HTTP and" in check_stack(POLICY, [lb(), listener("l", None)]).messages[0]


def test_redirecting_listener_with_a_forwarding_rule_fails():
    rule = Res(RULE, "api", {"listenerArn": UNKNOWN, "actions": [FORWARD]}, {"listenerArn": ["http"]})
    assert check_stack(POLICY, [lb(), listener("http", "HTTP", [REDIRECT], port=80), rule]).violations


def test_redirecting_rules_keep_the_exception():
    rule = Res(RULE, "old", {"listenerArn": UNKNOWN, "actions": [REDIRECT]}, {"listenerArn": ["http"]})
    assert check_stack(POLICY, [lb(), listener("http", "HTTP", [REDIRECT], port=80), rule]).violations == []


def test_redirect_to_http_is_not_an_exception():
    to_http = {"type": "redirect", "redirect": {"protocol": "HTTP", "host": "example.com"}}
    assert check_stack(POLICY, [lb(), listener("http", "HTTP", [to_http], port=80)]).violations


@pytest.mark.parametrize("protocol", ["TCP", "UDP", "TCP_UDP"])
def test_plain_network_listeners_fail(protocol):
    result = check_stack(POLICY, [lb("network"), listener("nlb", protocol)])
    assert result.messages == [f"listener 'nlb' (port 443) of a network load balancer uses protocol {protocol}, so "
                               "traffic crosses the network unencrypted; use TLS with an ACM certificate."]


def test_tls_network_listener_passes():
    assert check_stack(POLICY, [lb("network"), listener("nlb", "TLS")]).violations == []


def test_https_on_a_network_load_balancer_is_not_tls():
    assert check_stack(POLICY, [lb("network"), listener("nlb", "HTTP")]).violations


def test_gateway_load_balancers_not_applicable():
    assert check_stack(POLICY, [lb("gateway"), listener("gw", None)]).violations == []


def test_balancer_outside_the_stack_is_told_by_its_arn():
    outside = Res(LISTENER, "x", {"protocol": "TCP", "port": 80, "defaultActions": [FORWARD],
                                  "loadBalancerArn": "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/n/1"})
    assert "of a network load balancer" in check_stack(POLICY, [outside]).messages[0]
    outside.props["loadBalancerArn"] = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/gwy/g/1"
    assert check_stack(POLICY, [outside]).violations == []


def test_balancer_that_cannot_be_told_is_judged_by_protocol():
    unknown = Res(LISTENER, "x", {"protocol": "HTTP", "port": 80, "defaultActions": [FORWARD],
                                  "loadBalancerArn": UNKNOWN})
    assert "of an application load balancer" in check_stack(POLICY, [unknown]).messages[0]
    unknown.props["protocol"] = "HTTPS"
    assert check_stack(POLICY, [unknown]).violations == []
