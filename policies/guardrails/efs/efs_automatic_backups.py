"""EFS.2: EFS file systems are backed up (advisory outside production).

A stack policy: every ``aws:efs/fileSystem:FileSystem`` needs an ``aws:efs/backupPolicy:BackupPolicy`` whose
``fileSystemId`` refers to it with ``backupPolicy.status`` ENABLED (EFS's automatic daily backups by AWS Backup), or
an ``aws:backup/selection:Selection`` whose ``resources`` include it (a backup plan of your own). File systems created
through the API have automatic backups off.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, depends_on
from guardrails.base import stack_policy

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
BACKUP_SELECTION = "aws:backup/selection:Selection"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    file_systems = by_type(resources, FILE_SYSTEM)
    if not file_systems:
        args.not_applicable("the stack has no EFS file system")
    for fs in file_systems:
        statuses = []
        for policy in by_type(resources, BACKUP_POLICY):
            if depends_on(policy, "fileSystemId", fs):
                block = policy.props.get("backupPolicy")
                statuses.append(block.get("status") if isinstance(block, Mapping) else None)
        if "ENABLED" in statuses:
            continue
        if any(depends_on(selection, "resources", fs) for selection in by_type(resources, BACKUP_SELECTION)):
            continue
        why = (f"its backup policy's status is {', '.join(repr(s) for s in statuses)}" if statuses
               else "it has no backup policy and no AWS Backup selection")
        report(f"EFS file system '{fs.name}' is not backed up ({why}); add aws.efs.BackupPolicy with status ENABLED "
               "or include it in a backup plan.", fs.urn)


POLICY = stack_policy(
    name="efs-automatic-backups",
    description="EFS file systems are backed up: an aws.efs.BackupPolicy with status ENABLED, or an AWS Backup "
                "selection that includes them.",
    service="efs",
    severity=Severity.MEDIUM,
    controls=["EFS.2"],
    remediation="Add aws.efs.BackupPolicy(file_system_id=fs.id, backup_policy=aws.efs.BackupPolicyBackupPolicyArgs("
                "status=\"ENABLED\")), or an aws.backup.Selection with the file system's ARN in resources.",
    validate=check,
)
