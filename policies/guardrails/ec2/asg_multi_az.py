"""AutoScaling.2: Auto Scaling groups span at least two Availability Zones.

Judges ``aws:autoscaling/group:Group``: ``vpcZoneIdentifiers`` (subnets) or, without subnets,
``availabilityZones`` must have at least two entries. Only the length of the list is read: in a preview the subnet
ids are unknown, but a list of unknown ids still has a known length. One resource does not tell which zone a subnet
is in, so two subnets of the same zone pass; the platform takes one private subnet per zone.
"""


from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import count_entries, resource_policy
from guardrails.ec2._launch_template import AUTOSCALING_GROUP

MINIMUM_ZONES = 2


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != AUTOSCALING_GROUP:
        return
    subnets = count_entries(args.props.get("vpcZoneIdentifiers"))
    if subnets:
        count, what = subnets, "subnet(s) (vpcZoneIdentifiers)"
    else:
        count, what = count_entries(args.props.get("availabilityZones")), "Availability Zone(s) (availabilityZones)"
    if count < MINIMUM_ZONES:
        report(
            f"the Auto Scaling group spans {count} {what}; give it subnets in at least {MINIMUM_ZONES} "
            "Availability Zones."
        )


POLICY = resource_policy(
    name="asg-multi-az",
    description="Auto Scaling groups span at least two Availability Zones.",
    service="autoscaling",
    severity=Severity.MEDIUM,
    controls=["AutoScaling.2"],
    remediation=(
        "Pass one private subnet per Availability Zone, at least two, as vpc_zone_identifiers of "
        "aws.autoscaling.Group."
    ),
    validate=check,
)
