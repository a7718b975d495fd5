"""ELB.6: load balancers have deletion protection enabled.

Judges ``aws:lb/loadBalancer:LoadBalancer`` of every type: ELB.6 covers application, network and gateway load
balancers alike. ``enableDeletionProtection`` defaults to false and must be set to true.

Deletion protection is a per-environment choice (a dev stack is torn down often): the policy is mandatory, and an
environment that does not ask for it sets this policy's enforcement level to advisory in its policy configuration
(the engine's per-policy ``enforcementLevel``); nothing in the policy depends on the environment.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.elb._lb import LOAD_BALANCERS, flag, lb_type, shown


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in LOAD_BALANCERS:
        return
    value = args.props.get("enableDeletionProtection")
    if not flag(value):
        report(
            f"the {lb_type(args.props)} load balancer can be deleted by accident (enableDeletionProtection is "
            f"{shown(value)}); set enableDeletionProtection to true."
        )


POLICY = resource_policy(
    name="alb-deletion-protection",
    description=(
        "Load balancers (application, network, gateway) have deletion protection enabled. Environments that do "
        "not require it set this policy to advisory in their policy configuration."
    ),
    service="elb",
    severity=Severity.MEDIUM,
    controls=["ELB.6"],
    remediation=(
        "Set enable_deletion_protection=True on aws.lb.LoadBalancer; to delete the load balancer later, first "
        "deploy it with the flag set to False."
    ),
    validate=check,
)
