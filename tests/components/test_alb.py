"""ApplicationLoadBalancer built directly under the mocks: listeners, security group, attributes, access logs."""

from __future__ import annotations

import functools
import itertools
import json

import pytest

from components.lb import alb as alb_module
from components.lb.alb import TYPE, ApplicationLoadBalancer, ApplicationLoadBalancerArgs
from components.shared.context import PlatformContext
from preflight.engine import ACCOUNT_ID, Recording, Registration
from tests.mocks import context as make_context
from tests.mocks import of_type, one, record, record_failure, ref, refs

CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
SUBNETS = ("subnet-a", "subnet-b")
#: The ELB log-delivery account of eu-west-1 (Application Load Balancer access-log documentation).
ELB_ACCOUNT_EU_WEST_1 = "arn:aws:iam::156460612806:root"
LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
BUCKET = "aws:s3/bucket:Bucket"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
CIDR_SETS = (("0.0.0.0/0",), ("0.0.0.0/0", "::/0"), ("10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32"))


@functools.cache
def build(certificate: bool = True, allow_plain_http: bool = False, cidrs: tuple[str, ...] = ("0.0.0.0/0",),
          deletion_protection: bool = False, access_logs: bool = False, protect: bool = False,
          context: PlatformContext | None = None) -> Recording:
    """One load balancer named web in vpc-1 over two public subnets."""
    lb_args = args(certificate, allow_plain_http, cidrs, deletion_protection, access_logs,
                   context or make_context(protect=protect))
    return record(lambda: ApplicationLoadBalancer("web", lb_args))


def args(certificate: bool = True, allow_plain_http: bool = False, cidrs: tuple[str, ...] = ("0.0.0.0/0",),
         deletion_protection: bool = False, access_logs: bool = False,
         context: PlatformContext | None = None) -> ApplicationLoadBalancerArgs:
    return ApplicationLoadBalancerArgs(
        context=context or make_context(), vpc_id="vpc-1", subnet_ids=list(SUBNETS), allowed_cidrs=cidrs,
        certificate_arn=CERT if certificate else None, allow_plain_http=allow_plain_http,
        deletion_protection=deletion_protection, access_logs=access_logs)



def listener_on(rec: Recording, port: int) -> Registration:
    found = [r for r in of_type(rec, LISTENER) if r.inputs["port"] == port]
    assert len(found) == 1, f"listeners on {port}: {[r.urn for r in of_type(rec, LISTENER)]}"
    return found[0]


def bucket_policy(rec: Recording) -> tuple[Registration, dict[str, dict]]:
    """The log bucket's policy and its statements by Sid."""
    policy = one(rec, BUCKET_POLICY)
    document = json.loads(policy.inputs["policy"])
    assert document["Version"] == "2012-10-17", policy.urn
    by_sid = {st.get("Sid"): st for st in document["Statement"]}
    assert len(by_sid) == len(document["Statement"]), policy.urn
    return policy, by_sid


# ---- listeners ---------------------------------------------------------------------------------------------


