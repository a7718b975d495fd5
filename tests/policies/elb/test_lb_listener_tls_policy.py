import pytest
from guardrails.elb.lb_listener_tls_policy import POLICY, RECOMMENDED

from tests.policies.harness import UNKNOWN, check_resource

LISTENER = "aws:lb/listener:Listener"


def listener(protocol, **props):
    return {"loadBalancerArn": UNKNOWN, "port": 443, "protocol": protocol, "certificateArn": "arn:aws:acm:x", **props}


@pytest.mark.parametrize("policy", RECOMMENDED)
def test_recommended_policies_pass(policy):
    assert check_resource(POLICY, LISTENER, listener("HTTPS", sslPolicy=policy)).violations == []
    assert check_resource(POLICY, "aws:alb/listener:Listener", listener("TLS", sslPolicy=policy)).violations == []


def test_unset_policy_is_the_2016_default_and_fails():
    assert check_resource(POLICY, LISTENER, listener("HTTPS")).messages == [
        "the HTTPS listener's security policy is not a recommended one (sslPolicy is not set, so "
        "ELBSecurityPolicy-2016-08); set sslPolicy to 'ELBSecurityPolicy-TLS13-1-2-2021-06' or another of: "
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06, ELBSecurityPolicy-TLS13-1-3-2021-06, "
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04, ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04, "
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04."
    ]


@pytest.mark.parametrize("policy", ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-2-2017-01",
                                    "ELBSecurityPolicy-FS-1-2-Res-2020-10", "elbsecuritypolicy-tls13-1-2-2021-06"])
def test_older_or_misspelt_policies_fail(policy):
    result = check_resource(POLICY, LISTENER, listener("TLS", sslPolicy=policy))
    assert f"(sslPolicy is {policy!r})" in result.messages[0]


@pytest.mark.parametrize("protocol", ["HTTP", "TCP", "UDP", None])
def test_plain_listeners_not_applicable(protocol):
    props = {"loadBalancerArn": UNKNOWN, "port": 80}
    if protocol:
        props["protocol"] = protocol
    result = check_resource(POLICY, LISTENER, props)
    assert result.not_applicable and result.violations == []


def test_unknown_policy_cannot_be_evaluated():
    assert check_resource(POLICY, LISTENER, listener("HTTPS", sslPolicy=UNKNOWN)).unknown
