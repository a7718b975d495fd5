"""ECS.12: ECS clusters must use Container Insights.

Judges ``aws:ecs/cluster:Cluster``: ``settings`` must contain ``{name: "containerInsights", value: "enabled"}`` or
``"enhanced"``. Unset is reported even though an account-level default might turn it on: the cluster should say so
itself.
"""

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, resource_policy
from guardrails.ecs._task import CLUSTER

ENABLED = ("enabled", "enhanced")


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != CLUSTER:
        return
    values = [
        s.get("value")
        for s in as_list(args.props.get("settings"))
        if isinstance(s, Mapping) and s.get("name") == "containerInsights"
    ]
    if not values:
        report(
            'the cluster does not set containerInsights; add settings [{name: "containerInsights", '
            'value: "enhanced"}] (or "enabled").'
        )
    elif values[-1] not in ENABLED:
        report(f'the cluster sets containerInsights to "{values[-1]}"; it must be "enhanced" or "enabled".')


POLICY = resource_policy(
    name="ecs-container-insights",
    description="ECS clusters have CloudWatch Container Insights enabled.",
    service="ecs",
    severity=Severity.MEDIUM,
    controls=["ECS.12"],
    remediation=(
        'Add settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enhanced")] to aws.ecs.Cluster '
        '("enabled" for the standard level).'
    ),
    validate=check,
)
