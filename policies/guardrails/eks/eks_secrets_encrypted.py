"""EKS.3: EKS clusters encrypt Kubernetes secrets with a KMS key of the account (envelope encryption).

Judges the pulumi-eks component (``eks:index:Cluster``: ``encryptionConfigKeyArn``) and the EKS cluster
(``aws:eks/cluster:Cluster``: ``encryptionConfig`` with a ``provider.keyArn`` and ``secrets`` among its
``resources``). A key ARN computed from a key of the stack is unknown in a preview but set: it passes.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, resource_policy
from guardrails.eks._eks import AWS_CLUSTER, CLUSTER, is_set


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if args.resource_type == CLUSTER:
        if not is_set(props, "encryptionConfigKeyArn"):
            report("Kubernetes secrets are not encrypted with a KMS key of the account (encryptionConfigKeyArn is not "
                   "set); set encryptionConfigKeyArn to the ARN of a symmetric KMS key with rotation on.")
    elif args.resource_type == AWS_CLUSTER:
        config = props.get("encryptionConfig")
        if not config:
            report("Kubernetes secrets are not encrypted with a KMS key of the account (encryptionConfig is not set); "
                   "set encryptionConfig with provider.keyArn and resources ['secrets'].")
            return
        if not is_set(config.get("provider") or {}, "keyArn"):
            report("encryptionConfig names no KMS key (provider.keyArn is not set); set provider.keyArn.")
        if "secrets" not in [str(r) for r in as_list(config.get("resources"))]:
            report("encryptionConfig does not cover Kubernetes secrets (resources lacks 'secrets'); set resources to "
                   "['secrets'].")


POLICY = resource_policy(
    name="eks-secrets-encrypted",
    description="EKS clusters encrypt Kubernetes secrets with a customer-managed KMS key (envelope encryption).",
    service="eks",
    severity=Severity.MEDIUM,
    controls=["EKS.3"],
    remediation=(
        "Pass encryption_config_key_arn=<aws.kms.Key>.arn to pulumi_eks.Cluster (on aws.eks.Cluster: "
        "encryption_config={'provider': {'key_arn': ...}, 'resources': ['secrets']})."
    ),
    validate=check,
)
