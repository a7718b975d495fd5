"""Managed node groups require IMDSv2 on their nodes.

Judges each managed node group, in both shapes (``eks:index:ManagedNodeGroup``, ``aws:eks/nodeGroup:NodeGroup``),
against the launch template its nodes start from:

- ``launchTemplate`` naming a launch template of the stack (by property dependency, or by its known id or name):
  that template's ``metadataOptions.httpTokens`` must be ``required``. (Its hop limit is judged on the template by
  launch-template-imdsv2.)
- ``launchTemplate`` naming a template outside the stack: what the nodes get cannot be verified here; it fails.
- no ``launchTemplate``: pulumi-eks's own template when ``enableIMDSv2`` is true (it requires tokens) passes;
  otherwise EKS's default launch template, which leaves IMDSv1 on, fails.
"""

from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, deps, known
from guardrails.base import stack_policy
from guardrails.ec2._launch_template import LAUNCH_TEMPLATE
from guardrails.eks._eks import NODE_GROUP, NODE_GROUPS


def _template_of(group: PolicyResource, spec: Any, templates: list[PolicyResource]) -> PolicyResource | None:
    linked = {d.urn for d in deps(group, "launchTemplate")}
    for template in templates:
        if template.urn in linked:
            return template
    for key, attribute in (("id", "id"), ("name", "name")):
        wanted = known(spec, key)
        if isinstance(wanted, str) and wanted:
            for template in templates:
                if known(template.props, attribute) == wanted:
                    return template
    return None


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    templates = by_type(resources, LAUNCH_TEMPLATE)
    for group in by_type(resources, *NODE_GROUPS):
        props = group.props
        spec = props.get("launchTemplate")
        if not spec:
            if group.resource_type == NODE_GROUP and props.get("enableIMDSv2") is True:
                continue
            report("the nodes start from EKS's default launch template, which accepts IMDSv1; give the node group a "
                   "launch template with metadataOptions.httpTokens 'required' (or enableIMDSv2 on pulumi-eks).",
                   group.urn)
            continue
        template = _template_of(group, spec, templates)
        if template is None:
            report("the node group's launch template is not part of this stack, so IMDSv2 on its nodes cannot be "
                   "verified; use a launch template of the stack with metadataOptions.httpTokens 'required'.",
                   group.urn)
            continue
        options = template.props.get("metadataOptions") or {}
        if str(options.get("httpEndpoint") or "").strip().lower() == "disabled":
            continue
        tokens = options.get("httpTokens")
        if str(tokens or "").strip().lower() != "required":
            shown = repr(tokens) if tokens is not None else "not set"
            report(f"the nodes accept IMDSv1: their launch template {template.name!r} has metadataOptions.httpTokens "
                   f"{shown}; set it to 'required'.", group.urn)


POLICY = stack_policy(
    name="eks-node-group-imdsv2",
    description="Managed node groups start their nodes from a launch template that requires IMDSv2.",
    service="eks",
    severity=Severity.HIGH,
    controls=["EC2.8"],
    remediation=(
        "Give pulumi_eks.ManagedNodeGroup (aws.eks.NodeGroup) launch_template={'id': <aws.ec2.LaunchTemplate>.id, "
        "'version': ...} with metadata_options={'http_tokens': 'required', 'http_put_response_hop_limit': 1}."
    ),
    validate=check,
)
