"""IAM roles for Kubernetes service accounts (IRSA): a role that exactly one service account of one namespace can
assume through the cluster's OIDC provider."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.context import PlatformContext

TYPE = "platform:eks:IrsaRole"
#: The audience the EKS pod identity webhook puts in projected service account tokens.
AUDIENCE = "sts.amazonaws.com"
#: Kubernetes namespaces are DNS labels; service account names are DNS subdomains.
_NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
_SERVICE_ACCOUNT = re.compile(r"(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def subject(namespace: str, service_account: str) -> str:
    """The ``sub`` claim of the service account's tokens."""
    return f"system:serviceaccount:{namespace}:{service_account}"


def trust_policy(provider_arn: str, issuer: str, namespace: str, service_account: str) -> str:
    """Trust for ``AssumeRoleWithWebIdentity`` by the one service account, with tokens meant for STS.

    ``issuer`` is the provider's URL without ``https://`` (``oidc.eks.<region>.amazonaws.com/id/<id>``); both
    conditions use ``StringEquals``, so no other namespace, service account or audience matches.
    """
    host = issuer.removeprefix("https://")
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{host}:sub": subject(namespace, service_account),
                                           f"{host}:aud": AUDIENCE}},
        }],
    })


@dataclass(frozen=True)
class IrsaRoleArgs:
    context: PlatformContext
    """Environment facts (partition, for managed policy ARNs)."""
    oidc_provider_arn: pulumi.Input[str]
    """The cluster's IAM OIDC provider (``arn:<partition>:iam::<account>:oidc-provider/<issuer>``)."""
    oidc_issuer: pulumi.Input[str]
    """The provider's issuer, with or without ``https://``."""
    namespace: str
    """Namespace of the service account."""
    service_account: str
    """Name of the service account."""
    managed_policies: Sequence[str] = ()
    """AWS managed policy names to attach, e.g. ``AmazonEKS_CNI_Policy``."""


class IrsaRole(pulumi.ComponentResource):
    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    attachments: tuple[aws.iam.RolePolicyAttachment, ...]
    """What uses the role waits for these, so the role holds its permissions before the first pod assumes it."""

    def __init__(self, name: str, args: IrsaRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if not _NAMESPACE.fullmatch(args.namespace):
            raise ValueError(f"IrsaRole {name}: namespace must be a Kubernetes namespace name (got {args.namespace!r})")
        if not _SERVICE_ACCOUNT.fullmatch(args.service_account):
            raise ValueError(f"IrsaRole {name}: service_account must be a Kubernetes service account name "
                             f"(got {args.service_account!r})")
        if len(set(args.managed_policies)) != len(args.managed_policies):
            raise ValueError(f"IrsaRole {name}: managed_policies must be distinct "
                             f"(got {', '.join(args.managed_policies)})")
        super().__init__(TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            name,
            assume_role_policy=pulumi.Output.all(args.oidc_provider_arn, args.oidc_issuer).apply(
                lambda v: trust_policy(v[0], v[1], args.namespace, args.service_account)),
            description=f"Service account {args.namespace}/{args.service_account}",
            opts=child,
        )
        self.attachments = tuple(
            aws.iam.RolePolicyAttachment(f"{name}-{policy.lower().replace('_', '-')}", role=role.name,
                                         policy_arn=args.context.managed_policy(policy), opts=child)
            for policy in args.managed_policies
        )
        self.role_arn = role.arn
        self.role_name = role.name
        self.register_outputs({"roleArn": self.role_arn, "roleName": self.role_name})
