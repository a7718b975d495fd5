"""EC2.2: every VPC adopts its default security group, so that the group's allow-all rules are removed.

AWS creates each VPC with a default security group that allows all traffic between its members and all egress.
Declaring ``aws.ec2.DefaultSecurityGroup`` for the VPC takes the group over and removes those rules (the policy
``default-security-group-closed`` then checks that it declares none).
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, depends_on
from guardrails.base import stack_policy

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    adopters = by_type(resources, DEFAULT_SG)
    for vpc in by_type(resources, VPC):
        if not any(depends_on(group, "vpcId", vpc) for group in adopters):
            report(f"VPC '{vpc.name}' has no aws.ec2.DefaultSecurityGroup, so its default security group keeps "
                   "AWS's allow-all rules; every VPC must adopt its default group with no rules.", vpc.urn)


POLICY = stack_policy(
    name="vpc-default-security-group-adopted",
    description=(
        "Every VPC in the stack has an aws.ec2.DefaultSecurityGroup whose vpc_id is that VPC, so AWS's default "
        "allow-all rules are removed."
    ),
    service="ec2",
    severity=Severity.HIGH,
    controls=["EC2.2"],
    remediation="Add aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id) with no ingress or egress next to each aws.ec2.Vpc.",
    validate=check,
)
