"""What an Auto Scaling group launches: its launch templates and subnets, found through property dependencies.

A group names its launch template in ``launchTemplate`` or in ``mixedInstancesPolicy.launchTemplate.
launchTemplateSpecification``; the engine records both as dependencies of the top-level property, so the templates
of the stack are the dependencies of either property that are launch templates (or, for literal ids, the templates
whose known id matches). Subnets come from ``vpcZoneIdentifiers`` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource

from guardrails._graph import by_type, depends_on, deps, known
from guardrails.ec2._launch_template import LAUNCH_TEMPLATE

SUBNET = "aws:ec2/subnet:Subnet"
INSTANCE = "aws:ec2/instance:Instance"


def _of_type(candidates: list[PolicyResource], resource_type: str) -> list[PolicyResource]:
    seen: dict[str, PolicyResource] = {}
    for candidate in candidates:
        if candidate.resource_type == resource_type:
            seen.setdefault(candidate.urn, candidate)
    return list(seen.values())


def _template_reference(group: PolicyResource) -> list[str]:
    """The known template ids and names a group names (both places), for templates related by literal."""
    values = []
    direct = known(group.props, "launchTemplate")
    if isinstance(direct, Mapping):
        values += [known(direct, "id"), known(direct, "name")]
    mixed = known(group.props, "mixedInstancesPolicy")
    template = known(mixed, "launchTemplate") if isinstance(mixed, Mapping) else None
    spec = known(template, "launchTemplateSpecification") if isinstance(template, Mapping) else None
    if isinstance(spec, Mapping):
        values += [known(spec, "launchTemplateId"), known(spec, "launchTemplateName")]
    return [v for v in values if isinstance(v, str) and v]


def launch_templates(group: PolicyResource, resources: list[PolicyResource]) -> list[PolicyResource]:
    """The launch templates of the stack that ``group`` launches from."""
    found = _of_type(deps(group, "launchTemplate") + deps(group, "mixedInstancesPolicy"), LAUNCH_TEMPLATE)
    if found:
        return found
    references = set(_template_reference(group))
    return [t for t in by_type(resources, LAUNCH_TEMPLATE)
            if {known(t.props, "id"), known(t.props, "name")} & references]


def subnets(holder: PolicyResource, prop: str, resources: list[PolicyResource]) -> list[PolicyResource]:
    """The subnets of the stack that ``holder.prop`` names."""
    found = _of_type(deps(holder, prop), SUBNET)
    return found or [s for s in by_type(resources, SUBNET) if depends_on(holder, prop, s)]


def flag(value: Any) -> bool | None:
    """True, False, or None for unset: booleans and the "true"/"false" strings of launch template flags."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None
