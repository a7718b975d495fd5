"""EKS clusters authenticate IAM principals through access entries, not only through the aws-auth ConfigMap.

Judges the pulumi-eks component (``eks:index:Cluster``: ``authenticationMode``) and the EKS cluster
(``aws:eks/cluster:Cluster``: ``accessConfig.authenticationMode``). Absent, a cluster created through the EKS API
uses ``CONFIG_MAP``: who may reach the cluster then lives in a ConfigMap inside it, which anyone with write access to
kube-system can change and no IAM or CloudTrail control sees. ``API`` (access entries only) is the goal;
``API_AND_CONFIG_MAP`` passes as the step a cluster takes on its way there (EKS moves one way, CONFIG_MAP →
API_AND_CONFIG_MAP → API).
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.eks._eks import CLUSTERS, cluster_input, where

ACCEPTED = ("API", "API_AND_CONFIG_MAP")


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in CLUSTERS:
        return
    mode = cluster_input(args.props, args.resource_type, "authenticationMode", "accessConfig.authenticationMode")
    if str(mode or "CONFIG_MAP").upper() in ACCEPTED:
        return
    key = where(args.resource_type, "authenticationMode", "accessConfig.authenticationMode")
    shown = repr(mode) if mode is not None else "not set, so CONFIG_MAP"
    report(
        f"the cluster authenticates IAM principals only through the aws-auth ConfigMap ({key} is {shown}); set {key} "
        "to 'API' and grant access with access entries."
    )


POLICY = resource_policy(
    name="eks-authentication-mode-api",
    description="EKS clusters use access entries (authentication mode API or API_AND_CONFIG_MAP), not the "
                "aws-auth ConfigMap alone.",
    service="eks",
    severity=Severity.MEDIUM,
    remediation=(
        "Pass authentication_mode=pulumi_eks.AuthenticationMode.API and access_entries to pulumi_eks.Cluster (on "
        "aws.eks.Cluster: access_config={'authentication_mode': 'API'}), with aws.eks.AccessEntry for each principal."
    ),
    validate=check,
)
