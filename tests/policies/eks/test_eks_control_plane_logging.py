import pytest
from guardrails.eks._eks import AWS_CLUSTER, CLUSTER
from guardrails.eks.eks_control_plane_logging import POLICY

from tests.policies.harness import UNKNOWN, check_resource

SHAPES = pytest.mark.parametrize("resource_type", [CLUSTER, AWS_CLUSTER], ids=["component", "resource"])


@SHAPES
def test_api_audit_authenticator_pass_with_or_without_the_rest(resource_type):
    for types in (["api", "audit", "authenticator"], ["scheduler", "authenticator", "audit", "api"]):
        assert check_resource(POLICY, resource_type, {"enabledClusterLogTypes": types}).violations == []


@SHAPES
def test_no_logging_fails(resource_type):
    assert check_resource(POLICY, resource_type, {}).messages == [
        "the control plane does not log api, audit, authenticator (enabledClusterLogTypes: none); add api, audit, "
        "authenticator to enabledClusterLogTypes."
    ]


@SHAPES
def test_missing_audit_fails(resource_type):
    result = check_resource(POLICY, resource_type, {"enabledClusterLogTypes": ["api", "authenticator"]})
    assert result.messages == [
        "the control plane does not log audit (enabledClusterLogTypes: api, authenticator); add audit to "
        "enabledClusterLogTypes."
    ]


def test_audit_alone_is_too_narrow():
    [message] = check_resource(POLICY, CLUSTER, {"enabledClusterLogTypes": ["audit"]}).messages
    assert message.startswith("the control plane does not log api, authenticator ")


def test_other_types_not_applicable_and_unknown_cannot_be_evaluated():
    assert check_resource(POLICY, "aws:eks/nodeGroup:NodeGroup", {}).violations == []
    assert check_resource(POLICY, CLUSTER, {"enabledClusterLogTypes": UNKNOWN}).unknown
