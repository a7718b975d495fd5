"""AutoScaling.6: Auto Scaling groups can launch more than one instance type.

Judges ``aws:autoscaling/group:Group``: with a single instance type, an Availability Zone that runs out of that type
(insufficient capacity) stops the group from scaling there. The group passes with a
``mixedInstancesPolicy.launchTemplate`` whose ``overrides`` name at least two distinct ``instanceType`` values, or
use ``instanceRequirements`` (attribute-based selection, which matches many types). A group with only
``launchTemplate`` launches the template's one type. Spreading over zones is AutoScaling.2 (``asg-multi-az``).

Advisory by default: a group of one instance type is a deliberate choice where task placement and managed scaling
should see one instance size (the platform's EC2 capacity is one).
"""

from collections.abc import Mapping

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_list, resource_policy
from guardrails.ec2._launch_template import AUTOSCALING_GROUP

MINIMUM_TYPES = 2


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != AUTOSCALING_GROUP:
        return
    mixed = args.props.get("mixedInstancesPolicy")
    template = mixed.get("launchTemplate") if isinstance(mixed, Mapping) else None
    overrides = as_list(template.get("overrides")) if isinstance(template, Mapping) else []
    if any(isinstance(o, Mapping) and o.get("instanceRequirements") is not None for o in overrides):
        return  # attribute-based selection: every matching type
    types = {str(o.get("instanceType")).strip() for o in overrides
             if isinstance(o, Mapping) and o.get("instanceType") not in (None, "")}
    if len(types) < MINIMUM_TYPES:
        what = (f"only {', '.join(sorted(types))}" if types else "only its launch template's instance type")
        report(
            f"the Auto Scaling group can launch {what}; give it a mixedInstancesPolicy whose launchTemplate.overrides "
            f"list at least {MINIMUM_TYPES} instance types (or instanceRequirements)."
        )


POLICY = resource_policy(
    name="asg-multiple-instance-types",
    description=(
        "Auto Scaling groups can launch at least two instance types (mixedInstancesPolicy overrides or "
        "instanceRequirements). Advisory by default: one instance type can be a deliberate choice."
    ),
    service="autoscaling",
    severity=Severity.MEDIUM,
    controls=["AutoScaling.6"],
    remediation=(
        "Replace launch_template on aws.autoscaling.Group with mixed_instances_policy={'launch_template': "
        "{'launch_template_specification': {'launch_template_id': template.id, 'version': '$Latest'}, 'overrides': "
        "[{'instance_type': 'm6i.large'}, {'instance_type': 'm7i.large'}, {'instance_type': 'm6a.large'}]}} "
        "(types of the same size, so ECS capacity stays predictable)."
    ),
    enforcement=EnforcementLevel.ADVISORY,
    validate=check,
)
