"""EC2.9: EC2 instances launched by the stack get no public IPv4 address.

A stack policy, because whether an instance gets a public address depends on two resources: the network interface
settings it launches with, and its subnet. For every ``aws:autoscaling/group:Group``, each launch template of the
stack it launches from (see ``_asg``) decides first: ``networkInterfaces[].associatePublicIpAddress`` "true" gives
a public address (``launch-template-no-public-ip`` reports the template itself under EC2.25), "false" gives none.
Unset, or with no network interfaces, the subnet decides: a subnet of the group's ``vpcZoneIdentifiers`` with
``mapPublicIpOnLaunch`` true (default false) hands out public addresses. ``aws:ec2/instance:Instance`` is judged the
same way from ``associatePublicIpAddress`` and its ``subnetId``.

Launch templates and subnets outside the stack are not judged (their settings are unknown here).
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared
from guardrails.base import as_list, stack_policy
from guardrails.ec2._asg import INSTANCE, flag, launch_templates, subnets
from guardrails.ec2._launch_template import AUTOSCALING_GROUP


def _template_setting(template: PolicyResource) -> bool | None:
    """What the template says about public addresses: True, False, or None when the subnet decides."""
    settings = [flag(i.get("associatePublicIpAddress")) for i in as_list(declared(template, "networkInterfaces"))
                if isinstance(i, Mapping)]
    if any(s is True for s in settings):
        return True
    if settings and all(s is False for s in settings):
        return False
    return None


def _public_subnets(holder: PolicyResource, prop: str, resources: list[PolicyResource]) -> list[PolicyResource]:
    return [s for s in subnets(holder, prop, resources) if declared(s, "mapPublicIpOnLaunch") is True]


def _names(resources: list[PolicyResource]) -> str:
    return ", ".join(f"'{r.name}'" for r in resources)


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    for group in by_type(resources, AUTOSCALING_GROUP):
        for template in launch_templates(group, resources):
            setting = _template_setting(template)
            if setting is True:
                report(f"Auto Scaling group '{group.name}' launches instances with public IP addresses: launch "
                       f"template '{template.name}' sets associatePublicIpAddress to 'true'; set it to 'false'.",
                       group.urn)
            elif setting is None:
                public = _public_subnets(group, "vpcZoneIdentifiers", resources)
                if public:
                    report(f"Auto Scaling group '{group.name}' launches instances with public IP addresses: its "
                           f"subnet(s) {_names(public)} set mapPublicIpOnLaunch and launch template "
                           f"'{template.name}' does not override it; launch into private subnets or set "
                           "associatePublicIpAddress to 'false' in the template's network interface.", group.urn)
    for instance in by_type(resources, INSTANCE):
        setting = flag(declared(instance, "associatePublicIpAddress"))
        public = _public_subnets(instance, "subnetId", resources) if setting is None else []
        if setting is True or public:
            why = "associatePublicIpAddress is true" if setting else f"its subnet {_names(public)} maps public IPs"
            report(f"instance '{instance.name}' gets a public IP address ({why}); launch it into a private subnet "
                   "with associatePublicIpAddress false.", instance.urn)


POLICY = stack_policy(
    name="asg-instances-no-public-ip",
    description=(
        "EC2 instances the stack launches (through Auto Scaling groups and their launch templates, or "
        "aws.ec2.Instance) get no public IPv4 address, from the template's interface settings or the subnet's "
        "mapPublicIpOnLaunch."
    ),
    service="ec2",
    severity=Severity.HIGH,
    controls=["EC2.9"],
    remediation=(
        "Give aws.autoscaling.Group private subnets (vpc_zone_identifiers with map_public_ip_on_launch=False) and "
        "set network_interfaces=[{'associate_public_ip_address': 'false', ...}] on its aws.ec2.LaunchTemplate."
    ),
    validate=check,
)
