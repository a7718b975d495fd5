"""AutoScaling.9: Auto Scaling groups launch from EC2 launch templates, not launch configurations.

Judges ``aws:autoscaling/group:Group``: it must name a launch template, in ``launchTemplate`` (id or name) or in
``mixedInstancesPolicy.launchTemplate.launchTemplateSpecification``, and no ``launchConfiguration``. Launch
configurations cannot be versioned or mix instance types, get no EC2 feature released after 2022, and AWS no longer
offers them to new accounts.
"""

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity
from pulumi_policy.proxy import UnknownValueError

from guardrails.base import resource_policy
from guardrails.ec2._launch_template import AUTOSCALING_GROUP


def _is_set(value: Mapping, key: str) -> bool:
    """Whether ``value[key]`` is set; an unknown value (a template id in a preview) is set, to a computed id."""
    try:
        return value[key] not in (None, "")
    except KeyError:
        return False
    except UnknownValueError:
        return True


def _names_template(value: object, *keys: str) -> bool:
    return isinstance(value, Mapping) and any(_is_set(value, k) for k in keys)


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != AUTOSCALING_GROUP:
        return
    configuration = args.props.get("launchConfiguration")
    if configuration not in (None, ""):
        report(
            f"the Auto Scaling group launches from launch configuration {configuration!r}; replace "
            "launchConfiguration with launchTemplate naming an aws.ec2.LaunchTemplate."
        )
        return
    mixed = args.props.get("mixedInstancesPolicy")
    template = mixed.get("launchTemplate") if isinstance(mixed, Mapping) else None
    spec = template.get("launchTemplateSpecification") if isinstance(template, Mapping) else None
    if not (_names_template(args.props.get("launchTemplate"), "id", "name")
            or _names_template(spec, "launchTemplateId", "launchTemplateName")):
        report(
            "the Auto Scaling group names no launch template (launchTemplate, or mixedInstancesPolicy.launchTemplate."
            "launchTemplateSpecification); set launchTemplate={'id': <template id>, 'version': '$Latest'}."
        )


POLICY = resource_policy(
    name="asg-launch-template",
    description=(
        "Auto Scaling groups launch from an EC2 launch template (launchTemplate or mixedInstancesPolicy), never from "
        "a launch configuration."
    ),
    service="autoscaling",
    severity=Severity.MEDIUM,
    controls=["AutoScaling.9"],
    remediation=(
        "Create an aws.ec2.LaunchTemplate and pass launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=..., "
        "version='$Latest') (or mixed_instances_policy) to aws.autoscaling.Group instead of launch_configuration."
    ),
    validate=check,
)
