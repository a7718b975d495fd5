"""Data source answers: the generic filler over every pulumi_aws data source, the hand answers, and the invented
values the policy pack must not judge."""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pulumi_aws
import pytest
from pulumi.runtime import rpc

from preflight import datasources, invented, resultfill
from preflight.invented import UNKNOWN, Invented

CTX = resultfill.Context("eu-west-1")


# The services the published container, serverless and network examples use; the same check over all of
# pulumi_aws's data sources (686 in 7.51) passes too, but imports every module (~15 s).
SERVICES = ["index", "ec2", "iam", "ecs", "eks", "ecr", "lb", "alb", "elb", "rds", "s3", "lambda", "ssm", "kms",
            "route53", "acm", "secretsmanager", "cloudwatch", "sqs", "sns", "dynamodb", "efs", "apigateway",
            "apigatewayv2", "sfn", "cloudfront", "elasticache", "autoscaling"]


def aws_tokens(services: list[str]) -> list[str]:
    root = Path(pulumi_aws.__file__).parent
    tokens = set()
    for path in [*root.glob("*/get_*.py"), *root.glob("get_*.py")]:
        tokens.update(re.findall(r"invoke\('([^']+)'", path.read_text()))
    return sorted(t for t in tokens if t.split(":")[1].split("/")[0] in services)


# ---- the generic filler -------------------------------------------------------------------------------------------


def test_every_data_source_of_the_common_services_gets_every_field_its_result_type_promises():
    """The SDK builds its own result object from each answer, and no promised field is None."""
    tokens = aws_tokens(SERVICES)
    assert len(tokens) > 250
    problems = []
    for token in tokens:
        cls = resultfill.result_class(token)
        if cls is None:
            problems.append(f"{token}: no result type found")
            continue
        answer = json.loads(json.dumps(resultfill.fill(token, {}, CTX, lambda value, where: None)))
        try:
            rpc.translate_output_properties(answer, lambda name: name, cls)
        except Exception as exc:  # noqa: BLE001 - every failure is listed
            problems.append(f"{token}: {exc}")
        problems += [f"{token}: {f.name} is None" for f in resultfill.fields(cls)
                     if not f.optional and answer.get(f.name) is None]
    assert problems == []


def test_values_are_shaped_by_field_name_and_arguments_are_echoed():
    made_up: dict[str, str] = {}
    answer = resultfill.fill("aws:ec2/getSecurityGroup:getSecurityGroup", {"name": "web", "tags": {"a": "b"}}, CTX,
                             made_up.__setitem__)
    assert answer["name"] == "web" and answer["tags"] == {"a": "b"} and answer["region"] == "eu-west-1"
    assert answer["id"].startswith("sg-") and answer["vpcId"].startswith("vpc-")
    assert answer["arn"] == "arn:aws:ec2:eu-west-1:123456789012:security-group/web"  # named by the program: known
    assert answer["filters"] == []  # optional filters: only what was given
    assert set(made_up) == {answer["id"], answer["vpcId"]}
    again = resultfill.fill("aws:ec2/getSecurityGroup:getSecurityGroup", {"name": "web", "tags": {"a": "b"}}, CTX,
                            lambda value, where: None)
    assert again == answer  # the same call answers the same


def test_lists_of_ids_have_three_entries_nested_types_are_filled():
    answer = resultfill.fill("aws:ec2/getAmi:getAmi", {}, CTX, lambda value, where: None)
    assert isinstance(answer["blockDeviceMappings"], list) and len(answer["blockDeviceMappings"]) == 1
    assert set(answer["blockDeviceMappings"][0]) >= {"deviceName", "ebs", "virtualName"}
    ids = resultfill.fill("aws:ec2/getVpcs:getVpcs", {}, CTX, lambda value, where: None)["ids"]
    assert len(ids) == 3 and len(set(ids)) == 3 and all(i.startswith("vpc-") for i in ids)


@pytest.mark.parametrize(("token", "module"), [
    ("aws:index/getCallerIdentity:getCallerIdentity", "pulumi_aws.get_caller_identity"),
    ("aws:lambda/getFunction:getFunction", "pulumi_aws.lambda_.get_function"),
    ("aws:ec2transitgateway/getTransitGateway:getTransitGateway", "pulumi_aws.ec2transitgateway.get_transit_gateway"),
    ("nosuch:mod:getThing", None),
])
def test_the_result_type_is_found_from_the_token(token, module):
    cls = resultfill.result_class(token)
    assert (cls.__module__ if cls else None) == module


