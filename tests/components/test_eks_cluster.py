"""EksCluster built directly under the mocks: the pulumi-eks cluster's inputs (a remote component: its children are
not registered here), the secrets key, the log group, the cluster and node roles, the VPC CNI on its own role."""

from __future__ import annotations

import functools
import json

import pulumi
import pytest

from components.eks.cluster import TYPE, EksCluster, EksClusterArgs
from preflight import engine
from preflight.engine import ACCOUNT_ID, Recording, Registration
from tests.mocks import REGION, context, of_type, one, record, record_failure, ref, refs

CLUSTER = "eks:index:Cluster"
KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ADDON = "aws:eks/addon:Addon"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]
ADMIN = f"arn:aws:iam::{ACCOUNT_ID}:role/platform-admin"
ENDPOINTS_SG = "sg-0e0e0e0e0e0e0e0e0"
NAME = "container-platform-test"


def args(**changes) -> EksClusterArgs:
    values = {"context": context(), "cluster_name": NAME, "version": "1.35", "vpc_id": "vpc-1",
              "subnet_ids": SUBNETS, "admin_role_arn": ADMIN}
    return EksClusterArgs(**{**values, **changes})


@functools.cache
def build(protect: bool = False, cidrs: tuple[str, ...] = (), endpoints: bool = False, partition: str = "aws",
          preview: bool = False) -> Recording:
    """One EksCluster named k8s; its kubeconfig and node role are exported as the program exports them."""
    admin = ADMIN.replace("arn:aws:", f"arn:{partition}:")

    def program() -> None:
        cluster = EksCluster("k8s", args(context=context(protect=protect, partition=partition),
                                         public_access_cidrs=cidrs, admin_role_arn=admin,
                                         endpoints_security_group_id=ENDPOINTS_SG if endpoints else None))
        pulumi.export("kubeconfig", cluster.kubeconfig)
        pulumi.export("name", cluster.cluster_name)
        pulumi.export("endpoint", cluster.endpoint)
        pulumi.export("nodeRoleArn", cluster.node_role_arn)
        pulumi.export("oidcProviderArn", cluster.oidc_provider_arn)

    return record(program, preview=preview)


def role(rec: Recording, name: str) -> Registration:
    [found] = [r for r in of_type(rec, ROLE) if r.name == name]
    return found


def attached(rec: Recording, role_: Registration) -> set[str]:
    return {a.inputs["policyArn"] for a in of_type(rec, ATTACHMENT) if a.inputs["role"] == role_.id}


# ---- the pulumi-eks cluster --------------------------------------------------------------------------------


def test_cluster_is_one_remote_registration_and_its_children_are_not_seen():
    rec = build()
    cluster = one(rec, CLUSTER)
    component = one(rec, TYPE)
    assert cluster.remote and not cluster.custom, cluster.urn
    assert cluster.parent == component.urn, cluster.urn
    assert [r.urn for r in rec.resources if r.type.startswith("aws:eks/cluster")] == []
    assert [r.urn for r in rec.resources if r.type == "aws:iam/openIdConnectProvider:OpenIdConnectProvider"] == []


