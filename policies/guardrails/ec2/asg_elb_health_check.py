"""AutoScaling.1: Auto Scaling groups attached to a load balancer use its health checks.

A stack policy, because a group can be attached to load balancers in four ways: its own ``targetGroupArns``,
``loadBalancers`` (Classic) or ``trafficSources``, or a separate ``aws:autoscaling/attachment:Attachment`` or
``aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment`` whose ``autoscalingGroupName`` refers to it.
Such a group must include ``ELB`` in ``healthCheckType`` (a comma-separated list; absent, the provider's and AWS's
default is ``EC2`` only), so instances that fail the load balancer's health check are replaced.

A group attached to no load balancer is not applicable. That is the case of ECS capacity provider groups: ECS
registers tasks (or instances, in bridge mode) with target groups itself and replaces failed tasks; an ELB health
check on such a group would terminate an instance with healthy tasks because one of its tasks failed.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared, depends_on
from guardrails.base import count_entries, stack_policy
from guardrails.ec2._launch_template import AUTOSCALING_GROUP

ATTACHMENTS = (
    "aws:autoscaling/attachment:Attachment",
    "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment",
)
ATTACHING_PROPERTIES = ("targetGroupArns", "loadBalancers", "trafficSources")


def _attachments(group: PolicyResource, resources: list[PolicyResource]) -> list[str]:
    """How the group is attached to load balancers, for a message; empty when it is not."""
    found = [p for p in ATTACHING_PROPERTIES if count_entries(declared(group, p))]
    found += [f"{a.resource_type.split(':')[-1]} '{a.name}'" for a in by_type(resources, *ATTACHMENTS)
              if depends_on(a, "autoscalingGroupName", group)]
    return found


def _health_checks(value: object) -> set[str]:
    return {part.strip().upper() for part in str(value or "EC2").split(",") if part.strip()}


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    for group in by_type(resources, AUTOSCALING_GROUP):
        attached = _attachments(group, resources)
        if not attached:
            continue
        value = declared(group, "healthCheckType")
        if "ELB" not in _health_checks(value):
            shown = repr(value) if value is not None else "not set, so 'EC2'"
            report(f"Auto Scaling group '{group.name}' is attached to a load balancer ({', '.join(attached)}) but "
                   f"healthCheckType is {shown}; set healthCheckType to 'ELB' so instances failing the load "
                   "balancer's health check are replaced.", group.urn)


POLICY = stack_policy(
    name="asg-elb-health-check",
    description=(
        "Auto Scaling groups attached to a load balancer (target groups, Classic load balancers, traffic sources or "
        "attachment resources) use ELB health checks."
    ),
    service="autoscaling",
    severity=Severity.LOW,
    controls=["AutoScaling.1"],
    remediation=(
        "Set health_check_type='ELB' (with health_check_grace_period) on aws.autoscaling.Group when it has "
        "target_group_arns, load_balancers, traffic_sources or an aws.autoscaling.Attachment; ECS capacity groups "
        "stay unattached and keep 'EC2'."
    ),
    validate=check,
)