@pytest.mark.parametrize(("region", "zone_id"), [
    ("eu-west-1", "euw1-az1"), ("us-east-1", "use1-az1"), ("ap-southeast-2", "apse2-az1"),
    ("ca-central-1", "cac1-az1"), ("us-gov-west-1", "usgw1-az1"),
])
def test_zone_ids_follow_awss_naming(region, zone_id):
    assert resultfill.Context(region).zone_id(0) == zone_id


# ---- hand answers -------------------------------------------------------------------------------------------------


def _unknown_keys(value, cls, path="") -> list[str]:
    fields = {f.name: f.type for f in resultfill.fields(cls)}
    out = []
    for key, item in value.items():
        if key not in fields:
            out.append(f"{path}{key}")
            continue
        hint = fields[key]
        item_type = resultfill._sequence_item(hint) or hint
        items = item if isinstance(item, list) else [item]
        if resultfill._is_output_type(item_type):
            for entry in items:
                out += _unknown_keys(entry, item_type, f"{path}{key}.")
    return out


def test_hand_answers_use_the_sdks_field_names():
    data = datasources.DataSources("eu-west-1")
    args = {"name": "x", "keyId": "alias/x", "domain": "example.com", "secretId": "app/db"}
    wrong = {}
    for token, answer in data._hand.items():
        cls = resultfill.result_class(token)
        if cls is not None:
            wrong[token] = _unknown_keys(answer(args, token), cls)
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_default_vpc_its_subnets_and_their_lookups_agree():
    data = datasources.DataSources("us-west-2")
    vpc, _ = data.call("aws:ec2/getVpc:getVpc", {"default": True})
    assert vpc["cidrBlock"] == "172.31.0.0/16" and vpc["default"] is True and vpc["id"].startswith("vpc-")
    ids, _ = data.call("aws:ec2/getSubnets:getSubnets", {"filters": [{"name": "vpc-id", "values": [vpc["id"]]}]})
    assert len(ids["ids"]) == 4  # us-west-2 has four zones
    subnets = [data.call("aws:ec2/getSubnet:getSubnet", {"id": i})[0] for i in ids["ids"]]
    assert [s["availabilityZone"] for s in subnets] == ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]
    assert {s["vpcId"] for s in subnets} == {vpc["id"]} and all(s["mapPublicIpOnLaunch"] for s in subnets)
    in_b, _ = data.call("aws:ec2/getSubnets:getSubnets", {"filters": [
        {"name": "vpc-id", "values": [vpc["id"]]}, {"name": "availability-zone", "values": ["us-west-2b"]}]})
    assert in_b["ids"] == [ids["ids"][1]]
    other, _ = data.call("aws:ec2/getSubnets:getSubnets", {"filters": [{"name": "vpc-id", "values": ["vpc-0abc"]}]})
    assert not set(other["ids"]) & set(ids["ids"])
    zones, _ = data.call("aws:index/getAvailabilityZones:getAvailabilityZones", {"excludeNames": ["us-west-2d"]})
    assert zones["names"] == ["us-west-2a", "us-west-2b", "us-west-2c"]
    assert zones["zoneIds"] == ["usw2-az1", "usw2-az2", "usw2-az3"]


def test_arguments_the_provider_rejects_come_back_as_failures():
    data = datasources.DataSources("mars-north-1")
    assert data.call("aws:elb/getServiceAccount:getServiceAccount", {}) == (
        {}, [("region", "unsupported AWS Region: mars-north-1")])
    result, failures = data.call("aws:iam/getPolicyDocument:getPolicyDocument",
                                 {"statements": [{"sid": "not ok", "actions": ["s3:*"]}]})
    assert failures == [("statements[0].sid", "statements[0].sid: must only include alphanumeric characters")]


def test_an_sdk_that_is_not_installed_still_gets_its_hand_answer_or_an_empty_one():
    data = datasources.DataSources("eu-west-1")
    vpc, _ = data.call("awsx:ec2:getDefaultVpc", {})
    assert vpc["vpcId"].startswith("vpc-") and len(vpc["publicSubnetIds"]) == 3
    assert data.call("nosuch:index:getThing", {}) == ({}, [])


# ---- invented values ----------------------------------------------------------------------------------------------


