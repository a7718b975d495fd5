from guardrails.elb.alb_http_redirects_to_https import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
TG = "aws:lb/targetGroup:TargetGroup"

REDIRECT = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
FORWARD = {"type": "forward", "targetGroupArn": UNKNOWN}


def stack(http_actions: list, *extra: Res, lb_type: str = "application", http_protocol=UNKNOWN) -> list[Res]:
    """An ALB with an HTTPS listener forwarding to a target group and an HTTP listener with ``http_actions``.

    In a preview, the HTTP listener's protocol, left unset by the program, is an unknown provider output.
    """
    http = {"loadBalancerArn": UNKNOWN, "port": 80, "defaultActions": http_actions}
    if http_protocol is not None:
        http["protocol"] = http_protocol
    return [
        Res(LB, "alb", {"loadBalancerType": lb_type, "subnets": [UNKNOWN, UNKNOWN]}),
        Res(TG, "web", {"targetType": "ip", "port": 8080}),
        Res(LISTENER, "https", {"loadBalancerArn": UNKNOWN, "port": 443, "protocol": "HTTPS",
                                "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
                                "defaultActions": [FORWARD]}, {"loadBalancerArn": ["alb"], "defaultActions": ["web"]}),
        Res(LISTENER, "http", http, {"loadBalancerArn": ["alb"]}),
        *extra,
    ]


def test_http_listener_redirecting_to_https_passes():
    assert check_stack(POLICY, stack([REDIRECT])).violations == []
    assert check_stack(POLICY, stack([REDIRECT], http_protocol="HTTP")).violations == []


def test_http_listener_forwarding_fails():
    result = check_stack(POLICY, stack([FORWARD]))
    assert result.violations == [(
        "HTTP listener 'http' (port 80) of an application load balancer has default action(s) forward; it must "
        "redirect to HTTPS (a redirect action with protocol HTTPS, port 443).",
        urn(LISTENER, "http"),
    )]


def test_redirect_keeping_the_protocol_fails():
    result = check_stack(POLICY, stack([{"type": "redirect", "redirect": {"host": "www.example.com",
                                                                          "statusCode": "HTTP_301"}}]))
    assert "has default action(s) redirect to #{protocol};" in result.messages[0]


def test_listener_rule_forwarding_plain_http_fails():
    rule = Res(RULE, "api", {"listenerArn": UNKNOWN, "priority": 10, "actions": [FORWARD]},
               {"listenerArn": ["http"], "actions": ["web"]})
    assert check_stack(POLICY, stack([REDIRECT], rule)).violations == [(
        "listener rule 'api' of HTTP listener 'http' (port 80) has action(s) forward; rules of an HTTP listener may "
        "only redirect to HTTPS.",
        urn(RULE, "api"),
    )]


def test_allow_plain_http_config_accepts_forwarding_listeners():
    rule = Res(RULE, "api", {"listenerArn": UNKNOWN, "actions": [FORWARD]}, {"listenerArn": ["http"]})
    assert check_stack(POLICY, stack([FORWARD], rule), config={"allowPlainHttp": True}).violations == []
    assert check_stack(POLICY, stack([FORWARD]), config={"allowPlainHttp": False}).violations


def test_config_schema_declares_allow_plain_http():
    schema = POLICY.config_schema.properties["allowPlainHttp"]
    assert schema["type"] == "boolean" and schema["default"] is False


def test_listener_of_a_load_balancer_outside_the_stack_is_judged_by_its_arn():
    outside = Res(LISTENER, "imported", {
        "loadBalancerArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shared/50dc6c49",
        "port": 80, "defaultActions": [FORWARD]})
    assert check_stack(POLICY, [outside]).violations
    outside.props["loadBalancerArn"] = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/n/1"
    assert check_stack(POLICY, [outside]).violations == []


def test_other_load_balancer_types_and_protocols_not_applicable():
    assert check_stack(POLICY, stack([FORWARD], lb_type="network", http_protocol="TCP")).violations == []
    assert check_stack(POLICY, stack([FORWARD], lb_type="gateway", http_protocol=None)).violations == []
    https_only = [r for r in stack([FORWARD]) if r.name != "http"]
    assert check_stack(POLICY, https_only).violations == []


def test_unknown_default_actions_cannot_be_evaluated():
    assert check_stack(POLICY, stack(UNKNOWN)).unknown


# ---- arguments left out ----------------------------------------------------------------------------------------


