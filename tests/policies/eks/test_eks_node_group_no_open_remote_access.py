import pytest
from guardrails.eks._eks import AWS_NODE_GROUP, NODE_GROUP
from guardrails.eks.eks_node_group_no_open_remote_access import POLICY

from tests.policies.harness import UNKNOWN, check_resource

SHAPES = pytest.mark.parametrize("resource_type", [NODE_GROUP, AWS_NODE_GROUP], ids=["component", "resource"])


@SHAPES
def test_no_remote_access_passes(resource_type):
    assert check_resource(POLICY, resource_type, {"instanceTypes": ["m6i.large"]}).violations == []


@SHAPES
def test_key_limited_to_security_groups_passes(resource_type):
    props = {"remoteAccess": {"ec2SshKey": "ops", "sourceSecurityGroupIds": ["sg-0123456789abcdef0"]}}
    assert check_resource(POLICY, resource_type, props).violations == []


@SHAPES
def test_key_without_source_groups_is_open_to_the_internet(resource_type):
    for remote in ({"ec2SshKey": "ops"}, {"ec2SshKey": "ops", "sourceSecurityGroupIds": []},
                   {"ec2SshKey": UNKNOWN}):
        assert check_resource(POLICY, resource_type, {"remoteAccess": remote}).messages == [
            "SSH to the nodes is open to 0.0.0.0/0 (remoteAccess.ec2SshKey is set without "
            "remoteAccess.sourceSecurityGroupIds); remove remoteAccess and use SSM Session Manager, or set "
            "sourceSecurityGroupIds."
        ]


def test_source_groups_computed_in_a_preview_pass():
    props = {"remoteAccess": {"ec2SshKey": "ops", "sourceSecurityGroupIds": [UNKNOWN]}}
    assert check_resource(POLICY, AWS_NODE_GROUP, props).violations == []


def test_other_types_not_applicable():
    assert check_resource(POLICY, "aws:eks/cluster:Cluster", {"remoteAccess": {"ec2SshKey": "x"}}).violations == []
