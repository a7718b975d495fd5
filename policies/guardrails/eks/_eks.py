"""The two shapes of an EKS cluster and of a managed node group that policies judge, and reads that work on both.

- ``eks:index:Cluster`` / ``eks:index:ManagedNodeGroup``: the pulumi-eks components, as the program registers them
  (remote components: the offline preflight sees only these inputs). An absent input means pulumi-eks's default.
- ``aws:eks/cluster:Cluster`` / ``aws:eks/nodeGroup:NodeGroup``: what the EKS provider builds from them, as a real
  preview shows it. An absent input means the AWS provider's or EKS's default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy.proxy import UnknownValueError

CLUSTER = "eks:index:Cluster"
AWS_CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "eks:index:ManagedNodeGroup"
AWS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
CLUSTERS = (CLUSTER, AWS_CLUSTER)
NODE_GROUPS = (NODE_GROUP, AWS_NODE_GROUP)


def where(resource_type: str, component: str, aws: str) -> str:
    """The input's name in the resource's shape, for messages."""
    return component if resource_type in (CLUSTER, NODE_GROUP) else aws


def cluster_input(props: Mapping[str, Any], resource_type: str, component: str, aws: str) -> Any:
    """A cluster setting from either shape: ``component`` on the pulumi-eks component, the dotted path ``aws`` on
    the EKS cluster resource (``vpcConfig.endpointPublicAccess``). None when absent."""
    if resource_type == CLUSTER:
        return props.get(component)
    value: Any = props
    for part in aws.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def is_set(props: Mapping[str, Any], key: str) -> bool:
    """Whether the input is set to a non-empty value. An unknown value (a preview, computed from another resource)
    is set: only its value is not known yet."""
    try:
        value = props.get(key)
    except UnknownValueError:
        return True
    return value is not None and value != "" and value != [] and value != {}
