"""EKS.2: EKS clusters run a Kubernetes version in EKS standard support.

Judges ``version`` of the pulumi-eks component (``eks:index:Cluster``) and of the EKS cluster
(``aws:eks/cluster:Cluster``). Absent, both create the cluster on EKS's default version, which is in standard
support. Like Security Hub's EKS.2, a version in extended support fails: it costs extra and is near its end.

Which versions are in standard support comes from the pack's copy of EKS's release calendar
(``guardrails/eks/_calendar.py``) and today's date. Policy configuration ``oldestVersionSupported`` (e.g. "1.34")
overrides the calendar, as the AWS Config rule's parameter of the same name does.
"""

import datetime

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.eks import _calendar
from guardrails.eks._eks import CLUSTERS

CONFIG_SCHEMA = PolicyConfigSchema(
    properties={
        "oldestVersionSupported": {
            "type": "string",
            "pattern": r"^\d+\.\d+$",
            "description": (
                "The oldest Kubernetes version to accept (e.g. 1.34); unset, the oldest in EKS standard support "
                "today according to the pack's calendar."
            ),
        },
    },
)


def today() -> datetime.date:
    """The day the policy judges on."""
    return datetime.date.today()


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in CLUSTERS:
        return
    raw = args.props.get("version")
    if raw is None:
        return  # EKS's default version
    version = _calendar.parse(str(raw))
    if version is None:
        report(f"version {raw!r} is not a Kubernetes minor version such as 1.35; set version to one EKS supports.")
        return
    day = today()
    configured = (args.get_config() or {}).get("oldestVersionSupported")
    oldest = _calendar.parse(str(configured)) if configured else None
    if oldest is None:
        if version > _calendar.NEWEST and day > _calendar.trusted_until():
            report(
                f"Kubernetes {raw} is newer than the pack's EKS calendar (as of {_calendar.AS_OF}), which is too old "
                "to tell whether it is still in standard support; update guardrails/eks/_calendar.py or set this "
                "policy's oldestVersionSupported."
            )
            return
        oldest = _calendar.oldest_in_standard_support(day)
    if version < oldest:
        ended = _calendar.end_of_standard_support(version)
        since = f" since {ended}" if ended else ""
        report(
            f"Kubernetes {raw} is out of EKS standard support{since} (extended support costs extra, then EKS "
            f"upgrades the cluster itself); upgrade one minor version at a time to {_calendar.show(oldest)} or newer."
        )


POLICY = resource_policy(
    name="eks-supported-version",
    description="EKS clusters run a Kubernetes version in EKS standard support (not extended support).",
    service="eks",
    severity=Severity.HIGH,
    controls=["EKS.2"],
    remediation=(
        "Set version on pulumi_eks.Cluster (aws.eks.Cluster) to a version in EKS standard support, raising it one "
        "minor version per update; managed node groups follow with their version."
    ),
    validate=check,
    config_schema=CONFIG_SCHEMA,
)
