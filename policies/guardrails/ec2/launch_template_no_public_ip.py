"""EC2.25: launch templates do not assign public IP addresses to network interfaces.

Judges ``aws:ec2/launchTemplate:LaunchTemplate``: no ``networkInterfaces`` entry may set
``associatePublicIpAddress`` to true (a string "true" in pulumi-aws). Container instances live in private subnets
and receive traffic only through the load balancer. A template without network interfaces passes (the subnet
decides, and private subnets do not assign public addresses). AutoScaling.5 is the same rule for launch
configurations, which the platform does not use.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, resource_policy
from guardrails.ec2._launch_template import LAUNCH_TEMPLATE, is_true


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LAUNCH_TEMPLATE:
        return
    for index, interface in enumerate(as_list(args.props.get("networkInterfaces"))):
        if is_true(interface.get("associatePublicIpAddress")):
            device = interface.get("deviceIndex")
            which = f"device index {int(device)}" if isinstance(device, (int, float)) else f"entry {index}"
            report(
                f"network interface {which} of the launch template assigns a public IP address "
                "(associatePublicIpAddress is 'true'); set it to 'false' and launch into private subnets."
            )


POLICY = resource_policy(
    name="launch-template-no-public-ip",
    description="Launch templates do not assign public IP addresses to their network interfaces.",
    service="ec2",
    severity=Severity.HIGH,
    controls=["EC2.25"],
    remediation=(
        "Remove associate_public_ip_address from aws.ec2.LaunchTemplate network_interfaces (or set it to 'false') "
        "and give the Auto Scaling group private subnets (vpc_zone_identifiers)."
    ),
    validate=check,
)
