"""EC2.2: the VPC default security group must allow no inbound or outbound traffic."""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, resource_policy

DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != DEFAULT_SG:
        return
    for direction in ("ingress", "egress"):
        rules = as_list(args.props.get(direction))
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