def test_what_is_invented_is_registered_and_what_is_known_is_not():
    data = datasources.DataSources("eu-west-1")
    vpc, _ = data.call("aws:ec2/getVpc:getVpc", {"default": True})
    ids, _ = data.call("aws:ec2/getSubnets:getSubnets", {"filters": [{"name": "vpc-id", "values": [vpc["id"]]}]})
    identity, _ = data.call("aws:index/getCallerIdentity:getCallerIdentity", {})
    role, _ = data.call("aws:iam/getRole:getRole", {"name": "deployer"})
    made_up = data.invented.values
    assert vpc["id"] in made_up and all(i in made_up for i in ids["ids"])
    assert role["assumeRolePolicy"] in made_up and role["arn"] not in made_up  # named by the program
    assert identity["accountId"] not in made_up and "172.31.0.0/16" not in made_up
    given, _ = data.call("aws:ec2/getVpc:getVpc", {"id": "vpc-0123456789abcdef0"})
    assert given["id"] not in made_up and given["cidrBlock"] in made_up


@dataclass(frozen=True)
class Diag:
    urn: str
    message: str
    not_evaluated: bool = True


def test_conceal_hides_invented_values_where_they_stand_and_explain_names_their_source():
    made_up = Invented({"subnet-0aaaaaaaaaaaaaaaa": "aws:ec2/getSubnets:getSubnets ids[0]",
                        "10.45.0.0/16": "aws:ec2/getVpc:getVpc cidrBlock"})
    inputs = {
        "subnets": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-mine"],
        "policy": json.dumps({"Resource": "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0aaaaaaaaaaaaaaaa"}),
        "vpcConfig": {"cidr": "10.45.0.0/16", "note": "not 10.45.0.0/16 itself", "ports": [80]},
        "secret": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                   "value": "subnet-0aaaaaaaaaaaaaaaa"},
        "name": "web",
    }
    hidden = made_up.conceal("urn:a", inputs)
    assert hidden["subnets"] == UNKNOWN  # the list's length was invented too
    assert hidden["policy"] == UNKNOWN
    assert hidden["vpcConfig"] == {"cidr": UNKNOWN, "note": "not 10.45.0.0/16 itself", "ports": [80]}  # short: exact
    assert hidden["secret"]["value"] == UNKNOWN and hidden["name"] == "web"
    assert made_up.concealed["urn:a"] == {"subnets": "aws:ec2/getSubnets:getSubnets ids[0]",
                                          "policy": "aws:ec2/getSubnets:getSubnets ids[0]",
                                          "vpcConfig.cidr": "aws:ec2/getVpc:getVpc cidrBlock",
                                          "secret": "aws:ec2/getSubnets:getSubnets ids[0]"}

    recording = {"concealed": made_up.concealed}
    resource, stack, other, unrelated = invented.explain(recording, [
        Diag("urn:a", "string value at .subnets can't be known during preview"),
        Diag("", "string value at .vpcConfig.cidr can't be known during preview"),
        Diag("urn:b", "string value at .subnets can't be known during preview"),
        Diag("urn:a", "the ALB is in 1 subnet(s)", not_evaluated=False),
    ])
    assert resource.message == ("string value at .subnets is not known offline: it comes from "
                                "aws:ec2/getSubnets:getSubnets ids[0], which the preflight answers with an invented "
                                "value")
    assert "aws:ec2/getVpc:getVpc cidrBlock" in stack.message
    assert other.message.endswith("can't be known during preview") and unrelated.message == "the ALB is in 1 subnet(s)"


def test_the_recorder_side_imports_nothing_the_parent_needs():
    """The child runs in the project's environment: no PyYAML config reader, no gRPC client, no report."""
    for name in ("datasources", "invented", "resultfill", "policydoc", "stackrefs", "engine", "record"):
        source = importlib.util.find_spec(f"preflight.{name}").origin
        text = Path(source).read_text()
        assert not re.search(r"^\s*(import yaml|from preflight import .*(stackconfig|analyzer|report|environment))",
                             text, re.M), name


def test_a_resource_method_is_answered_like_a_data_source():
    """``eks.Cluster.get_kubeconfig()`` goes to the monitor's Call, which the stock mock monitor lacks."""
    import pulumi
    import pulumi_eks as eks

    from preflight import engine

    def program():
        cluster = eks.Cluster("shared", skip_default_node_group=True)
        pulumi.export("kubeconfig", cluster.get_kubeconfig())

    recording = engine.run(program, project="p", stack="dev", config={"aws:region": "eu-west-1"})
    config = json.loads(recording.outputs["kubeconfig"])
    server = config["clusters"][0]["cluster"]["server"]
    assert server.startswith("https://") and server.endswith(".gr7.eu-west-1.eks.amazonaws.com")
    assert config["users"][0]["user"]["exec"]["args"][:4] == ["eks", "get-token", "--cluster-name", "shared"]
    assert recording.outputs["kubeconfig"] in recording.invented
