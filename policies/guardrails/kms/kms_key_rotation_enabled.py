"""KMS.4: symmetric encryption KMS keys rotate their key material.

Judges ``aws:kms/key:Key``: a key for encryption (``keyUsage`` ENCRYPT_DECRYPT, the default) with the
``SYMMETRIC_DEFAULT`` spec (the default) must set ``enableKeyRotation`` to true (the provider's default is false).
Asymmetric and HMAC keys cannot rotate automatically: not applicable. ``rotationPeriodInDays``, when set, must be
90..2560 days, the range KMS accepts.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_int, resource_policy

KEY = "aws:kms/key:Key"
ROTATION_DAYS = range(90, 2561)


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != KEY:
        return
    props = args.props
    spec = str(props.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT")
    usage = str(props.get("keyUsage") or "ENCRYPT_DECRYPT")
    if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT":
        args.not_applicable(f"a {spec} key for {usage} cannot rotate automatically")
    if props.get("enableKeyRotation") is not True:
        shown = "false" if props.get("enableKeyRotation") is False else "not set"
        report(f"the key's material never rotates (enableKeyRotation is {shown}); set enableKeyRotation to true.")
        return
    period = props.get("rotationPeriodInDays")
    days = as_int(period)
    if period is not None and days not in ROTATION_DAYS:
        shown = days if days is not None else repr(period)
        report(f"rotationPeriodInDays is {shown}; KMS accepts {ROTATION_DAYS.start}..{ROTATION_DAYS.stop - 1}.")


POLICY = resource_policy(
    name="kms-key-rotation-enabled",
    description="Symmetric encryption KMS keys have automatic key rotation enabled.",
    service="kms",
    severity=Severity.MEDIUM,
    controls=["KMS.4"],
    remediation="Set enable_key_rotation=True on aws.kms.Key (optionally rotation_period_in_days, 90..2560).",
    validate=check,
)
