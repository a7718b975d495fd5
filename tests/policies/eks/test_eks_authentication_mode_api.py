import pytest
from guardrails.eks._eks import AWS_CLUSTER, CLUSTER
from guardrails.eks.eks_authentication_mode_api import POLICY

from tests.policies.harness import UNKNOWN, check_resource


def props(resource_type: str, mode=None) -> dict:
    if mode is None:
        return {}
    return {"authenticationMode": mode} if resource_type == CLUSTER else {"accessConfig": {"authenticationMode": mode}}


SHAPES = pytest.mark.parametrize("resource_type", [CLUSTER, AWS_CLUSTER], ids=["component", "resource"])


@SHAPES
@pytest.mark.parametrize("mode", ["API", "API_AND_CONFIG_MAP"])
def test_access_entries_pass(resource_type, mode):
    assert check_resource(POLICY, resource_type, props(resource_type, mode)).violations == []


@SHAPES
def test_config_map_only_fails(resource_type):
    [message] = check_resource(POLICY, resource_type, props(resource_type, "CONFIG_MAP")).messages
    assert "only through the aws-auth ConfigMap" in message and "is 'CONFIG_MAP'" in message


def test_absent_mode_is_config_map_in_both_shapes():
    assert check_resource(POLICY, CLUSTER, {}).messages == [
        "the cluster authenticates IAM principals only through the aws-auth ConfigMap (authenticationMode is not "
        "set, so CONFIG_MAP); set authenticationMode to 'API' and grant access with access entries."
    ]
    assert check_resource(POLICY, AWS_CLUSTER, {"accessConfig": {"bootstrapClusterCreatorAdminPermissions": True}}
                          ).messages == [
        "the cluster authenticates IAM principals only through the aws-auth ConfigMap (accessConfig.authenticationMode "
        "is not set, so CONFIG_MAP); set accessConfig.authenticationMode to 'API' and grant access with access "
        "entries."
    ]


def test_other_types_not_applicable_and_unknown_cannot_be_evaluated():
    assert check_resource(POLICY, "aws:eks/nodeGroup:NodeGroup", {}).violations == []
    assert check_resource(POLICY, CLUSTER, {"authenticationMode": UNKNOWN}).unknown
