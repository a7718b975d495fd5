"""EC2.2: the VPC default security group must allow no inbound or outbound traffic.

Judges the inline ``ingress`` and ``egress`` of ``aws:ec2/defaultSecurityGroup:DefaultSecurityGroup``. Left out,
they leave the group closed: when the provider takes the default group over it "immediately removes all ingress and
egress rules" and creates only those in the configuration. A block that names no peer (no CIDR, prefix list, group
or ``self``) allows nothing. Rules that standalone rule resources add to the default group are judged by
``vpc-default-security-group-adopted``, which sees the whole stack.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails._sg import DEFAULT_SECURITY_GROUP as DEFAULT_SG
from guardrails._sg import block_allows
from guardrails.base import as_list, resource_policy


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != DEFAULT_SG:
        return
    for direction in ("ingress", "egress"):
        rules = [block for block in as_list(args.props.get(direction)) if block_allows(block)]
        if rules:
            report(f"the default security group has {len(rules)} {direction} rule(s); it must have none.")


POLICY = resource_policy(
    name="default-security-group-closed",
    description="The VPC default security group allows no inbound or outbound traffic.",
    service="ec2",
    severity=Severity.HIGH,
    controls=["EC2.2"],
    remediation="Adopt the default security group with aws.ec2.DefaultSecurityGroup and declare no ingress or egress.",
    validate=check,
)
