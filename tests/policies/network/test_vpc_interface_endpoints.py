import pytest
from guardrails.network.vpc_interface_endpoints import CONTROLS, POLICY, service_of
from pulumi_policy import EnforcementLevel

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

VPC = "aws:ec2/vpc:Vpc"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
PRIVATE_DNS = "aws:vpc/endpointPrivateDns:EndpointPrivateDns"


def endpoint(service, kind="Interface", private_dns=True, vpc="vpc", name=None):
    props = {"vpcId": UNKNOWN, "serviceName": f"com.amazonaws.eu-west-1.{service}", "subnetIds": [UNKNOWN]}
    if kind is not None:
        props["vpcEndpointType"] = kind
    if private_dns is not None:
        props["privateDnsEnabled"] = private_dns
    return Res(ENDPOINT, name or service, props, {"vpcId": [vpc]})


def full(*skip):
    return [Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"}),
            *(endpoint(s) for s in CONTROLS if s not in skip)]


def test_all_interface_endpoints_pass():
    assert check_stack(POLICY, full()).violations == []


def test_missing_endpoints_fail():
    result = check_stack(POLICY, full("ecr.api", "ssm-incidents"))
    assert result.violations == [(
        "VPC 'vpc' has no interface endpoint for ecr.api (EC2.55), ssm-incidents (EC2.60); add an aws.ec2.VpcEndpoint "
        "of type Interface with private DNS for each, in the private subnets.",
        urn(VPC, "vpc"),
    )]


def test_gateway_s3_endpoint_alone_fails_for_every_service():
    stack = [Res(VPC, "vpc", {}), endpoint("s3", kind="Gateway", private_dns=None)]
    message = check_stack(POLICY, stack).messages[0]
    assert all(f"{s} ({c})" in message for s, c in CONTROLS.items())


def test_unset_type_is_a_gateway():
    stack = full("ec2") + [endpoint("ec2", kind=None)]
    assert "no interface endpoint for ec2 (EC2.10);" in check_stack(POLICY, stack).messages[0]


def test_endpoint_of_another_vpc_does_not_count():
    stack = full("ecr.dkr") + [Res(VPC, "other", {}), endpoint("ecr.dkr", vpc="other")]
    messages = check_stack(POLICY, stack).messages
    assert any(m.startswith("VPC 'vpc' has no interface endpoint for ecr.dkr (EC2.56)") for m in messages)


def test_endpoint_without_private_dns_fails():
    stack = full("ssm") + [endpoint("ssm", private_dns=None)]
    assert check_stack(POLICY, stack).violations == [(
        "the ssm interface endpoint 'ssm' of VPC 'vpc' has no private DNS (privateDnsEnabled is not true), so clients "
        "keep using the public endpoint; set privateDnsEnabled to true.",
        urn(ENDPOINT, "ssm"),
    )]


def test_private_dns_resource_counts():
    dns = Res(PRIVATE_DNS, "ssm-dns", {"vpcEndpointId": UNKNOWN, "privateDnsEnabled": True}, {"vpcEndpointId": ["ssm"]})
    assert check_stack(POLICY, full("ssm") + [endpoint("ssm", private_dns=None), dns]).violations == []


def test_config_narrows_the_services():
    stack = [Res(VPC, "vpc", {}), endpoint("ecr.api"), endpoint("ecr.dkr")]
    assert check_stack(POLICY, stack, config={"services": ["ecr.api", "ecr.dkr"]}).violations == []
    assert "logs;" in check_stack(POLICY, stack, config={"services": ["logs"]}).messages[0]
    assert check_stack(POLICY, stack, config={"services": []}).violations == []


@pytest.mark.parametrize("name, service", [
    ("com.amazonaws.eu-west-1.ecr.api", "ecr.api"), ("com.amazonaws.us-east-1.ec2-fips", "ec2"),
    ("cn.com.amazonaws.cn-north-1.ssm", "ssm"), ("aws.sagemaker.eu-west-1.notebook", None), (None, None),
])
def test_service_of(name, service):
    assert service_of(name) == service


def test_no_vpc_not_applicable_and_advisory_by_default():
    alone = endpoint("ec2")
    alone.deps = {}
    assert check_stack(POLICY, [alone]).violations == []
    assert POLICY.enforcement_level == EnforcementLevel.ADVISORY


def test_unknown_service_name_cannot_be_evaluated():
    unknown = Res(ENDPOINT, "x", {"vpcId": UNKNOWN, "serviceName": UNKNOWN}, {"vpcId": ["vpc"], "serviceName": ["vpc"]})
    assert check_stack(POLICY, full() + [unknown]).unknown
