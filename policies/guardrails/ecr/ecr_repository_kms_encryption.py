"""ECR repositories are encrypted with a KMS key (advisory outside production).

Judges ``aws:ecr/repository:Repository``: ``encryptionConfigurations[0].encryptionType`` must be ``KMS``; absent,
ECR's default is AES256 (S3-managed keys). ECR fixes a repository's encryption when it creates it: a repository
created with AES256 can move to KMS only through a new repository (copy the images, switch the services, remove the
old one). Until then the policy configuration ``exemptRepositories`` names such repositories (full names, e.g.
``prod/api``): they are not reported, and a repository created later is never exempt by accident.
"""

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs, Severity

from guardrails._graph import known
from guardrails.base import as_list, resource_policy

REPOSITORY = "aws:ecr/repository:Repository"
CONFIG_SCHEMA = PolicyConfigSchema(
    properties={
        "exemptRepositories": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Repositories (full names) created with AES256 before KMS was required; ECR cannot "
                           "change their encryption in place.",
        },
    },
)


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != REPOSITORY:
        return
    configurations = as_list(args.props.get("encryptionConfigurations"))
    first = configurations[0] if configurations else {}
    encryption = first.get("encryptionType") if hasattr(first, "get") else None
    if str(encryption or "AES256").upper() == "KMS":
        return
    name = known(args.props, "name")
    exempt = [str(r) for r in as_list((args.get_config() or {}).get("exemptRepositories"))]
    if isinstance(name, str) and name in exempt:
        args.not_applicable(f"repository {name} is exempt (exemptRepositories): it was created with AES256")
    shown = "not set, so AES256" if encryption is None else repr(encryption)
    report(f"the repository's images are encrypted with S3-managed keys (encryptionType {shown}); create it with "
           "encryptionType KMS (ECR cannot change the encryption of an existing repository).")


POLICY = resource_policy(
    name="ecr-repository-kms-encryption",
    description="ECR repositories encrypt their images with a KMS key (encryptionType KMS).",
    service="ecr",
    severity=Severity.MEDIUM,
    remediation="Create aws.ecr.Repository with encryption_configurations=[aws.ecr."
                "RepositoryEncryptionConfigurationArgs(encryption_type=\"KMS\", kms_key=<key ARN>)]; an existing "
                "AES256 repository needs a new repository (ECR replaces it), so list it in exemptRepositories until "
                "its images are moved.",
    validate=check,
    config_schema=CONFIG_SCHEMA,
)
