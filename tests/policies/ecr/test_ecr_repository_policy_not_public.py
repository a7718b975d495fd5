import json

import pytest
from guardrails.ecr.ecr_repository_policy_not_public import POLICY

from tests.policies.harness import UNKNOWN, check_resource

REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
REGISTRY_POLICY = "aws:ecr/registryPolicy:RegistryPolicy"
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, condition: dict | None = None, action=PULL) -> dict:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def run(policy, resource_type: str = REPOSITORY_POLICY):
    return check_resource(POLICY, resource_type, {"repository": "prod/api", "policy": policy})


@pytest.mark.parametrize("principal", [
    {"AWS": "arn:aws:iam::210987654321:root"},
    {"AWS": ["arn:aws:iam::210987654321:root", "arn:aws:iam::109876543210:root"]},
    {"Service": "codebuild.amazonaws.com"},
])
def test_named_principals_pass(principal):
    assert run(document(allow(principal))).violations == []


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}},
    {"StringEquals": {"aws:PrincipalAccount": ["210987654321"]}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::210987654321:role/ci-*"}},
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abcdefghij/r-ab12/*"}},
], ids=["org", "account", "principal-arn", "org-paths"])
def test_a_star_narrowed_by_a_condition_passes(condition):
    assert run(document(allow("*", condition))).violations == []


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::210987654321:root", "*"]}, ["*"]],
                         ids=["star", "aws-star", "list-with-star", "bare-list"])
def test_a_public_principal_fails(principal):
    result = run(document(allow(principal)))
    assert len(result.violations) == 1, result.violations
    assert "statement 1 of the repository policy lets anyone in" in result.messages[0]


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:PrincipalOrgID": "*"}},
    {"StringEqualsIfExists": {"aws:PrincipalAccount": "210987654321"}},
    {"StringNotEquals": {"aws:PrincipalAccount": "210987654321"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": "o-abcdefghij/*"}},
], ids=["star-value", "if-exists", "negated", "unrelated-key", "for-all-values"])
def test_conditions_that_do_not_narrow_fail(condition):
    assert len(run(document(allow({"AWS": "*"}, condition))).violations) == 1


def test_not_principal_in_an_allow_fails():
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": PULL}
    assert "every principal except" in run(document(statement)).messages[0]


def test_a_public_deny_passes():
    assert run(document({"Effect": "Deny", "Principal": "*", "Action": "ecr:*"})).violations == []


def test_registry_policies_are_judged_too():
    result = run(document(allow({"AWS": "*"}, action=["ecr:ReplicateImage"])), REGISTRY_POLICY)
    assert "of the registry policy lets anyone in" in result.messages[0]


def test_the_second_statement_is_named():
    result = run(document(allow({"AWS": "arn:aws:iam::210987654321:root"}), allow("*")))
    assert result.messages[0].startswith("statement 2 of the repository policy")


def test_invalid_json_is_reported():
    assert run("{not json").messages[0].startswith("the repository policy is not a valid policy document")


def test_unknown_document_cannot_be_evaluated():
    assert run(UNKNOWN).unknown


def test_other_types_are_ignored():
    assert check_resource(POLICY, "aws:ecr/repository:Repository", {"name": "x"}).violations == []
