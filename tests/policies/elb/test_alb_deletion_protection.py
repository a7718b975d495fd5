from guardrails.elb.alb_deletion_protection import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LB = "aws:lb/loadBalancer:LoadBalancer"


def test_protected_load_balancers_pass():
    assert check_resource(POLICY, LB, {"enableDeletionProtection": True}).violations == []
    alias = "aws:alb/loadBalancer:LoadBalancer"
    assert check_resource(POLICY, alias, {"enableDeletionProtection": True}).violations == []


def test_unprotected_load_balancers_fail_whatever_their_type():
    assert check_resource(POLICY, LB, {}).messages == [
        "the application load balancer can be deleted by accident (enableDeletionProtection is not set); set "
        "enableDeletionProtection to true."
    ]
    network = check_resource(POLICY, LB, {"loadBalancerType": "network", "enableDeletionProtection": False})
    assert network.messages[0].startswith("the network load balancer can be deleted by accident")


def test_other_types_not_applicable():
    result = check_resource(POLICY, "aws:lb/listener:Listener", {})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_flag_cannot_be_evaluated():
    assert check_resource(POLICY, LB, {"enableDeletionProtection": UNKNOWN}).unknown


def test_every_load_balancer_type_is_judged_and_string_flags_count():
    for kind in ("gateway", "network", "application"):
        assert check_resource(POLICY, LB, {"loadBalancerType": kind}).messages == [
            f"the {kind} load balancer can be deleted by accident (enableDeletionProtection is not set); set "
            "enableDeletionProtection to true."
        ]
    assert check_resource(POLICY, LB, {"enableDeletionProtection": "true"}).violations == []
    assert check_resource(POLICY, LB, {"enableDeletionProtection": "false"}).messages[0].endswith(
        "(enableDeletionProtection is 'false'); set enableDeletionProtection to true.")
