"""EC2.17: EC2 instances use a single network interface.

Judges the instances' launch configuration as the stack declares it: ``aws:ec2/launchTemplate:LaunchTemplate`` and
``aws:ec2/instance:Instance`` may declare at most one ``networkInterfaces`` entry. More interfaces put one instance in
several subnets or security groups at once, which bypasses the network boundaries the stack draws. Without
``networkInterfaces`` the instance gets its one primary interface: passes. Only the number of entries is read, so a
preview with unknown interface settings still runs.

Interfaces attached later (awsvpc tasks on EC2 container instances receive their own ENIs at run time) are not
visible here; the platform's EC2 services use bridge mode.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import count_entries, resource_policy
from guardrails.ec2._asg import INSTANCE
from guardrails.ec2._launch_template import LAUNCH_TEMPLATE

MAXIMUM = 1
_KINDS = {LAUNCH_TEMPLATE: "launch template", INSTANCE: "instance"}


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    kind = _KINDS.get(args.resource_type)
    if kind is None:
        return
    count = count_entries(args.props.get("networkInterfaces"))
    if count > MAXIMUM:
        report(
            f"the {kind} declares {count} network interfaces, so each instance sits in several networks at once; "
            "declare a single network interface (device index 0)."
        )


POLICY = resource_policy(
    name="launch-template-single-eni",
    description="Launch templates and EC2 instances declare at most one network interface.",
    service="ec2",
    severity=Severity.LOW,
    controls=["EC2.17"],
    remediation=(
        "Keep one entry in network_interfaces of aws.ec2.LaunchTemplate (or aws.ec2.Instance), with the security "
        "groups the instance needs; use separate instances for separate networks."
    ),
    validate=check,
)
