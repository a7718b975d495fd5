"""ELB.13: load balancers span at least two Availability Zones.

Judges ``aws:lb/loadBalancer:LoadBalancer`` of every type (ELB.13 covers application, network and gateway load
balancers). A load balancer takes at most one subnet per Availability Zone, so the number of entries in ``subnets``
(or ``subnetMappings``) is the number of zones; it must be at least two.

Only the length of those lists is read, never their elements: in a preview the subnet ids are unknown, but a list
of unknown ids still has a known length, so the policy runs. When the whole list is unknown (built inside an
``apply``), the SDK reports that the policy cannot run yet.
"""


from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import count_entries, resource_policy
from guardrails.elb._lb import LOAD_BALANCERS, lb_type

MINIMUM_ZONES = 2


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in LOAD_BALANCERS:
        return
    subnets = count_entries(args.props.get("subnets"))
    mappings = count_entries(args.props.get("subnetMappings"))
    zones = max(subnets, mappings)
    if zones < MINIMUM_ZONES:
        report(
            f"the {lb_type(args.props)} load balancer is in {zones} subnet(s), so at most {zones} Availability "
            f"Zone(s); give it subnets (or subnetMappings) in at least {MINIMUM_ZONES} Availability Zones."
        )


POLICY = resource_policy(
    name="alb-multi-az",
    description="Load balancers (application, network, gateway) span at least two Availability Zones.",
    service="elb",
    severity=Severity.MEDIUM,
    controls=["ELB.13"],
    remediation=(
        "Pass subnets (or subnet_mappings) from at least two Availability Zones to aws.lb.LoadBalancer, e.g. one "
        "public subnet per zone for an internet-facing ALB."
    ),
    validate=check,
)
