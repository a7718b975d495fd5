"""ECR.3: every ECR repository has a lifecycle policy with at least one rule.

A stack policy, because the lifecycle policy is its own resource: every ``aws:ecr/repository:Repository`` needs an
``aws:ecr/lifecyclePolicy:LifecyclePolicy`` whose ``repository`` refers to it (property dependency, or the
repository's known name). Without one, AWS keeps every image forever (there is no default lifecycle policy): old,
unpatched images pile up and stay pullable. The lifecycle policy's ``policy`` must be a JSON object with a
non-empty ``rules`` list; a document built from other resources' outputs is unknown in a preview and the policy
then cannot run yet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, referring
from guardrails.base import plain, stack_policy
from guardrails.ecr._repository import LIFECYCLE_POLICY, REPOSITORY


def _problem(document: Any) -> str | None:
    """Why a lifecycle policy document has no rule, or None when it has at least one."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return "its policy is not valid JSON"
    elif isinstance(document, Mapping):
        document = plain(document)
    if not isinstance(document, dict):
        return "its policy is not a JSON object"
    rules = document.get("rules")
    if not isinstance(rules, list) or not rules:
        return "its policy has no rules"
    return None


def _describe(policies: list[PolicyResource]) -> list[str]:
    return [f"lifecycle policy '{p.name}': {why}" for p in policies if (why := _problem(p.props.get("policy")))]


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    policies = by_type(resources, LIFECYCLE_POLICY)
    for repository in by_type(resources, REPOSITORY):
        own = referring(repository, "repository", policies)
        if not own:
            report(f"ECR repository '{repository.name}' has no lifecycle policy, so it keeps every image it was ever "
                   "given; add an aws.ecr.LifecyclePolicy with repository set to this repository.", repository.urn)
            continue
        problems = _describe(own)
        if len(problems) == len(own):
            report(f"ECR repository '{repository.name}' has no lifecycle rule ({'; '.join(problems)}); give the "
                   "lifecycle policy at least one rule that expires old images.", repository.urn)


POLICY = stack_policy(
    name="ecr-lifecycle-policy",
    description=(
        "Every ECR repository has an aws.ecr.LifecyclePolicy (related by its repository argument) with at least one "
        "rule."
    ),
    service="ecr",
    severity=Severity.MEDIUM,
    controls=["ECR.3"],
    remediation=(
        "Add aws.ecr.LifecyclePolicy(repository=repo.name, policy=json.dumps({'rules': [{'rulePriority': 1, "
        "'selection': {'tagStatus': 'any', 'countType': 'imageCountMoreThan', 'countNumber': 50}, "
        "'action': {'type': 'expire'}}]})) next to each aws.ecr.Repository."
    ),
    validate=check,
)