def test_redirect_port_left_out_keeps_the_plain_http_port():
    for redirect in ({"protocol": "HTTPS"}, {"protocol": "HTTPS", "port": "#{port}"}, {"protocol": "HTTPS",
                                                                                       "port": "80"}):
        result = check_stack(POLICY, stack([{"type": "redirect", "redirect": redirect}]))
        assert result.violations == [(
            "HTTP listener 'http' (port 80) of an application load balancer has default action(s) redirect to "
            "HTTPS on the listener's own port 80; it must redirect to HTTPS (a redirect action with protocol HTTPS, "
            "port 443).",
            urn(LISTENER, "http"),
        )], redirect


def test_redirect_to_any_other_port_passes():
    for port in ("443", "8443"):
        redirect = {"type": "redirect", "redirect": {"protocol": "https", "port": port}}
        assert check_stack(POLICY, stack([redirect])).violations == [], port


def test_listener_rule_redirecting_to_its_own_port_fails():
    rule = Res(RULE, "legacy", {"listenerArn": UNKNOWN, "actions": [{"type": "redirect",
                                                                     "redirect": {"protocol": "HTTPS"}}]},
               {"listenerArn": ["http"]})
    assert check_stack(POLICY, stack([REDIRECT], rule)).messages == [
        "listener rule 'legacy' of HTTP listener 'http' (port 80) has action(s) redirect to HTTPS on the listener's "
        "own port 80; rules of an HTTP listener may only redirect to HTTPS."]
    rule.props["actions"] = [REDIRECT, FORWARD]
    assert len(check_stack(POLICY, stack([REDIRECT], rule)).violations) == 1


def test_protocol_and_load_balancer_type_left_out_mean_http_on_an_application_load_balancer():
    resources = stack([FORWARD], http_protocol=None)
    resources[0] = Res(LB, "alb", {"subnets": [UNKNOWN, UNKNOWN]})
    assert [u for _, u in check_stack(POLICY, resources).violations] == [urn(LISTENER, "http")]


def test_plain_http_config_left_out_is_false():
    assert check_stack(POLICY, stack([FORWARD]), config={}).violations
    assert check_stack(POLICY, stack([FORWARD]), config={"allowPlainHttp": "true"}).violations == []


def test_listener_without_a_known_load_balancer_is_judged_by_its_protocol():
    loose = Res(LISTENER, "loose", {"loadBalancerArn": "arn:elsewhere", "port": 80, "protocol": "HTTP",
                                    "defaultActions": [FORWARD]})
    assert check_stack(POLICY, [loose]).violations
    loose.props["protocol"] = "TCP"
    assert check_stack(POLICY, [loose]).violations == []
    del loose.props["protocol"]
    assert check_stack(POLICY, [loose]).violations == []


def test_load_balancer_related_by_its_known_arn_after_an_update():
    arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/nlb/50dc6c49"
    nlb = Res(LB, "nlb", {"loadBalancerType": "network", "arn": arn})
    listener = Res(LISTENER, "tcp", {"loadBalancerArn": arn, "port": 80, "protocol": "HTTP",
                                     "defaultActions": [FORWARD]})
    assert check_stack(POLICY, [nlb, listener]).violations == []
    nlb.props["loadBalancerType"] = "application"
    assert [u for _, u in check_stack(POLICY, [nlb, listener]).violations] == [urn(LISTENER, "tcp")]


def test_listener_arn_that_names_no_load_balancer_is_judged_by_protocol():
    odd = Res(LISTENER, "odd", {"loadBalancerArn": "not-an-arn", "port": 80, "defaultActions": [FORWARD]})
    assert check_stack(POLICY, [odd]).violations == []


def test_redirect_without_its_block_keeps_the_protocol():
    result = check_stack(POLICY, stack([{"type": "redirect"}, {"type": "fixed-response"}]))
    assert "has default action(s) redirect to #{protocol}, fixed-response;" in result.messages[0]
    assert "has default action(s) none;" in check_stack(POLICY, stack([])).messages[0]


def test_alb_module_aliases_are_the_same_resources():
    resources = stack([FORWARD])
    aliased = [Res(r.type.replace("aws:lb/", "aws:alb/"), r.name, r.props, r.deps) for r in resources]
    assert [u.replace("aws:alb/", "aws:lb/") for _, u in check_stack(POLICY, aliased).violations] == [
        urn(LISTENER, "http")]
