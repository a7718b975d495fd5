"""EC2.181: every EBS volume a launch template declares is encrypted.

Judges ``aws:ec2/launchTemplate:LaunchTemplate``: each ``blockDeviceMappings`` entry with an ``ebs`` block must set
``ebs.encrypted`` to true (a string "true" in pulumi-aws). EC2.181 fails only on an explicit false; this policy
also fails on an unset flag, because the volume would then be encrypted only if the snapshot or the account default
(EC2.7, an account-level setting outside this stack) says so. Entries without ``ebs`` (instance store, ``noDevice``)
are skipped. A template that declares no block device mapping is not applicable: its volumes come from the AMI and
the account's EBS encryption default.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, resource_policy
from guardrails.ec2._launch_template import LAUNCH_TEMPLATE, is_true


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LAUNCH_TEMPLATE:
        return
    mappings = as_list(args.props.get("blockDeviceMappings"))
    volumes = [(m.get("deviceName"), m.get("ebs")) for m in mappings if m.get("ebs") is not None]
    if not volumes:
        args.not_applicable("the launch template declares no EBS volume")
    for index, (device, ebs) in enumerate(volumes):
        encrypted = ebs.get("encrypted")
        if not is_true(encrypted):
            name = f"device {device}" if device else f"block device mapping {index}"
            shown = repr(encrypted) if encrypted is not None else "not set"
            report(
                f"the EBS volume for {name} is not encrypted (ebs.encrypted is {shown}); set ebs.encrypted to "
                "'true' (optionally with ebs.kms_key_id)."
            )


POLICY = resource_policy(
    name="launch-template-ebs-encrypted",
    description="Every EBS volume declared by a launch template is encrypted (ebs.encrypted 'true').",
    service="ec2",
    severity=Severity.MEDIUM,
    controls=["EC2.181"],
    remediation=(
        "In aws.ec2.LaunchTemplate block_device_mappings, set ebs={'encrypted': 'true', ...} on every volume, "
        "including the root device of the AMI (/dev/xvda on Amazon Linux 2023)."
    ),
    validate=check,
)
