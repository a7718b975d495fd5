"""EKS.8: EKS clusters send their audit log, with the API server and authenticator logs, to CloudWatch Logs.

Judges ``enabledClusterLogTypes`` of the pulumi-eks component (``eks:index:Cluster``) and of the EKS cluster
(``aws:eks/cluster:Cluster``); absent, EKS sends no control-plane log at all. EKS.8 requires ``audit`` (who did what
through the Kubernetes API); the platform also requires ``api`` (the API server's own log) and ``authenticator``
(which IAM principal each request came from), without which the audit trail cannot be tied to AWS identities.
``controllerManager`` and ``scheduler`` are diagnostic and optional.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, plain, resource_policy
from guardrails.eks._eks import CLUSTERS

REQUIRED = ("api", "audit", "authenticator")


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in CLUSTERS:
        return
    raw = args.props.get("enabledClusterLogTypes")
    enabled = [str(t) for t in as_list(plain(raw))]
    missing = [t for t in REQUIRED if t not in enabled]
    if missing:
        shown = ", ".join(enabled) if enabled else "none"
        report(
            f"the control plane does not log {', '.join(missing)} (enabledClusterLogTypes: {shown}); add "
            f"{', '.join(missing)} to enabledClusterLogTypes."
        )


POLICY = resource_policy(
    name="eks-control-plane-logging",
    description="EKS clusters log the api, audit and authenticator control-plane streams to CloudWatch Logs.",
    service="eks",
    severity=Severity.MEDIUM,
    controls=["EKS.8"],
    remediation=(
        "Pass enabled_cluster_log_types=['api', 'audit', 'authenticator'] to pulumi_eks.Cluster (aws.eks.Cluster), "
        "and create the log group /aws/eks/<cluster>/cluster first to give it a retention."
    ),
    validate=check,
)
