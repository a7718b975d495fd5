"""Managed node groups do not open SSH to the internet.

Judges ``remoteAccess`` of the pulumi-eks component (``eks:index:ManagedNodeGroup``) and of the EKS node group
(``aws:eks/nodeGroup:NodeGroup``). With an SSH key (``ec2SshKey``) and no ``sourceSecurityGroupIds``, EKS opens port
22 of every node to 0.0.0.0/0. No ``remoteAccess`` (no key pair) passes: reach nodes through SSM Session Manager.
A key with source security groups passes: SSH is then limited to those groups.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import count_entries, resource_policy
from guardrails.eks._eks import NODE_GROUPS, is_set


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in NODE_GROUPS:
        return
    remote = args.props.get("remoteAccess")
    if not remote or not is_set(remote, "ec2SshKey"):
        return
    if count_entries(remote.get("sourceSecurityGroupIds")) == 0:
        report(
            "SSH to the nodes is open to 0.0.0.0/0 (remoteAccess.ec2SshKey is set without "
            "remoteAccess.sourceSecurityGroupIds); remove remoteAccess and use SSM Session Manager, or set "
            "sourceSecurityGroupIds."
        )


POLICY = resource_policy(
    name="eks-node-group-no-open-remote-access",
    description="Managed node groups do not allow SSH from anywhere (an SSH key without source security groups).",
    service="eks",
    severity=Severity.HIGH,
    remediation=(
        "Drop remote_access from pulumi_eks.ManagedNodeGroup (aws.eks.NodeGroup), or give "
        "remote_access.source_security_group_ids; with a custom launch template, set no key_name."
    ),
    validate=check,
)