def test_cluster_is_private_logged_encrypted_and_uses_access_entries():
    rec = build()
    cluster = one(rec, CLUSTER)
    inputs = cluster.inputs
    assert inputs["name"] == NAME and inputs["version"] == "1.35", cluster.urn
    assert (inputs["endpointPrivateAccess"], inputs["endpointPublicAccess"]) == (True, False), cluster.urn
    assert "publicAccessCidrs" not in inputs, cluster.urn
    assert inputs["privateSubnetIds"] == SUBNETS and inputs["vpcId"] == "vpc-1", cluster.urn
    assert "publicSubnetIds" not in inputs and "subnetIds" not in inputs, cluster.urn
    assert inputs["enabledClusterLogTypes"] == ["api", "audit", "authenticator"], cluster.urn
    assert ref(rec, cluster, "encryptionConfigKeyArn", "arn").type == KEY
    assert inputs["createOidcProvider"] is True, cluster.urn
    assert inputs["authenticationMode"] == "API", cluster.urn
    assert inputs["accessEntries"] == {"admin": {
        "principalArn": ADMIN, "type": "STANDARD",
        "accessPolicies": {"cluster-admin": {
            "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            "accessScope": {"type": "cluster"}}},
    }}, cluster.urn
    assert (inputs["skipDefaultNodeGroup"], inputs["skipDefaultSecurityGroups"]) == (True, True), cluster.urn
    assert inputs["useDefaultVpcCni"] is True, cluster.urn  # the add-on below replaces it
    assert inputs["upgradePolicy"] == {"supportType": "STANDARD"}, cluster.urn
    assert ref(rec, cluster, "serviceRole").name == "k8s-cluster"


def test_unprotected_cluster_has_no_deletion_protection():
    cluster = one(build(), CLUSTER)
    assert cluster.inputs["deletionProtection"] is False and not cluster.protect, cluster.urn


def test_protected_cluster_and_key_cannot_be_deleted():
    rec = build(protect=True)
    cluster, key = one(rec, CLUSTER), one(rec, KEY)
    assert cluster.inputs["deletionProtection"] is True and cluster.protect, cluster.urn
    assert key.protect and key.inputs["deletionWindowInDays"] == 30, key.urn
    assert not one(build(), KEY).protect and one(build(), KEY).inputs["deletionWindowInDays"] == 7


def test_public_endpoint_only_for_the_given_networks():
    cluster = one(build(cidrs=("203.0.113.0/24",)), CLUSTER)
    assert cluster.inputs["endpointPublicAccess"] is True, cluster.urn
    assert cluster.inputs["publicAccessCidrs"] == ["203.0.113.0/24"], cluster.urn
    assert cluster.inputs["endpointPrivateAccess"] is True, cluster.urn


def test_log_group_exists_before_the_cluster_with_the_stack_retention():
    rec = build()
    logs, cluster = one(rec, LOG_GROUP), one(rec, CLUSTER)
    assert logs.inputs == {"name": f"/aws/eks/{NAME}/cluster", "retentionInDays": 30.0}, logs.urn
    assert logs.urn in cluster.dependencies, cluster.urn


# ---- the secrets key ----------------------------------------------------------------------------------------


def key_policy(rec: Recording) -> dict[str, dict]:
    return {s["Sid"]: s for s in json.loads(one(rec, KEY).inputs["policy"])["Statement"]}


def test_key_rotates_and_is_a_symmetric_encryption_key():
    key = one(build(), KEY)
    assert key.inputs["enableKeyRotation"] is True, key.urn
    assert (key.inputs["keyUsage"], key.inputs["customerMasterKeySpec"]) == ("ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT")


def test_key_policy_lets_the_account_administer_but_not_use_the_key():
    admin = key_policy(build())["KeyAdministration"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}
    assert not {"kms:Encrypt", "kms:Decrypt", "kms:CreateGrant", "kms:ReEncryptFrom", "kms:DisableKeyRotation"} \
        & set(admin["Action"])
    assert not any("*" in action for action in admin["Action"])
    assert {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation"} <= set(admin["Action"])


def test_key_policy_lets_only_the_cluster_role_encrypt_and_decrypt():
    rec = build()
    statements = key_policy(rec)
    users = [s for s in statements.values() if {"kms:Encrypt", "kms:Decrypt"} & set(s["Action"])]
    assert [s["Sid"] for s in users] == ["ClusterRoleUse"]
    assert users[0]["Principal"] == {"AWS": role(rec, "k8s-cluster").outputs["arn"]}
    assert sorted(users[0]["Action"]) == ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"]
    assert role(rec, "k8s-cluster").urn in one(rec, KEY).property_dependencies["policy"]


def test_key_policy_allows_grants_only_through_eks_for_aws_resources():
    grants = key_policy(build())["GrantsThroughEks"]
    assert grants["Action"] == "kms:CreateGrant"
    assert grants["Condition"] == {
        "StringEquals": {"kms:ViaService": f"eks.{REGION}.amazonaws.com", "kms:CallerAccount": ACCOUNT_ID},
        "Bool": {"kms:GrantIsForAWSResource": "true"}}


# ---- roles ------------------------------------------------------------------------------------------------


def test_cluster_role_is_for_eks_with_the_cluster_policy():
    rec = build()
    cluster_role = role(rec, "k8s-cluster")
    trust = json.loads(cluster_role.inputs["assumeRolePolicy"])["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    assert attached(rec, cluster_role) == {"arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"}


def test_node_role_has_only_what_nodes_need_and_no_cni_policy():
    rec = build()
    node_role = role(rec, "k8s-node")
    trust = json.loads(node_role.inputs["assumeRolePolicy"])["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    assert attached(rec, node_role) == {"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                                        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"}


def test_vpc_cni_runs_on_its_own_service_account_role():
    rec = build()
    cluster, addon = one(rec, CLUSTER), one(rec, ADDON)
    cni_role = role(rec, "k8s-aws-node")
    assert attached(rec, cni_role) == {"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"}
    [statement] = json.loads(cni_role.inputs["assumeRolePolicy"])["Statement"]
    issuer = cluster.outputs["oidcIssuer"]
    assert statement["Principal"] == {"Federated": cluster.outputs["oidcProviderArn"]}
    assert statement["Condition"] == {"StringEquals": {f"{issuer}:sub": "system:serviceaccount:kube-system:aws-node",
                                                       f"{issuer}:aud": "sts.amazonaws.com"}}
    assert cluster.urn in cni_role.property_dependencies["assumeRolePolicy"]
    assert addon.inputs["addonName"] == "vpc-cni", addon.urn
    assert addon.inputs["clusterName"] == NAME, addon.urn
    assert cluster.urn in addon.property_dependencies["clusterName"], addon.urn
    assert addon.inputs["addonVersion"] == "v1.20.4-eksbuild.1", addon.urn
    assert ref(rec, addon, "serviceAccountRoleArn", "arn").name == "k8s-aws-node"
    assert (addon.inputs["resolveConflictsOnCreate"], addon.inputs["resolveConflictsOnUpdate"]) == \
        ("OVERWRITE", "OVERWRITE")
    [cni_attachment] = [a for a in of_type(rec, ATTACHMENT) if a.inputs["role"] == cni_role.id]
    assert cni_attachment.urn in addon.dependencies, addon.urn


def test_partition_aware_arns():
    rec = build(partition="aws-cn")
    cluster = one(rec, CLUSTER)
    entry = cluster.inputs["accessEntries"]["admin"]
    assert entry["accessPolicies"]["cluster-admin"]["policyArn"] == \
        "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    assert entry["principalArn"] == f"arn:aws-cn:iam::{ACCOUNT_ID}:role/platform-admin"
    assert all(a.inputs["policyArn"].startswith("arn:aws-cn:iam::aws:policy/") for a in of_type(rec, ATTACHMENT))
    assert key_policy(rec)["KeyAdministration"]["Principal"] == {"AWS": f"arn:aws-cn:iam::{ACCOUNT_ID}:root"}


# ---- network ------------------------------------------------------------------------------------------------


def test_nodes_reach_the_interface_endpoints_without_nat():
    rec = build(endpoints=True)
    [rule] = of_type(rec, INGRESS)
    cluster = one(rec, CLUSTER)
    assert rule.inputs["securityGroupId"] == ENDPOINTS_SG, rule.urn
    assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs["ipProtocol"]) == (443.0, 443.0, "tcp")
    assert rule.inputs["referencedSecurityGroupId"].startswith("sg-"), rule.urn
    assert refs(rec, rule, "referencedSecurityGroupId") == [cluster], rule.urn
    assert of_type(build(), INGRESS) == []


# ---- outputs -------------------------------------------------------------------------------------------------


def test_kubeconfig_is_a_secret_and_the_rest_come_from_the_cluster():
    rec = build()
    assert engine.is_secret(rec.outputs["kubeconfig"]), rec.outputs["kubeconfig"]
    assert "get-token" not in json.dumps(rec.outputs)
    cluster = one(rec, CLUSTER)
    assert rec.outputs["name"] == NAME
    assert rec.outputs["endpoint"].startswith("https://") and rec.outputs["endpoint"].endswith(".eks.amazonaws.com")
    assert rec.outputs["oidcProviderArn"] == cluster.outputs["oidcProviderArn"]
    assert rec.outputs["nodeRoleArn"] == role(rec, "k8s-node").outputs["arn"]


def test_preview_knows_the_inputs_not_the_outputs():
    rec = build(preview=True)
    cluster = one(rec, CLUSTER)
    assert cluster.inputs["endpointPublicAccess"] is False, cluster.urn
    assert cluster.inputs["encryptionConfigKeyArn"] == engine.UNKNOWN, cluster.urn
    assert rec.outputs["name"] == engine.UNKNOWN and engine.is_secret(rec.outputs["kubeconfig"])


# ---- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"cluster_name": "a" * 101}, f"EksCluster bad: cluster_name must be 1..100 letters, digits, hyphens and "
                                  f"underscores, starting with a letter or digit (got {'a' * 101!r})"),
    ({"cluster_name": "-x"}, "EksCluster bad: cluster_name must be 1..100 letters, digits, hyphens and underscores, "
                             "starting with a letter or digit (got '-x')"),
    ({"version": "1.35.2"}, "EksCluster bad: version must be a Kubernetes minor version such as 1.35 (got '1.35.2')"),
    ({"public_access_cidrs": ("0.0.0.0/0",)}, "EksCluster bad: public_access_cidrs must be IPv4 networks narrower "
                                               "than 0.0.0.0/0 (got '0.0.0.0/0')"),
    ({"public_access_cidrs": ("10.0.0.1/8",)}, "EksCluster bad: public_access_cidrs must be IPv4 networks narrower "
                                                "than 0.0.0.0/0 (got '10.0.0.1/8')"),
    ({"log_types": ("api", "audit")}, "EksCluster bad: log_types must be distinct, from api, audit, authenticator, "
                                      "controllerManager, scheduler, and include api, audit, authenticator (got api, "
                                      "audit)"),
    ({"log_types": ("api", "audit", "authenticator", "kubelet")},
     "EksCluster bad: log_types must be distinct, from api, audit, authenticator, controllerManager, scheduler, and "
     "include api, audit, authenticator (got api, audit, authenticator, kubelet)"),
    ({"admin_role_arn": f"arn:aws:iam::{ACCOUNT_ID}:user/alice"},
     f"EksCluster bad: admin_role_arn must be an IAM role ARN in partition aws (got 'arn:aws:iam::{ACCOUNT_ID}:"
     f"user/alice')"),
], ids=["name-long", "name-start", "version", "cidr-world", "cidr-host-bits", "logs-missing", "logs-unknown",
        "admin-user"])
def test_invalid_arguments_fail_before_registering(changes, message):
    exc, registered = record_failure(lambda: EksCluster("bad", args(**changes)))
    assert isinstance(exc, ValueError) and str(exc) == message
    assert registered == []


def test_all_log_types_are_accepted():
    types = ("api", "audit", "authenticator", "controllerManager", "scheduler")
    rec = record(lambda: EksCluster("k8s", args(log_types=types)))
    assert one(rec, CLUSTER).inputs["enabledClusterLogTypes"] == list(types)
