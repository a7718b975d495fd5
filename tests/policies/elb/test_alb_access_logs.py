from guardrails.elb.alb_access_logs import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LB = "aws:lb/loadBalancer:LoadBalancer"


def test_enabled_with_a_bucket_passes():
    props = {"accessLogs": {"bucket": "platform-alb-logs", "enabled": True, "prefix": "dev"}}
    assert check_resource(POLICY, LB, props).violations == []


def test_absent_or_disabled_logs_fail():
    assert check_resource(POLICY, LB, {"loadBalancerType": "application"}).messages == [
        "the application load balancer does not write access logs (accessLogs.enabled is not set); set "
        "accessLogs.enabled to true with accessLogs.bucket naming the S3 bucket for the logs."
    ]
    # the provider's default for enabled is false even when a bucket is given
    assert check_resource(POLICY, LB, {"accessLogs": {"bucket": "logs"}}).violations
    assert check_resource(POLICY, LB, {"accessLogs": {"bucket": "logs", "enabled": False}}).violations


def test_enabled_without_bucket_fails():
    assert check_resource(POLICY, LB, {"accessLogs": {"bucket": "", "enabled": True}}).messages == [
        "accessLogs.enabled is true but accessLogs.bucket is ''; name the S3 bucket that receives the load "
        "balancer's access logs."
    ]


def test_network_load_balancer_not_applicable():
    assert check_resource(POLICY, LB, {"loadBalancerType": "network"}).not_applicable
    assert check_resource(POLICY, "aws:s3/bucket:Bucket", {}).violations == []


def test_bucket_created_in_the_same_stack_is_unknown_in_a_preview():
    assert check_resource(POLICY, LB, {"accessLogs": {"bucket": UNKNOWN, "enabled": True}}).unknown
    # logging off is reported without reading the unknown bucket
    assert check_resource(POLICY, LB, {"accessLogs": {"bucket": UNKNOWN}}).violations


def test_everything_left_out_is_an_application_load_balancer_without_logs():
    assert check_resource(POLICY, LB, {}).messages == [
        "the application load balancer does not write access logs (accessLogs.enabled is not set); set "
        "accessLogs.enabled to true with accessLogs.bucket naming the S3 bucket for the logs."
    ]


def test_flag_forms_and_blank_bucket():
    assert check_resource(POLICY, LB, {"accessLogs": {"bucket": "logs", "enabled": "true"}}).violations == []
    assert check_resource(POLICY, LB, {"accessLogs": {"bucket": "logs", "enabled": "false"}}).violations
    assert check_resource(POLICY, LB, {"accessLogs": {"enabled": True}}).messages == [
        "accessLogs.enabled is true but accessLogs.bucket is not set; name the S3 bucket that receives the load "
        "balancer's access logs."
    ]
    assert check_resource(POLICY, LB, {"accessLogs": {"bucket": "  ", "enabled": True}}).violations


def test_gateway_load_balancer_not_applicable_and_alias_judged():
    assert check_resource(POLICY, LB, {"loadBalancerType": "gateway"}).not_applicable
    assert check_resource(POLICY, "aws:alb/loadBalancer:LoadBalancer", {}).violations
