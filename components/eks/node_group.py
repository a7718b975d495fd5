"""A managed node group of the EKS cluster: EKS runs it as an Auto Scaling group from a launch template of the
platform's own (IMDSv2 only, hop limit 1, encrypted gp3 root volume, no SSH key), in the private subnets.

``pulumi_eks.ManagedNodeGroup`` is a remote component: the EKS provider builds the ``aws:eks/nodeGroup:NodeGroup``.
pulumi-eks does not expose the node group's update config, so a transform sets it on that child: EKS replaces one
node at a time, after launching its replacements, so the group never runs below its size during an update.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from components.shared.context import PlatformContext

TYPE = "platform:eks:NodeGroup"
NODE_GROUP_TYPE = "aws:eks/nodeGroup:NodeGroup"
#: Nodes EKS takes out of service at once during an update (after launching their replacements).
MAX_UNAVAILABLE = 1
#: EKS node group names have at most 63 characters; the provider appends 26 to a name prefix.
NAME_PREFIX_MAX = 63 - 26
#: EKS allows up to 450 nodes in one managed node group.
MAX_NODES = 450
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def keep_capacity_during_updates(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    """Set the EKS node group's update config (``maxUnavailable``) on the node group pulumi-eks creates."""
    if args.type_ != NODE_GROUP_TYPE:
        return None
    props = {**args.props, "updateConfig": {"maxUnavailable": MAX_UNAVAILABLE}}
    return pulumi.ResourceTransformResult(props=props, opts=args.opts)


@dataclass(frozen=True)
class EksNodeGroupArgs:
    context: PlatformContext
    """Environment facts (tags for what the nodes launch)."""
    cluster: eks.Cluster
    """The cluster the nodes join."""
    node_group_name: str
    """Prefix of the node group's name in EKS (the provider appends a unique suffix, so a replacement never
    collides with the group it replaces); up to 36 characters."""
    version: str
    """Kubernetes version of the nodes: the cluster's."""
    node_role_arn: pulumi.Input[str]
    """The nodes' IAM role (worker node and image pull policies)."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Private subnets, one per zone."""
    instance_types: tuple[str, ...]
    """EC2 instance types, all of one architecture."""
    min_size: int
    """Fewest nodes."""
    desired_size: int
    """Nodes at creation and after each update."""
    max_size: int
    """Most nodes."""
    disk_size: int = 50
    """Root volume in GiB."""
    spot: bool = False
    """Spot capacity instead of on-demand."""
    arm64: bool = False
    """Graviton instance types: the AL2023 arm64 AMI."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Kubernetes labels of the nodes."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist before nodes start (the node role's policies, the VPC CNI)."""


class EksNodeGroup(pulumi.ComponentResource):
    launch_template_id: pulumi.Output[str]

    def __init__(self, name: str, args: EksNodeGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        prefix = f"{args.node_group_name}-"
        if not _NAME.fullmatch(args.node_group_name) or len(prefix) > NAME_PREFIX_MAX:
            raise ValueError(f"EksNodeGroup {name}: node_group_name must be letters, digits, hyphens and "
                             f"underscores, up to {NAME_PREFIX_MAX - 1} characters (got {args.node_group_name!r})")
        if not 0 <= args.min_size <= args.desired_size <= args.max_size or not 1 <= args.max_size <= MAX_NODES:
            raise ValueError(f"EksNodeGroup {name}: needs 0 <= min_size <= desired_size <= max_size <= {MAX_NODES} "
                             f"and max_size >= 1 (got {args.min_size}/{args.desired_size}/{args.max_size})")
        if not args.instance_types or len(set(args.instance_types)) != len(args.instance_types):
            raise ValueError(f"EksNodeGroup {name}: instance_types must be distinct and not empty "
                             f"(got {', '.join(args.instance_types)})")
        super().__init__(TYPE, name, None, opts)

        # The provider's default tags do not reach what the nodes launch: tag instances and volumes here.
        launch_tags = {**args.context.tags, "Name": name}
        template = aws.ec2.LaunchTemplate(
            name,
            description=f"EKS node group {args.node_group_name}",
            # IMDSv2 only. Hop limit 1: pods (one network hop further, in their own network namespace) cannot
            # reach the metadata service, so they cannot take the node role's credentials; they get their own
            # through service account roles. Host-network pods (the VPC CNI, kube-proxy) still reach it.
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1),
            block_device_mappings=[aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name="/dev/xvda",
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=args.disk_size, volume_type="gp3", encrypted="true", delete_on_termination="true"),
            )],
            tag_specifications=[aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=launch_tags)
                                for kind in ("instance", "volume", "network-interface")],
            # No key pair, no network interfaces: no SSH, and EKS attaches the cluster's security group.
            update_default_version=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        eks.ManagedNodeGroup(
            name,
            cluster=args.cluster,
            node_group_name_prefix=prefix,
            version=args.version,
            node_role_arn=args.node_role_arn,
            subnet_ids=args.subnet_ids,
            instance_types=list(args.instance_types),
            capacity_type="SPOT" if args.spot else "ON_DEMAND",
            ami_type="AL2023_ARM_64_STANDARD" if args.arm64 else "AL2023_x86_64_STANDARD",
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=args.min_size, desired_size=args.desired_size, max_size=args.max_size),
            # A new template version rolls the nodes (with the update config below).
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(id=template.id,
                                                                version=template.latest_version.apply(str)),
            labels=dict(args.labels) or None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on),
                                        transforms=[keep_capacity_during_updates]),
        )
        self.launch_template_id = template.id
        self.register_outputs({"launchTemplateId": self.launch_template_id})
