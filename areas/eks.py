"""The Kubernetes area: an EKS cluster and its managed node groups, in stacks that enable it; nothing otherwise."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.eks.cluster import EksCluster, EksClusterArgs
from components.eks.node_group import EksNodeGroup, EksNodeGroupArgs
from components.network.vpc import Vpc
from components.shared.context import PlatformContext
from settings import PROJECT, Settings

#: The versions a cluster can be created on or upgraded to: in standard or (paid) extended support.
OFFERED = ("STANDARD_SUPPORT", "EXTENDED_SUPPORT")


@dataclass(frozen=True)
class EksArea:
    cluster: EksCluster
    node_groups: dict[str, EksNodeGroup]


def check_version(config: Settings, opts: pulumi.InvokeOptions) -> None:
    """Refuse a Kubernetes version EKS does not offer in the stack's region, from EKS's own list, before anything
    is registered."""
    offered = sorted({v.cluster_version for v in aws.eks.get_cluster_versions(opts=opts).cluster_versions
                      if v.version_status in OFFERED}, key=lambda v: tuple(map(int, v.split("."))))
    if config.eks.version not in offered:
        raise pulumi.RunError(f"Pulumi.{config.stack}.yaml: {PROJECT}:eksVersion must be a version EKS offers in "
                              f"{config.region}: {', '.join(offered) or 'none'} (got {config.eks.version})")


def build(config: Settings, context: PlatformContext, network: Vpc, opts: pulumi.ResourceOptions) -> EksArea | None:
    if not config.eks.enabled:
        return None
    settings = config.eks
    cluster = EksCluster(
        "kubernetes",
        EksClusterArgs(
            context=context,
            cluster_name=settings.cluster_name,
            version=settings.version,
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            admin_role_arn=settings.admin_role_arn,
            public_access_cidrs=settings.public_access_cidrs,
            endpoints_security_group_id=network.endpoints_security_group_id,
        ),
        opts=opts,
    )
    node_groups = {
        group.name: EksNodeGroup(
            f"kubernetes-{group.name}",
            EksNodeGroupArgs(
                context=context, cluster=cluster.cluster, node_group_name=group.name, version=settings.version,
                node_role_arn=cluster.node_role_arn, subnet_ids=network.private_subnet_ids,
                instance_types=group.instance_types, min_size=group.min_size, desired_size=group.desired_size,
                max_size=group.max_size, disk_size=group.disk_size, spot=group.spot, arm64=group.arm64,
                labels={"platform/node-group": group.name}, depends_on=cluster.nodes_ready,
            ),
            opts=opts,
        )
        for group in settings.node_groups
    }
    return EksArea(cluster=cluster, node_groups=node_groups)