def test_with_a_certificate_http_redirects_to_https():
    rec = build(certificate=True)
    lb = one(rec, LB)
    assert len(of_type(rec, LISTENER)) == 2, [r.urn for r in of_type(rec, LISTENER)]
    http = listener_on(rec, 80)
    assert http.inputs["protocol"] == "HTTP", http.urn
    assert ref(rec, http, "loadBalancerArn", "arn") == lb, http.urn
    assert http.inputs["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}], http.urn
    assert "certificateArn" not in http.inputs and "sslPolicy" not in http.inputs, http.urn


def test_with_a_certificate_https_on_443_with_the_tls_policy():
    rec = build(certificate=True)
    lb = one(rec, LB)
    https = listener_on(rec, 443)
    assert https.inputs["protocol"] == "HTTPS", https.urn
    assert https.inputs["sslPolicy"] == TLS_POLICY, https.urn
    assert https.inputs["certificateArn"] == CERT, https.urn
    assert ref(rec, https, "loadBalancerArn", "arn") == lb, https.urn
    assert https.inputs["defaultActions"] == [{"type": "fixed-response", "fixedResponse": {
        "contentType": "text/plain", "messageBody": "Not Found", "statusCode": "404"}}], https.urn


def test_plain_http_only_when_allowed_and_without_a_certificate():
    rec = build(certificate=False, allow_plain_http=True)
    listeners = of_type(rec, LISTENER)
    assert len(listeners) == 1, [r.urn for r in listeners]
    http = listeners[0]
    assert http.inputs["port"] == 80 and http.inputs["protocol"] == "HTTP", http.urn
    assert http.inputs["defaultActions"] == [{"type": "fixed-response", "fixedResponse": {
        "contentType": "text/plain", "messageBody": "Not Found", "statusCode": "404"}}], http.urn
    assert "certificateArn" not in http.inputs and "sslPolicy" not in http.inputs, http.urn
    assert ref(rec, http, "loadBalancerArn", "arn") == one(rec, LB), http.urn


def test_a_certificate_wins_over_allow_plain_http():
    rec = build(certificate=True, allow_plain_http=True)
    assert sorted(r.inputs["port"] for r in of_type(rec, LISTENER)) == [80, 443], one(rec, TYPE).urn
    http = listener_on(rec, 80)
    assert http.inputs["defaultActions"][0]["type"] == "redirect", http.urn


# ---- argument validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"certificate_arn": None}, "ApplicationLoadBalancer web: needs certificate_arn, or allow_plain_http=True"),
    ({"certificate_arn": None, "allow_plain_http": False},
     "ApplicationLoadBalancer web: needs certificate_arn, or allow_plain_http=True"),
    ({"allowed_cidrs": ()}, "ApplicationLoadBalancer web: allowed_cidrs must not be empty"),
], ids=["no-certificate", "plain-http-refused", "no-cidrs"])
def test_argument_errors(changes: dict, message: str):
    values = {"context": make_context(), "vpc_id": "vpc-1", "subnet_ids": list(SUBNETS), "certificate_arn": CERT,
              **changes}
    exc, registered = record_failure(lambda: ApplicationLoadBalancer("web", ApplicationLoadBalancerArgs(**values)))
    assert isinstance(exc, ValueError), repr(exc)
    assert str(exc) == message
    assert registered == [], [r.urn for r in registered]


# ---- security group ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("cidrs", CIDR_SETS, ids=lambda c: ",".join(c))
@pytest.mark.parametrize("certificate", [True, False], ids=["https", "plain-http"])
def test_ingress_is_exactly_listener_ports_times_allowed_cidrs(certificate: bool, cidrs: tuple[str, ...]):
    rec = build(certificate=certificate, allow_plain_http=not certificate, cidrs=cidrs)
    sg = one(rec, SG)
    assert sg.inputs["vpcId"] == "vpc-1", sg.urn
    assert sg.inputs.get("ingress", []) == [] and sg.inputs.get("egress", []) == [], sg.urn
    ports = [80, 443] if certificate else [80]
    expected = {(port, "cidrIpv6" if ":" in cidr else "cidrIpv4", cidr)
                for port, cidr in itertools.product(ports, cidrs)}
    seen = set()
    for rule in of_type(rec, INGRESS):
        assert ref(rec, rule, "securityGroupId") == sg, rule.urn
        assert rule.inputs["ipProtocol"] == "tcp", rule.urn
        assert rule.inputs["fromPort"] == rule.inputs["toPort"], rule.urn
        families = [k for k in ("cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId")
                    if k in rule.inputs]
        assert len(families) == 1, f"{rule.urn}: sources {families}"
        seen.add((rule.inputs["fromPort"], families[0], rule.inputs[families[0]]))
    assert len(of_type(rec, INGRESS)) == len(expected), [r.urn for r in of_type(rec, INGRESS)]
    assert seen == expected, sg.urn


