"""ELB.4: application load balancers drop HTTP header fields whose names are not valid.

Judges ``aws:lb/loadBalancer:LoadBalancer`` of type application (an absent ``loadBalancerType`` means application).
AWS's default is false: header fields with invalid names are passed to the targets, which helps HTTP desync and
request smuggling attacks. ``dropInvalidHeaderFields`` must therefore be set to true explicitly. Network and gateway
load balancers do not parse HTTP: not applicable.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.elb._lb import LOAD_BALANCERS, flag, lb_type, shown


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in LOAD_BALANCERS:
        return
    kind = lb_type(args.props)
    if kind != "application":
        args.not_applicable(f"a {kind} load balancer does not parse HTTP headers")
    value = args.props.get("dropInvalidHeaderFields")
    if not flag(value):
        report(
            f"the application load balancer passes invalid HTTP header fields to its targets "
            f"(dropInvalidHeaderFields is {shown(value)}); set dropInvalidHeaderFields to true."
        )


POLICY = resource_policy(
    name="alb-drop-invalid-headers",
    description="Application load balancers drop HTTP header fields with invalid names (dropInvalidHeaderFields).",
    service="elb",
    severity=Severity.MEDIUM,
    controls=["ELB.4"],
    remediation="Set drop_invalid_header_fields=True on aws.lb.LoadBalancer (load_balancer_type 'application').",
    validate=check,
)
