"""An EKS cluster in the platform VPC: private API endpoint, control-plane logs, Kubernetes secrets encrypted with
the cluster's own KMS key, an OIDC provider for service account roles, access entries only (authentication mode
API) with one admin role, and the VPC CNI running on its own service account role rather than the nodes'.

``pulumi_eks.Cluster`` is a remote component: the EKS provider builds the ``aws:eks/cluster:Cluster`` and the OIDC
provider from the inputs set here. Node groups are separate (``components/eks/node_group.py``); they use the node
role built here and wait for the VPC CNI.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from components.eks.irsa import IrsaRole, IrsaRoleArgs
from components.network.endpoints import admit_to_endpoints
from components.shared.context import PlatformContext
from components.shared.iam import trust_policy

TYPE = "platform:eks:EksCluster"
#: Control-plane log types EKS can send to CloudWatch Logs.
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
#: What the platform always records: API calls, the audit trail (who did what) and IAM authentication.
REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")
#: The node role's AWS managed policies: join the cluster, pull images. The VPC CNI's permissions are on its own
#: service account role (``CNI_POLICY``), so the nodes, and whatever runs on them, cannot manage network interfaces.
NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
CNI_POLICY = "AmazonEKS_CNI_Policy"
CLUSTER_POLICY = "AmazonEKSClusterPolicy"
ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy"
_NAME = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}")
_VERSION = re.compile(r"1\.(0|[1-9][0-9]*)")
#: What the key's administrators (the account, through IAM) may do: manage the key, never use it to encrypt or
#: decrypt, nor create grants outside EKS. Rotation cannot be turned off.
KEY_ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion", "kms:DescribeKey", "kms:DisableKey", "kms:EnableKey", "kms:EnableKeyRotation",
    "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags",
    "kms:PutKeyPolicy", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
    "kms:UpdateKeyDescription",
)
#: What the cluster role needs to encrypt and decrypt Kubernetes secrets with the key.
KEY_CLUSTER_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants")


def secrets_key_policy(partition: str, account_id: str, region: str, dns_suffix: str, cluster_role_arn: str) -> str:
    """The key policy of the secrets key: the account administers it, the cluster role uses it, and principals of
    the account may let EKS create its grant on it (while creating the cluster), through EKS only."""
    root = f"arn:{partition}:iam::{account_id}:root"
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": root},
             "Action": list(KEY_ADMIN_ACTIONS), "Resource": "*"},
            {"Sid": "ClusterRoleUse", "Effect": "Allow", "Principal": {"AWS": cluster_role_arn},
             "Action": list(KEY_CLUSTER_ACTIONS), "Resource": "*"},
            {"Sid": "GrantsThroughEks", "Effect": "Allow", "Principal": {"AWS": root},
             "Action": "kms:CreateGrant", "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": f"eks.{region}.{dns_suffix}",
                                            "kms:CallerAccount": account_id},
                           "Bool": {"kms:GrantIsForAWSResource": "true"}}},
        ],
    })


@dataclass(frozen=True)
class EksClusterArgs:
    context: PlatformContext
    """Environment facts (stack, region, account, partition, log retention, protect)."""
    cluster_name: str
    """The cluster's name in EKS (1..100 letters, digits, hyphens, underscores); its log group is named after it."""
    version: str
    """Kubernetes minor version, e.g. ``1.35``."""
    vpc_id: pulumi.Input[str]
    """The platform VPC."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Private subnets, one per zone: the control plane's network interfaces and the nodes."""
    admin_role_arn: pulumi.Input[str]
    """IAM role that gets an access entry with the cluster admin access policy."""
    public_access_cidrs: tuple[str, ...] = ()
    """IPv4 networks that may reach the public API endpoint; empty turns the public endpoint off."""
    log_types: tuple[str, ...] = REQUIRED_LOG_TYPES
    """Control-plane log types sent to CloudWatch Logs; at least api, audit and authenticator."""
    endpoints_security_group_id: pulumi.Input[str] | None = None
    """The VPC's interface endpoints' SG (private subnets without NAT): nodes are admitted to it."""