def test_the_load_balancer_builds_no_egress_of_its_own():
    """Egress to targets is each target's business (components.lb.rules); nothing else leaves the ALB."""
    for rec in (build(), build(certificate=False, allow_plain_http=True, access_logs=True)):
        assert of_type(rec, EGRESS) == [], [r.urn for r in of_type(rec, EGRESS)]


# ---- load balancer attributes ------------------------------------------------------------------------------


@pytest.mark.parametrize("deletion_protection", [False, True])
def test_load_balancer_attributes(deletion_protection: bool):
    rec = build(deletion_protection=deletion_protection)
    lb, sg = one(rec, LB), one(rec, SG)
    assert lb.inputs["loadBalancerType"] == "application", lb.urn
    assert lb.inputs["internal"] is False, lb.urn
    assert lb.inputs["subnets"] == list(SUBNETS), lb.urn
    assert lb.inputs["dropInvalidHeaderFields"] is True, lb.urn
    assert lb.inputs["desyncMitigationMode"] == "defensive", lb.urn
    assert lb.inputs["enableDeletionProtection"] is deletion_protection, lb.urn
    assert refs(rec, lb, "securityGroups") == [sg], lb.urn
    assert lb.inputs["securityGroups"] == [sg.id], lb.urn


@pytest.mark.parametrize("protect", [False, True])
def test_load_balancer_and_log_bucket_protected_when_the_context_says_so(protect: bool):
    rec = build(access_logs=True, protect=protect)
    lb, bucket = one(rec, LB), one(rec, BUCKET)
    assert lb.protect is protect, lb.urn
    assert bucket.protect is protect, bucket.urn
    assert bucket.inputs["forceDestroy"] is (not protect), bucket.urn
    for r in rec.resources:
        if r.type not in (LB, BUCKET):
            assert r.protect is False, r.urn


# ---- access logs -------------------------------------------------------------------------------------------


def test_no_access_logs_unless_asked():
    rec = build(access_logs=False)
    lb = one(rec, LB)
    for t in (BUCKET, PUBLIC_ACCESS_BLOCK, OWNERSHIP, ENCRYPTION, BUCKET_POLICY):
        assert of_type(rec, t) == [], [r.urn for r in of_type(rec, t)]
    assert not lb.inputs.get("accessLogs", {}).get("enabled"), lb.urn


def test_access_logs_to_a_private_encrypted_bucket():
    rec = build(access_logs=True)
    lb, bucket = one(rec, LB), one(rec, BUCKET)
    assert lb.inputs["accessLogs"] == {"enabled": True, "bucket": bucket.outputs["bucket"], "prefix": "web"}, lb.urn
    assert refs(rec, lb, "accessLogs") == [bucket], lb.urn
    block = one(rec, PUBLIC_ACCESS_BLOCK)
    assert ref(rec, block, "bucket") == bucket, block.urn
    for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
        assert block.inputs[flag] is True, f"{block.urn}: {flag}"
    encryption = one(rec, ENCRYPTION)
    assert ref(rec, encryption, "bucket") == bucket, encryption.urn
    assert encryption.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}], \
        encryption.urn
    ownership = one(rec, OWNERSHIP)
    assert ref(rec, ownership, "bucket") == bucket, ownership.urn
    assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}, ownership.urn


def test_log_bucket_policy_lets_only_elb_log_delivery_write_under_the_prefix():
    rec = build(access_logs=True)
    bucket = one(rec, BUCKET)
    policy, by_sid = bucket_policy(rec)
    assert ref(rec, policy, "bucket") == bucket, policy.urn
    assert refs(rec, policy, "policy") == [bucket], policy.urn
    arn = bucket.outputs["arn"]
    objects = f"{arn}/web/AWSLogs/{ACCOUNT_ID}/*"
    assert sorted(by_sid) == ["DenyInsecureTransport", "LogDeliveryWrite"], policy.urn
    # eu-west-1 opened before August 2022: its regional ELB account delivers the logs.
    assert by_sid["LogDeliveryWrite"] == {"Sid": "LogDeliveryWrite", "Effect": "Allow",
                                          "Principal": {"AWS": ELB_ACCOUNT_EU_WEST_1},
                                          "Action": "s3:PutObject", "Resource": objects}, policy.urn


