import pytest
from guardrails.eks._eks import AWS_CLUSTER, CLUSTER
from guardrails.eks.eks_endpoint_not_public import POLICY

from tests.policies.harness import UNKNOWN, check_resource


def test_private_component_passes():
    props = {"endpointPublicAccess": False, "endpointPrivateAccess": True, "privateSubnetIds": [UNKNOWN]}
    assert check_resource(POLICY, CLUSTER, props).violations == []


def test_private_cluster_resource_passes():
    props = {"roleArn": UNKNOWN, "vpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}}
    assert check_resource(POLICY, AWS_CLUSTER, props).violations == []


def test_component_default_is_public():
    assert check_resource(POLICY, CLUSTER, {"version": "1.35"}).messages == [
        "the cluster's Kubernetes API endpoint is public (endpointPublicAccess is not set, so true; reachable from "
        "0.0.0.0/0); set endpointPublicAccess to false and endpointPrivateAccess to true, and reach the API from "
        "inside the VPC."
    ]


def test_cluster_resource_default_is_public():
    result = check_resource(POLICY, AWS_CLUSTER, {"vpcConfig": {"subnetIds": ["subnet-1"]}})
    assert result.messages == [
        "the cluster's Kubernetes API endpoint is public (vpcConfig.endpointPublicAccess is not set, so true; "
        "reachable from 0.0.0.0/0); set vpcConfig.endpointPublicAccess to false and endpointPrivateAccess to true, "
        "and reach the API from inside the VPC."
    ]


@pytest.mark.parametrize(("resource_type", "props"), [
    (CLUSTER, {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}),
    (AWS_CLUSTER, {"vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}}),
], ids=["component", "resource"])
def test_cidr_restricted_public_endpoint_still_fails_naming_the_networks(resource_type, props):
    [message] = check_resource(POLICY, resource_type, props).messages
    assert "is true; reachable from 203.0.113.0/24)" in message


def test_other_types_not_applicable():
    assert check_resource(POLICY, "aws:eks/nodeGroup:NodeGroup", {}).violations == []


def test_unknown_public_flag_cannot_be_evaluated():
    assert check_resource(POLICY, CLUSTER, {"endpointPublicAccess": UNKNOWN}).unknown
