"""The real program per stack, for Kubernetes: dev registers nothing of EKS; staging and prod get a private cluster
and managed node groups as their stack files say, export the contract (the kubeconfig as a secret), and refuse a
Kubernetes version EKS does not offer before anything is registered."""

from __future__ import annotations

import datetime
import functools
import json
from pathlib import Path

import pulumi
import pytest

import settings
from preflight import engine, remote
from preflight.engine import Recording, Registration
from tests.mocks import of_type, one, record, record_failure
from tests.test_main_program import program, stack_config

CLUSTER = "eks:index:Cluster"
NODE_GROUP = "eks:index:ManagedNodeGroup"
ADDON = "aws:eks/addon:Addon"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
EKS_EXPORTS = {"eksClusterName", "eksClusterEndpoint", "eksOidcProviderArn", "eksOidcProviderUrl", "eksNodeRoleArn",
               "eksKubeconfig"}
EKS_TYPES = ("eks:", "platform:eks:", "aws:eks/", "aws:kms/")


@functools.cache
def run(stack: str, preview: bool = False, **changes: str) -> Recording:
    return record(program, stack=stack, config=stack_config(stack, **changes), preview=preview)


def named(rec: Recording, resource_type: str, name: str) -> Registration:
    [found] = [r for r in of_type(rec, resource_type) if r.name == name]
    return found


@pytest.fixture
def calendar_day(monkeypatch: pytest.MonkeyPatch):
    """EKS's version list as the mocks answer it on 2026-11-29 (1.31's extended support ended on 2026-11-26)."""
    day = datetime.date(2026, 11, 29)
    monkeypatch.setitem(remote.CALLS, "aws:eks/getClusterVersions:getClusterVersions",
                        lambda args: remote.cluster_versions(args, today=day))


# ---- dev: nothing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_dev_registers_nothing_of_eks(preview: bool):
    rec = run("dev", preview)
    assert [r.urn for r in rec.resources if r.type.startswith(EKS_TYPES)] == []
    assert not EKS_EXPORTS & set(rec.outputs), sorted(rec.outputs)
    for subnet in of_type(rec, "aws:ec2/subnet:Subnet"):
        assert not any(k.startswith("kubernetes.io/") for k in subnet.inputs["tags"]), subnet.urn


# ---- staging and prod: the cluster and its node groups as configured ---------------------------------------------


