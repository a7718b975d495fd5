"""ECR.2: private ECR repositories have immutable image tags.

Judges ``aws:ecr/repository:Repository``: ``imageTagMutability`` must be ``IMMUTABLE``. Absent, the provider's and
AWS's default is ``MUTABLE``: pushing an image with an existing tag silently replaces what every task definition
referring to that tag runs. ``MUTABLE_WITH_EXCLUSION`` keeps tags mutable; ``IMMUTABLE_WITH_EXCLUSION`` makes the
tags matching ``imageTagMutabilityExclusionFilters`` mutable again, so a deployment by such a tag (``latest``) can
change under the service: both fail.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecr._repository import REPOSITORY, shown

IMMUTABLE = "IMMUTABLE"


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != REPOSITORY:
        return
    mutability = args.props.get("imageTagMutability")
    if str(mutability or "").strip().upper() != IMMUTABLE:
        shown_value = f"{shown(mutability)}, so MUTABLE" if mutability is None else shown(mutability)
        report(
            f"image tags of this repository can be overwritten (imageTagMutability is {shown_value}); set "
            "imageTagMutability to 'IMMUTABLE' and give every build its own tag."
        )


POLICY = resource_policy(
    name="ecr-tag-immutability",
    description="Private ECR repositories have immutable image tags (imageTagMutability IMMUTABLE, no exclusions).",
    service="ecr",
    severity=Severity.MEDIUM,
    controls=["ECR.2"],
    remediation=(
        "Set image_tag_mutability='IMMUTABLE' on aws.ecr.Repository (without image_tag_mutability_exclusion_filters) "
        "and tag each image uniquely, e.g. with the commit SHA."
    ),
    validate=check,
)
