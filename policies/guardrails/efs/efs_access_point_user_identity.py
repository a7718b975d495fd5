"""EFS.4: EFS access points enforce a user identity.

Judges ``aws:efs/accessPoint:AccessPoint``: ``posixUser`` must give ``uid`` and ``gid``. Absent, each NFS client
acts with whatever identity it claims. A ``uid`` of 0 is an identity too, but every request through the access point
then acts as root on the directory, so it is reported as well.
"""

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_int, resource_policy

ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != ACCESS_POINT:
        return
    user = args.props.get("posixUser")
    uid = as_int(user.get("uid")) if isinstance(user, Mapping) else None
    gid = as_int(user.get("gid")) if isinstance(user, Mapping) else None
    if uid is None or gid is None:
        report("the access point does not enforce a user identity (posixUser with uid and gid is not set), so every "
               "client acts as the user it claims; set posixUser to the application's uid and gid.")
    elif uid == 0:
        report("the access point enforces uid 0, so every client acts as root on its directory; set posixUser to "
               "the application's own, unprivileged uid.")


POLICY = resource_policy(
    name="efs-access-point-user-identity",
    description="EFS access points enforce a POSIX user identity (posixUser uid and gid, not root).",
    service="efs",
    severity=Severity.MEDIUM,
    controls=["EFS.4"],
    remediation="Pass posix_user=aws.efs.AccessPointPosixUserArgs(uid=1000, gid=1000) to aws.efs.AccessPoint.",
    validate=check,
)