@pytest.mark.parametrize(("stack", "protected"), [("staging", False), ("prod", True)])
def test_cluster_inputs_per_stack(stack: str, protected: bool):
    rec = run(stack)
    expected = settings.load(stack, stack_config(stack)).eks
    cluster = one(rec, CLUSTER)
    inputs = cluster.inputs
    assert (inputs["name"], inputs["version"]) == (f"container-platform-{stack}", expected.version), cluster.urn
    assert (inputs["endpointPrivateAccess"], inputs["endpointPublicAccess"]) == (True, False), cluster.urn
    assert inputs["privateSubnetIds"] == rec.outputs["privateSubnetIds"], cluster.urn
    assert inputs["vpcId"] == rec.outputs["vpcId"], cluster.urn
    assert inputs["authenticationMode"] == "API", cluster.urn
    assert inputs["accessEntries"]["admin"]["principalArn"] == expected.admin_role_arn, cluster.urn
    assert inputs["deletionProtection"] is protected and cluster.protect is protected, cluster.urn
    assert one(rec, "aws:kms/key:Key").protect is protected


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_node_group_inputs_per_stack(stack: str):
    rec = run(stack)
    expected = settings.load(stack, stack_config(stack)).eks
    groups = of_type(rec, NODE_GROUP)
    assert len(groups) == len(expected.node_groups)
    for group, spec in zip(groups, expected.node_groups, strict=True):
        inputs = group.inputs
        assert inputs["nodeGroupNamePrefix"] == f"{spec.name}-", group.urn
        assert inputs["instanceTypes"] == list(spec.instance_types), group.urn
        assert inputs["scalingConfig"] == {"minSize": float(spec.min_size), "desiredSize": float(spec.desired_size),
                                           "maxSize": float(spec.max_size)}, group.urn
        assert inputs["version"] == one(rec, CLUSTER).inputs["version"], group.urn
        assert inputs["subnetIds"] == rec.outputs["privateSubnetIds"], group.urn
        assert inputs["nodeRoleArn"] == rec.outputs["eksNodeRoleArn"], group.urn
        assert "remoteAccess" not in inputs, group.urn
        template = named(rec, "aws:ec2/launchTemplate:LaunchTemplate", f"kubernetes-{spec.name}")
        assert template.urn in group.property_dependencies["launchTemplate"], group.urn
        assert template.inputs["metadataOptions"]["httpTokens"] == "required", template.urn
        assert template.inputs["blockDeviceMappings"][0]["ebs"]["volumeSize"] == float(spec.disk_size), template.urn


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_node_groups_start_after_the_node_role_policies_and_the_vpc_cni(stack: str):
    rec = run(stack)
    addon = one(rec, ADDON)
    node_role = named(rec, ROLE, "kubernetes-node")
    policies = [a.urn for a in of_type(rec, ATTACHMENT) if a.inputs["role"] == node_role.id]
    assert len(policies) == 2
    for group in of_type(rec, NODE_GROUP):
        assert {addon.urn, *policies} <= set(group.dependencies), group.urn
    assert one(rec, CLUSTER).urn in addon.dependencies, addon.urn


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_only_private_subnets_take_kubernetes_load_balancers(stack: str):
    rec = run(stack)
    subnets = {r.id: r for r in of_type(rec, "aws:ec2/subnet:Subnet")}
    for subnet_id in rec.outputs["privateSubnetIds"]:
        assert subnets[subnet_id].inputs["tags"]["kubernetes.io/role/internal-elb"] == "1", subnets[subnet_id].urn
    for subnet_id in rec.outputs["publicSubnetIds"]:
        tags = subnets[subnet_id].inputs["tags"]
        assert not any(k.startswith("kubernetes.io/") for k in tags), subnets[subnet_id].urn


# ---- the contract ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_exports_come_from_the_cluster_and_the_kubeconfig_is_secret(stack: str):
    rec = run(stack)
    out = rec.outputs
    assert EKS_EXPORTS <= set(out), sorted(out)
    cluster = one(rec, CLUSTER)
    assert out["eksClusterName"] == f"container-platform-{stack}"
    assert out["eksClusterEndpoint"].startswith("https://") and out["eksClusterEndpoint"].endswith(".amazonaws.com")
    assert out["eksOidcProviderArn"] == cluster.outputs["oidcProviderArn"]
    assert out["eksOidcProviderUrl"] == cluster.outputs["oidcProviderUrl"]
    assert out["eksNodeRoleArn"] == named(rec, ROLE, "kubernetes-node").outputs["arn"]
    assert engine.is_secret(out["eksKubeconfig"]) and out["eksKubeconfig"] == engine.REDACTED_SECRET
    assert "get-token" not in json.dumps(out)


def test_the_readme_documents_every_eks_output():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    contract = readme.split("## Stack outputs", 1)[1].split("\n## ", 1)[0]
    assert [name for name in sorted(EKS_EXPORTS) if f"`{name}`" not in contract] == []


def test_a_preview_exports_the_contract_with_unknown_values_and_a_secret_kubeconfig():
    rec = run("prod", preview=True)
    assert EKS_EXPORTS <= set(rec.outputs)
    assert rec.outputs["eksClusterName"] == engine.UNKNOWN
    assert engine.is_secret(rec.outputs["eksKubeconfig"])
    assert named(rec, ROLE, "kubernetes-aws-node").inputs["assumeRolePolicy"] == engine.UNKNOWN


