"""EC2.6: every VPC has a flow log that captures rejected traffic (traffic type ALL or REJECT).

Advisory by default: flow logs cost money, so each environment decides; prod sets this policy to mandatory.
``trafficType`` has no default: the provider requires it for a VPC flow log, so a log without it captures nothing.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, depends_on
from guardrails.base import stack_policy

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
CAPTURES_REJECTS = ("ALL", "REJECT")
UNSET = "none (trafficType not set, which a VPC flow log requires)"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    flow_logs = by_type(resources, FLOW_LOG)
    for vpc in by_type(resources, VPC):
        logs = [log for log in flow_logs if depends_on(log, "vpcId", vpc)]
        if not logs:
            report(f"VPC '{vpc.name}' has no flow log; add an aws.ec2.FlowLog with vpc_id set to this VPC and "
                   "traffic_type ALL or REJECT.", vpc.urn)
            continue
        types = [str(log.props.get("trafficType") or "").strip().upper() or UNSET for log in logs]
        if not any(t in CAPTURES_REJECTS for t in types):
            report(f"VPC '{vpc.name}' flow logs capture traffic type(s) {', '.join(sorted(set(types)))} only; at "
                   "least one must capture ALL or REJECT.", vpc.urn)


POLICY = stack_policy(
    name="vpc-flow-logs-enabled",
    description=(
        "Every VPC has a flow log (aws.ec2.FlowLog with vpc_id) capturing ALL or REJECT traffic. Advisory by "
        "default because flow logs cost money and each environment decides; prod sets it to mandatory."
    ),
    service="ec2",
    severity=Severity.MEDIUM,
    controls=["EC2.6"],
    remediation=(
        "Add aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type='ALL' or 'REJECT') delivering to a CloudWatch log group "
        "with retention or to S3."
    ),
    enforcement=EnforcementLevel.ADVISORY,
    validate=check,
)
