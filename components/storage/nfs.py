"""The NFS path from one client security group (Fargate tasks, or container instances) to a file system's mount
targets: exactly TCP 2049, from that group only."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

NFS_PORT = 2049


def allow_nfs(client: str, file_system: str, *, mount_target_security_group_id: pulumi.Input[str],
              client_security_group_id: pulumi.Input[str], parent: pulumi.Resource) -> tuple[pulumi.Resource, ...]:
    """Ingress on the mount targets' group from the client's group, and the matching egress on the client's group
    (the provider strips AWS's allow-all egress from groups it creates), named ``<client>-<file system>-nfs`` and
    ``-nfs-out``. Returns both rules: whatever mounts must wait for them."""
    opts = pulumi.ResourceOptions(parent=parent)
    ingress = aws.vpc.SecurityGroupIngressRule(
        f"{client}-{file_system}-nfs", security_group_id=mount_target_security_group_id,
        referenced_security_group_id=client_security_group_id, ip_protocol="tcp", from_port=NFS_PORT,
        to_port=NFS_PORT, description=f"NFS from {client}", opts=opts)
    egress = aws.vpc.SecurityGroupEgressRule(
        f"{client}-{file_system}-nfs-out", security_group_id=client_security_group_id,
        referenced_security_group_id=mount_target_security_group_id, ip_protocol="tcp", from_port=NFS_PORT,
        to_port=NFS_PORT, description=f"NFS to the mount targets of file system {file_system}", opts=opts)
    return ingress, egress
