"""EKS.1: EKS cluster API endpoints are not publicly accessible.

Judges the pulumi-eks component (``eks:index:Cluster``: ``endpointPublicAccess``, which pulumi-eks defaults to true)
and the EKS cluster (``aws:eks/cluster:Cluster``: ``vpcConfig.endpointPublicAccess``, which EKS defaults to true).
EKS.1 fails any public endpoint, even one restricted to a few CIDR blocks (``publicAccessCidrs``): the message says
which networks it admits. An environment that deliberately keeps a CIDR-restricted public endpoint sets this policy
to advisory in its policy configuration.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, plain, resource_policy
from guardrails.eks._eks import CLUSTERS, cluster_input, where


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in CLUSTERS:
        return
    props = args.props
    public = cluster_input(props, args.resource_type, "endpointPublicAccess", "vpcConfig.endpointPublicAccess")
    if public is False:
        return
    cidrs = [str(c) for c in as_list(plain(cluster_input(props, args.resource_type, "publicAccessCidrs",
                                                         "vpcConfig.publicAccessCidrs")))]
    key = where(args.resource_type, "endpointPublicAccess", "vpcConfig.endpointPublicAccess")
    shown = "true" if public is True else "not set, so true"
    report(
        f"the cluster's Kubernetes API endpoint is public ({key} is {shown}; reachable from "
        f"{', '.join(cidrs) if cidrs else '0.0.0.0/0'}); set {key} to false and endpointPrivateAccess to true, and "
        "reach the API from inside the VPC."
    )


POLICY = resource_policy(
    name="eks-endpoint-not-public",
    description="EKS clusters keep their Kubernetes API endpoint private (no public endpoint, even CIDR-restricted).",
    service="eks",
    severity=Severity.HIGH,
    controls=["EKS.1"],
    remediation=(
        "Pass endpoint_public_access=False and endpoint_private_access=True to pulumi_eks.Cluster (on "
        "aws.eks.Cluster: vpc_config.endpoint_public_access=False, endpoint_private_access=True)."
    ),
    validate=check,
)