class EksCluster(pulumi.ComponentResource):
    cluster: eks.Cluster
    """The pulumi-eks cluster, for node groups."""
    cluster_name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    """The security group EKS creates for the control plane and the nodes (managed node groups use it)."""
    oidc_provider_arn: pulumi.Output[str]
    oidc_provider_url: pulumi.Output[str]
    oidc_issuer: pulumi.Output[str]
    """The provider URL without ``https://``: the prefix of IRSA trust condition keys."""
    kubeconfig: pulumi.Output[object]
    """A kubeconfig for the cluster (``aws eks get-token``), as a secret."""
    node_role_arn: pulumi.Output[str]
    nodes_ready: tuple[pulumi.Resource, ...]
    """What node groups wait for: the node role's policies and the VPC CNI with its service account role."""

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        _validate(name, args)
        super().__init__(TYPE, name, None, opts)
        context = args.context
        child = pulumi.ResourceOptions(parent=self)

        # EKS writes control-plane logs to this group; created first, it has the stack's retention rather than
        # EKS's never-expire default.
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=f"/aws/eks/{args.cluster_name}/cluster",
                                       retention_in_days=context.log_retention_days,
                                       opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True))
        cluster_role = aws.iam.Role(f"{name}-cluster", assume_role_policy=trust_policy("eks.amazonaws.com"),
                                    description=f"EKS cluster {args.cluster_name}", opts=child)
        cluster_policy = aws.iam.RolePolicyAttachment(f"{name}-cluster", role=cluster_role.name,
                                                      policy_arn=context.managed_policy(CLUSTER_POLICY), opts=child)
        dns_suffix = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=self)).dns_suffix
        key = aws.kms.Key(
            f"{name}-secrets",
            description=f"Envelope encryption of Kubernetes secrets in EKS cluster {args.cluster_name}",
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            # Without the key the cluster's secrets are lost: the longest waiting period where it is protected.
            deletion_window_in_days=30 if context.protect else 7,
            policy=pulumi.Output.all(cluster_role.arn, dns_suffix).apply(
                lambda v: secrets_key_policy(context.partition, context.account_id, context.region, v[1], v[0])),
            opts=pulumi.ResourceOptions(parent=self, protect=context.protect),
        )

        cidrs = list(args.public_access_cidrs)
        self.cluster = eks.Cluster(
            name,
            name=args.cluster_name,
            version=args.version,
            vpc_id=args.vpc_id,
            private_subnet_ids=args.subnet_ids,
            endpoint_private_access=True,
            endpoint_public_access=bool(cidrs),
            public_access_cidrs=cidrs or None,
            enabled_cluster_log_types=list(args.log_types),
            encryption_config_key_arn=key.arn,
            create_oidc_provider=True,
            authentication_mode=eks.AuthenticationMode.API,
            access_entries={"admin": eks.AccessEntryArgs(
                principal_arn=args.admin_role_arn,
                type=eks.AccessEntryType.STANDARD,
                access_policies={"cluster-admin": eks.AccessPolicyAssociationArgs(
                    policy_arn=f"arn:{context.partition}:eks::aws:cluster-access-policy/{ADMIN_ACCESS_POLICY}",
                    access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                )},
            )},
            service_role=cluster_role,
            skip_default_node_group=True,
            # Managed node groups with their own launch template use the security group EKS creates for the
            # cluster; the provider's extra node and cluster groups would only add rules nobody uses.
            skip_default_security_groups=True,
            # The VPC CNI is the add-on below, on its own service account role.
            use_default_vpc_cni=True,
            deletion_protection=context.protect,
            # Never pay for extended support: at the end of standard support EKS upgrades the cluster itself.
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type="STANDARD"),
            opts=pulumi.ResourceOptions(parent=self, protect=context.protect, depends_on=[logs, cluster_policy]),
        )
        eks_cluster = self.cluster.eks_cluster

        node_role = aws.iam.Role(f"{name}-node", assume_role_policy=trust_policy("ec2.amazonaws.com"),
                                 description=f"Nodes of EKS cluster {args.cluster_name}", opts=child)
        node_policies = [
            aws.iam.RolePolicyAttachment(f"{name}-node-{policy.lower()}", role=node_role.name,
                                         policy_arn=context.managed_policy(policy), opts=child)
            for policy in NODE_POLICIES
        ]
        cni_role = IrsaRole(f"{name}-aws-node", IrsaRoleArgs(
            context=context, oidc_provider_arn=self.cluster.oidc_provider_arn, oidc_issuer=self.cluster.oidc_issuer,
            namespace="kube-system", service_account="aws-node", managed_policies=(CNI_POLICY,)), opts=child)
        cni = aws.eks.Addon(
            f"{name}-vpc-cni",
            cluster_name=eks_cluster.name,
            addon_name="vpc-cni",
            # The add-on version EKS recommends for the cluster's version: it follows each version upgrade.
            addon_version=aws.eks.get_addon_version_output(
                addon_name="vpc-cni", kubernetes_version=args.version, most_recent=False,
                opts=pulumi.InvokeOptions(parent=self)).version,
            service_account_role_arn=cni_role.role_arn,
            # EKS installed a self-managed aws-node at creation: the add-on takes it over.
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(cni_role.attachments)),
        )

        self.security_group_id = eks_cluster.vpc_config.cluster_security_group_id
        if args.endpoints_security_group_id is not None:
            admit_to_endpoints(name, args.endpoints_security_group_id, self.security_group_id, self)

        self.cluster_name = eks_cluster.name
        self.endpoint = eks_cluster.endpoint
        self.oidc_provider_arn = self.cluster.oidc_provider_arn
        self.oidc_provider_url = self.cluster.oidc_provider_url
        self.oidc_issuer = self.cluster.oidc_issuer
        self.kubeconfig = pulumi.Output.secret(self.cluster.kubeconfig)
        self.node_role_arn = node_role.arn
        self.nodes_ready = (*node_policies, cni)
        self.register_outputs({
            "clusterName": self.cluster_name, "endpoint": self.endpoint, "securityGroupId": self.security_group_id,
            "oidcProviderArn": self.oidc_provider_arn, "oidcProviderUrl": self.oidc_provider_url,
            "kubeconfig": self.kubeconfig, "nodeRoleArn": self.node_role_arn,
        })


