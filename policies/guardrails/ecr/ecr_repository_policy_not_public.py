"""ECR repository and registry policies never let the public in.

Judges ``aws:ecr/repositoryPolicy:RepositoryPolicy`` and ``aws:ecr/registryPolicy:RegistryPolicy``: no Allow
statement may have ``Principal`` ``"*"`` (or ``{"AWS": "*"}``, a list naming ``"*"``) unless a condition narrows it
to specific accounts, organizations, principals, sources or networks (see ``guardrails._principals``), and no Allow
statement may use ``NotPrincipal``. Cross-account pulls name the other accounts' ARNs as principals. A document that
is not valid policy JSON is reported; one computed from unknown values cannot be judged in a preview.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails._principals import public_reason
from guardrails.base import resource_policy
from guardrails.iam._roles import DocumentError, statements

TYPES = ("aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/registryPolicy:RegistryPolicy")


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in TYPES:
        return
    what = "registry" if args.resource_type == TYPES[1] else "repository"
    try:
        parsed = statements(args.props.get("policy") or "")
    except DocumentError as exc:
        report(f"the {what} policy is not a valid policy document: {exc}.")
        return
    for index, statement in enumerate(parsed):
        if why := public_reason(statement):
            report(f"statement {index + 1} of the {what} policy lets anyone in ({why}); name the accounts that may "
                   "pull as principals (arn:aws:iam::<account>:root), or narrow the statement with aws:PrincipalOrgID "
                   "or aws:PrincipalAccount.")


POLICY = resource_policy(
    name="ecr-repository-policy-not-public",
    description="ECR repository and registry policies grant nothing to the public: no Principal \"*\" without a "
                "condition naming accounts, organizations, principals or sources, and no NotPrincipal in an Allow.",
    service="ecr",
    severity=Severity.CRITICAL,
    remediation="In the policy of aws.ecr.RepositoryPolicy (or RegistryPolicy), list the pulling accounts as "
                "Principal {\"AWS\": [\"arn:aws:iam::<account>:root\"]}, or keep \"*\" only with a condition such as "
                "{\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-...\"}}.",
    validate=check,
)