@pytest.mark.parametrize("region", ["eu-central-2", "il-central-1", "mx-central-1"])
def test_log_bucket_policy_in_newer_regions_names_the_log_delivery_service(region: str):
    rec = build(access_logs=True, context=make_context(region=region))
    policy, by_sid = bucket_policy(rec)
    assert by_sid["LogDeliveryWrite"]["Principal"] == {"Service": LOG_DELIVERY}, policy.urn


def test_log_delivery_account_lookup_that_fails_stops_the_program(monkeypatch):
    def unknown(**_: object) -> None:
        raise Exception("invoke of aws:elb/getServiceAccount:getServiceAccount failed: Unknown region")

    monkeypatch.setattr(alb_module.aws.elb, "get_service_account", unknown)
    error, registered = record_failure(lambda: ApplicationLoadBalancer("web", args(access_logs=True)))
    assert "access logs in eu-west-1 need the region's ELB log-delivery account" in str(error)
    assert "Unknown region" in str(error)
    assert not [r for r in registered if r.type == BUCKET_POLICY], "no bucket policy without its writer"


def test_log_bucket_policy_denies_insecure_transport():
    rec = build(access_logs=True)
    arn = one(rec, BUCKET).outputs["arn"]
    policy, by_sid = bucket_policy(rec)
    deny = by_sid["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*", policy.urn
    assert sorted(deny["Resource"]) == [arn, f"{arn}/*"], policy.urn
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, policy.urn


def test_load_balancer_waits_for_the_log_bucket_policy():
    """ELB writes a test object when access logs are turned on and fails ('Access Denied for bucket') if the
    policy is not in place yet."""
    rec = build(access_logs=True)
    lb, policy = one(rec, LB), one(rec, BUCKET_POLICY)
    assert policy.urn in lb.dependencies, f"{lb.urn} does not wait for {policy.urn}"


# ---- component shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("access_logs", [False, True])
def test_children_are_parented_to_the_component(access_logs: bool):
    rec = build(access_logs=access_logs)
    component = one(rec, TYPE)
    assert component.urn == f"urn:pulumi:test::container-platform::{TYPE}::web", component.urn
    for r in rec.resources:
        if r is component:
            continue
        assert r.parent == component.urn, r.urn
        assert r.name == "web" or r.name.startswith("web-"), r.urn


def test_two_load_balancers_do_not_collide():
    def program() -> None:
        for name in ("public", "partner"):
            ApplicationLoadBalancer(name, ApplicationLoadBalancerArgs(
                context=make_context(), vpc_id="vpc-1", subnet_ids=list(SUBNETS), certificate_arn=CERT,
                allowed_cidrs=("0.0.0.0/0", "::/0"), access_logs=True))

    rec = record(program)
    urns = [r.urn for r in rec.resources]
    assert len(urns) == len(set(urns)), [u for u in urns if urns.count(u) > 1]
    assert len(rec.by_type(TYPE)) == 2, urns


def test_access_logs_expire_with_the_stacks_log_retention():
    rec = build(access_logs=True, context=make_context(log_retention_days=400))
    [lifecycle] = of_type(rec, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    assert ref(rec, lifecycle, "bucket") == one(rec, BUCKET), lifecycle.urn
    assert lifecycle.inputs["rules"] == [{
        "id": "expire-access-logs", "status": "Enabled", "filter": {"prefix": "web/"}, "expiration": {"days": 400},
        "abortIncompleteMultipartUpload": {"daysAfterInitiation": 1}}], lifecycle.urn
