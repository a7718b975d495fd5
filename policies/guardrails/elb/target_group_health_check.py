"""Target groups of instance, ip and alb targets keep their health checks enabled.

Judges ``aws:lb/targetGroup:TargetGroup``. With health checks off, the load balancer keeps routing to targets that
do not answer, and ECS cannot replace tasks that fail behind it. ``healthCheck.enabled`` defaults to true for these
target types; an explicit false is a violation. ``targetType`` absent means instance. Lambda target groups have
health checks off by default and are judged by the function's own errors: not applicable. No Security Hub control
covers this.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.elb._lb import TARGET_GROUPS


def _is_false(value: object) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in TARGET_GROUPS:
        return
    target_type = str(args.props.get("targetType") or "instance").strip().lower()
    if target_type == "lambda":
        args.not_applicable("a lambda target group is judged by the function's errors, not by health checks")
    health = args.props.get("healthCheck")
    enabled = health.get("enabled") if health is not None else None
    if _is_false(enabled):
        report(
            f"health checks of this {target_type} target group are disabled (healthCheck.enabled is false); "
            "remove the setting or set it to true, with a path the targets answer."
        )


POLICY = resource_policy(
    name="target-group-health-check",
    description="Target groups of instance, ip and alb targets keep their health checks enabled.",
    service="elb",
    severity=Severity.MEDIUM,
    remediation=(
        "Remove health_check.enabled=False from aws.lb.TargetGroup (or set it to True) and give the health check a "
        "path and matcher the service answers, e.g. health_check={'path': '/health', 'matcher': '200'}."
    ),
    validate=check,
)
