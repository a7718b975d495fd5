"""EC2.2: every VPC adopts its default security group, so that the group's allow-all rules are removed, and no rule
resource adds rules back to it.

AWS creates each VPC with a default security group that allows all traffic between its members and all egress.
Declaring ``aws.ec2.DefaultSecurityGroup`` for the VPC takes the group over and removes those rules (the policy
``default-security-group-closed`` then checks that it declares none inline). A standalone rule
(``aws.vpc.SecurityGroupIngressRule`` / ``SecurityGroupEgressRule``, ``aws.ec2.SecurityGroupRule``) whose
``securityGroupId`` is the adopted group or the VPC's ``defaultSecurityGroupId`` opens the default group again.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, depends_on, deps, known
from guardrails._sg import DEFAULT_SECURITY_GROUP as DEFAULT_SG
from guardrails._sg import Permission, Rules
from guardrails.base import stack_policy

VPC = "aws:ec2/vpc:Vpc"


def _default_group_of(rule: PolicyResource, vpcs: list[PolicyResource], adopters: list[PolicyResource]) -> str | None:
    """How a message names the default security group a rule belongs to; None when it belongs to another group."""
    for group in adopters:
        if depends_on(rule, "securityGroupId", group):
            return f"default security group '{group.name}'"
    group_id = known(rule.props, "securityGroupId")
    for vpc in vpcs:
        default_id = known(vpc.props, "defaultSecurityGroupId")
        if any(d.urn == vpc.urn for d in deps(rule, "securityGroupId")) or (default_id and group_id == default_id):
            return f"the default security group of VPC '{vpc.name}'"
    return None


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    adopters = by_type(resources, DEFAULT_SG)
    vpcs = by_type(resources, VPC)
    for vpc in vpcs:
        if not any(depends_on(group, "vpcId", vpc) for group in adopters):
            report(f"VPC '{vpc.name}' has no aws.ec2.DefaultSecurityGroup, so its default security group keeps "
                   "AWS's allow-all rules; every VPC must adopt its default group with no rules.", vpc.urn)
    rules = Rules(resources)
    allowed_by: dict[str, list[Permission]] = {}
    for permission in rules.standalone:
        allowed_by.setdefault(permission.resource.urn, []).append(permission)
    for rule in rules.rule_resources:
        group = _default_group_of(rule, vpcs, adopters)
        allows = allowed_by.get(rule.urn, [])
        if group and allows:
            what = ", ".join(dict.fromkeys(f"{p.describe()} {p.direction}" for p in allows))
            report(f"{allows[0].label} adds {what} to {group}; the default security group must allow no traffic: "
                   "put the rule on a security group of the workload's own.", rule.urn)


POLICY = stack_policy(
    name="vpc-default-security-group-adopted",
    description=(
        "Every VPC in the stack has an aws.ec2.DefaultSecurityGroup whose vpc_id is that VPC, so AWS's default "
        "allow-all rules are removed, and no security group rule resource adds rules to a default group."
    ),
    service="ec2",
    severity=Severity.HIGH,
    controls=["EC2.2"],
    remediation=(
        "Add aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id) with no ingress or egress next to each aws.ec2.Vpc, and "
        "give every workload a security group of its own for its rules."
    ),
    validate=check,
)