def _validate(name: str, args: EksClusterArgs) -> None:
    if not _NAME.fullmatch(args.cluster_name):
        raise ValueError(f"EksCluster {name}: cluster_name must be 1..100 letters, digits, hyphens and underscores, "
                         f"starting with a letter or digit (got {args.cluster_name!r})")
    if not _VERSION.fullmatch(args.version):
        raise ValueError(f"EksCluster {name}: version must be a Kubernetes minor version such as 1.35 "
                         f"(got {args.version!r})")
    for cidr in args.public_access_cidrs:
        try:
            network = ipaddress.ip_network(cidr, strict=True)
        except ValueError:
            network = None
        if network is None or network.version != 4 or network.prefixlen == 0:
            raise ValueError(f"EksCluster {name}: public_access_cidrs must be IPv4 networks narrower than 0.0.0.0/0 "
                             f"(got {cidr!r})")
    missing = [t for t in REQUIRED_LOG_TYPES if t not in args.log_types]
    unknown = [t for t in args.log_types if t not in LOG_TYPES]
    if missing or unknown or len(set(args.log_types)) != len(args.log_types):
        raise ValueError(f"EksCluster {name}: log_types must be distinct, from {', '.join(LOG_TYPES)}, and include "
                         f"{', '.join(REQUIRED_LOG_TYPES)} (got {', '.join(args.log_types)})")
    admin = args.admin_role_arn
    if isinstance(admin, str) and not re.fullmatch(rf"arn:{re.escape(args.context.partition)}:iam::\d{{12}}:role/.+",
                                                   admin):
        raise ValueError(f"EksCluster {name}: admin_role_arn must be an IAM role ARN in partition "
                         f"{args.context.partition} (got {admin!r})")
