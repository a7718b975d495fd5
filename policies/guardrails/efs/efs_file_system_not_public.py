"""EFS file systems admit only identified principals: each has a file system policy, and the policy lets nobody in
anonymously.

A stack policy: every ``aws:efs/fileSystem:FileSystem`` needs an ``aws:efs/fileSystemPolicy:FileSystemPolicy`` whose
``fileSystemId`` refers to it. Without one, EFS applies its default policy, which grants every client that reaches
a mount target ``ClientMount``, ``ClientWrite`` and ``ClientRootAccess``: anyone on the network may mount it as root,
and IAM authorization restricts nothing. In the policy, no Allow statement may have a public principal (``"*"``)
without a condition naming accounts, organizations, principals, sources or networks (``aws:SecureTransport`` and
``elasticfilesystem:AccessedViaMountTarget`` do not name anyone), nor use ``NotPrincipal``. A document computed from
the file system's ARN is unknown in a preview and is judged once it is known.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, depends_on
from guardrails._principals import public_reason
from guardrails.base import stack_policy
from guardrails.iam._roles import DocumentError, statements

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    file_systems = by_type(resources, FILE_SYSTEM)
    if not file_systems:
        args.not_applicable("the stack has no EFS file system")
    for fs in file_systems:
        policies = [p for p in by_type(resources, FILE_SYSTEM_POLICY) if depends_on(p, "fileSystemId", fs)]
        if not policies:
            report(f"EFS file system '{fs.name}' has no file system policy, so EFS lets every client that reaches a "
                   "mount target mount it, write and act as root; add an aws.efs.FileSystemPolicy that allows only "
                   "the account's IAM principals.", fs.urn)
        for policy in policies:
            try:
                parsed = statements(policy.props.get("policy") or "")
            except DocumentError as exc:
                report(f"the policy of EFS file system '{fs.name}' is not a valid policy document: {exc}.", policy.urn)
                continue
            for index, statement in enumerate(parsed):
                if why := public_reason(statement):
                    report(f"statement {index + 1} of the policy of EFS file system '{fs.name}' lets anyone in "
                           f"({why}); allow the account (arn:aws:iam::<account>:root) so that only IAM principals "
                           "whose own policies allow it may mount.", policy.urn)


POLICY = stack_policy(
    name="efs-file-system-not-public",
    description="Every EFS file system has a file system policy, and no Allow statement in it lets anyone in without "
                "a condition naming accounts, organizations, principals, sources or networks.",
    service="efs",
    severity=Severity.HIGH,
    remediation="Add aws.efs.FileSystemPolicy(file_system_id=fs.id, policy=...) allowing elasticfilesystem:ClientMount "
                "(and ClientWrite) to {\"AWS\": \"arn:aws:iam::<account>:root\"}, and denying aws:SecureTransport "
                "false.",
    validate=check,
)