def test_the_aws_node_role_trusts_the_clusters_provider_for_its_service_account_only():
    rec = run("prod")
    [statement] = json.loads(named(rec, ROLE, "kubernetes-aws-node").inputs["assumeRolePolicy"])["Statement"]
    issuer = rec.outputs["eksOidcProviderUrl"].removeprefix("https://")
    assert statement["Principal"] == {"Federated": rec.outputs["eksOidcProviderArn"]}
    assert statement["Condition"] == {"StringEquals": {f"{issuer}:sub": "system:serviceaccount:kube-system:aws-node",
                                                       f"{issuer}:aud": "sts.amazonaws.com"}}


# ---- the Kubernetes version -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("calendar_day")
@pytest.mark.parametrize("version", ["1.28", "1.31", "1.40"])
def test_a_version_eks_does_not_offer_fails_after_only_the_provider(version: str):
    exc, registered = record_failure(program, stack="prod", config=stack_config("prod", eksVersion=version))
    assert isinstance(exc, pulumi.RunError), repr(exc)
    assert str(exc) == (f"Pulumi.prod.yaml: container-platform:eksVersion must be a version EKS offers in eu-west-1: "
                        f"1.32, 1.33, 1.34, 1.35 (got {version})")
    assert [r.type for r in registered] == ["pulumi:providers:aws"]


@pytest.mark.usefixtures("calendar_day")
def test_a_version_in_extended_support_is_offered_and_left_to_the_policy():
    rec = record(program, stack="staging", config=stack_config("staging", eksVersion="1.33"))
    assert one(rec, CLUSTER).inputs["version"] == "1.33"
    assert {g.inputs["version"] for g in of_type(rec, NODE_GROUP)} == {"1.33"}


def test_the_mocks_answer_eks_versions_with_their_status_on_the_day():
    day = datetime.date(2026, 11, 29)
    statuses = {v["clusterVersion"]: v["versionStatus"] for v in remote.cluster_versions({}, today=day)
                ["clusterVersions"]}
    assert statuses == {"1.32": "EXTENDED_SUPPORT", "1.33": "EXTENDED_SUPPORT", "1.34": "STANDARD_SUPPORT",
                        "1.35": "STANDARD_SUPPORT"}
    every = remote.cluster_versions({"includeAll": True}, today=day)["clusterVersions"]
    assert {v["clusterVersion"] for v in every if v["versionStatus"] == "UNSUPPORTED"} == {"1.29", "1.30", "1.31"}
    standard = remote.cluster_versions({"versionStatus": "STANDARD_SUPPORT"}, today=day)["clusterVersions"]
    assert [v["clusterVersion"] for v in standard] == ["1.34", "1.35"]


# ---- without NAT ---------------------------------------------------------------------------------------------------


def test_a_private_only_stack_admits_the_nodes_to_the_endpoints_they_need():
    rec = run("staging", natStrategy="none")
    assert of_type(rec, "aws:ec2/natGateway:NatGateway") == []
    endpoints = {e.inputs["serviceName"].removeprefix("com.amazonaws.eu-west-1.")
                 for e in of_type(rec, "aws:ec2/vpcEndpoint:VpcEndpoint") if e.inputs["vpcEndpointType"] == "Interface"}
    assert {"ec2", "ecr.api", "ecr.dkr", "sts", "eks", "eks-auth"} <= endpoints
    [endpoint_sg] = [r for r in of_type(rec, "aws:ec2/securityGroup:SecurityGroup") if "endpoints" in r.name]
    rules = [r for r in of_type(rec, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if r.inputs["securityGroupId"] == endpoint_sg.id]
    from_cluster = [r for r in rules if one(rec, CLUSTER).urn in r.property_dependencies["referencedSecurityGroupId"]]
    assert len(from_cluster) == 1 and from_cluster[0].inputs["fromPort"] == 443.0, [r.urn for r in rules]
