"""Interface endpoints for NAT-free VPCs: one per service in the private subnets, private DNS, and a security group
that admits HTTPS only from the workloads that say so."""

from __future__ import annotations

import pulumi
import pytest

from components.network import endpoints
from components.network.endpoints import ECS_SERVICES, InterfaceEndpoints, InterfaceEndpointsArgs, admit_to_endpoints
from components.network.vpc import Vpc, VpcArgs
from tests.mocks import REGION, context, of_type, one, record, record_failure, ref, refs

ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SUBNET = "aws:ec2/subnet:Subnet"


def vpc_program(nat: str, services: tuple[str, ...]):
    def program() -> None:
        Vpc("net", VpcArgs(context=context(), cidr_block="10.0.0.0/16", availability_zones=ZONES, nat_strategy=nat,
                           interface_endpoints=services))
    return program


def test_every_service_gets_an_interface_endpoint_with_private_dns_in_the_private_subnets():
    rec = record(vpc_program("none", ECS_SERVICES))
    private = {r.id for r in of_type(rec, SUBNET) if r.inputs["tags"]["tier"] == "private"}
    interface = [r for r in of_type(rec, ENDPOINT) if r.inputs["vpcEndpointType"] == "Interface"]
    assert sorted(r.inputs["serviceName"] for r in interface) == \
        sorted(f"com.amazonaws.{REGION}.{s}" for s in ECS_SERVICES)
    [sg] = [r for r in of_type(rec, SG) if r.name == "net-endpoints-sg"]
    for endpoint in interface:
        assert endpoint.inputs["privateDnsEnabled"] is True, endpoint.urn
        assert set(endpoint.inputs["subnetIds"]) == private, endpoint.urn
        assert refs(rec, endpoint, "securityGroupIds") == [sg], endpoint.urn
    # The gateway endpoint for S3 (image layers) stays.
    [gateway] = [r for r in of_type(rec, ENDPOINT) if r.inputs["vpcEndpointType"] == "Gateway"]
    assert gateway.inputs["serviceName"] == f"com.amazonaws.{REGION}.s3", gateway.urn


def test_ecs_needs_its_agent_channels_images_logs_and_secrets_without_nat():
    assert set(ECS_SERVICES) >= {"ecr.api", "ecr.dkr", "logs", "ecs", "ecs-agent", "ecs-telemetry", "ssm",
                                 "secretsmanager", "sts"}


@pytest.mark.parametrize("nat", ["none", "single"])
def test_no_endpoints_unless_asked(nat: str):
    rec = record(vpc_program(nat, ()))
    assert [r.inputs["vpcEndpointType"] for r in of_type(rec, ENDPOINT)] == ["Gateway"]
    assert [r for r in of_type(rec, SG) if "endpoints" in r.name] == []


def test_the_endpoint_sg_admits_nothing_by_itself_and_each_client_on_443_only():
    def program() -> None:
        eps = InterfaceEndpoints("eps", InterfaceEndpointsArgs(context=context(), vpc_id="vpc-1",
                                                               subnet_ids=["subnet-a"], services=("logs",)))
        client = pulumi.ComponentResource("test:index:Client", "api")
        admit_to_endpoints("api", eps.security_group_id, "sg-0123456789abcdef0", client)

    rec = record(program)
    sg = one(rec, SG)
    [rule] = of_type(rec, INGRESS)
    assert ref(rec, rule, "securityGroupId") == sg, rule.urn
    assert rule.inputs["referencedSecurityGroupId"] == "sg-0123456789abcdef0", rule.urn
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 443, 443)
    assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs, rule.urn


@pytest.mark.parametrize("services", [(), ("logs", "logs")])
def test_services_must_be_distinct_and_present(services: tuple[str, ...]):
    error, registered = record_failure(lambda: InterfaceEndpoints(
        "eps", InterfaceEndpointsArgs(context=context(), vpc_id="vpc-1", subnet_ids=["subnet-a"],
                                      services=services)))
    assert "services must be distinct and not empty" in str(error)
    assert registered == []


def test_endpoint_names_come_from_ec2_not_a_format(monkeypatch):
    asked: list[tuple[str, str]] = []

    def lookup(service: str, service_type: str, parent: pulumi.Resource) -> str:
        asked.append((service, service_type))
        return f"cn.com.amazonaws.cn-north-1.{service}"

    monkeypatch.setattr(endpoints, "endpoint_service_name", lookup)
    rec = record(lambda: InterfaceEndpoints("eps", InterfaceEndpointsArgs(
        context=context(), vpc_id="vpc-1", subnet_ids=["subnet-a"], services=("ecr.api", "logs"))))
    assert asked == [("ecr.api", "Interface"), ("logs", "Interface")]
    assert sorted(r.inputs["serviceName"] for r in of_type(rec, ENDPOINT)) == \
        ["cn.com.amazonaws.cn-north-1.ecr.api", "cn.com.amazonaws.cn-north-1.logs"]
