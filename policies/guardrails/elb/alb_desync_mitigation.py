"""ELB.12: application load balancers use the defensive or strictest HTTP desync mitigation mode.

Judges ``aws:lb/loadBalancer:LoadBalancer`` of type application. ``desyncMitigationMode`` may be ``monitor``,
``defensive`` or ``strictest``; ``monitor`` forwards requests that risk HTTP desync (request smuggling). An absent
mode passes: AWS's and the provider's default is ``defensive``, which ELB.12 accepts. Network and gateway load
balancers have no such setting: not applicable.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.elb._lb import LOAD_BALANCERS, lb_type

ALLOWED = ("defensive", "strictest")


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in LOAD_BALANCERS:
        return
    kind = lb_type(args.props)
    if kind != "application":
        args.not_applicable(f"a {kind} load balancer has no desync mitigation mode")
    mode = args.props.get("desyncMitigationMode")
    if mode is None:
        return  # AWS's default, defensive
    if str(mode).strip().lower() not in ALLOWED:
        report(
            f"the application load balancer's desyncMitigationMode is {mode!r}; use 'defensive' (the default) or "
            "'strictest'."
        )


POLICY = resource_policy(
    name="alb-desync-mitigation",
    description=(
        "Application load balancers use the defensive or strictest desync mitigation mode (unset means defensive, "
        "AWS's default)."
    ),
    service="elb",
    severity=Severity.MEDIUM,
    controls=["ELB.12"],
    remediation="Leave desync_mitigation_mode unset on aws.lb.LoadBalancer, or set it to 'defensive' or 'strictest'.",
    validate=check,
)
