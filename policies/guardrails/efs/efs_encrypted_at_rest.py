"""EFS.1: EFS file systems encrypt their data at rest with AWS KMS.

Judges ``aws:efs/fileSystem:FileSystem``: ``encrypted`` must be true. Absent, the CreateFileSystem API (and the
provider) leave a file system unencrypted, and encryption can only be chosen at creation: a ``kmsKeyId`` without
``encrypted`` is refused by the provider, and reported here too. Without ``kmsKeyId`` EFS uses the AWS managed key
``aws/elasticfilesystem``, which the control accepts (it checks ``Encrypted`` only).
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != FILE_SYSTEM:
        return
    encrypted = args.props.get("encrypted")
    if encrypted is True:
        return
    shown = "not set, so false" if encrypted is None else repr(encrypted).lower()
    report(f"the file system stores its data unencrypted (encrypted is {shown}); set encrypted to true when creating "
           "it (EFS cannot encrypt an existing file system: copy the data to a new, encrypted one).")


POLICY = resource_policy(
    name="efs-encrypted-at-rest",
    description="EFS file systems encrypt their data at rest with AWS KMS (encrypted true).",
    service="efs",
    severity=Severity.MEDIUM,
    controls=["EFS.1"],
    remediation="Create aws.efs.FileSystem with encrypted=True (and kms_key_id for a customer managed key).",
    validate=check,
)
