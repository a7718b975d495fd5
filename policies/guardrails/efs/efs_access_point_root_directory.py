"""EFS.3: EFS access points enforce a root directory.

Judges ``aws:efs/accessPoint:AccessPoint``: ``rootDirectory.path`` must name a directory other than the file
system's root. Absent, the access point exposes ``/``, the whole file system, to every client that mounts through it.
"""

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy

ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != ACCESS_POINT:
        return
    root = args.props.get("rootDirectory")
    path = root.get("path") if isinstance(root, Mapping) else None
    if isinstance(path, str) and path.strip("/"):
        return
    shown = "not set, so /" if path is None else repr(path)
    report(f"the access point exposes the whole file system (rootDirectory.path is {shown}); set rootDirectory.path "
           "to the application's own directory, with creationInfo so that EFS creates it.")


POLICY = resource_policy(
    name="efs-access-point-root-directory",
    description="EFS access points enforce a root directory other than the file system's root.",
    service="efs",
    severity=Severity.MEDIUM,
    controls=["EFS.3"],
    remediation="Pass root_directory=aws.efs.AccessPointRootDirectoryArgs(path=\"/app\", creation_info=aws.efs."
                "AccessPointRootDirectoryCreationInfoArgs(owner_uid=1000, owner_gid=1000, permissions=\"0750\")) to "
                "aws.efs.AccessPoint.",
    validate=check,
)
