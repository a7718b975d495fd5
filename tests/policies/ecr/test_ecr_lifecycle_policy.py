import json

from guardrails.ecr.ecr_lifecycle_policy import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

REPO = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
RULES = json.dumps({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                                                 "countNumber": 50}, "action": {"type": "expire"}}]})


def repo(name: str = "api", **props) -> Res:
    return Res(REPO, name, {"name": f"dev/{name}", **props})


def test_repository_with_lifecycle_policy_passes():
    lifecycle = Res(LIFECYCLE, "api-lc", {"repository": UNKNOWN, "policy": RULES}, {"repository": ["api"]})
    assert check_stack(POLICY, [repo(), lifecycle]).violations == []


def test_repository_related_by_known_name_passes():
    lifecycle = Res(LIFECYCLE, "api-lc", {"repository": "dev/api", "policy": RULES})
    assert check_stack(POLICY, [repo(id="dev/api"), lifecycle]).violations == []


def test_repository_without_lifecycle_policy_fails():
    other = Res(LIFECYCLE, "web-lc", {"repository": UNKNOWN, "policy": RULES}, {"repository": ["web"]})
    result = check_stack(POLICY, [repo(), repo("web"), other])
    assert result.violations == [(
        "ECR repository 'api' has no lifecycle policy, so it keeps every image it was ever given; add an "
        "aws.ecr.LifecyclePolicy with repository set to this repository.",
        urn(REPO, "api"),
    )]


def test_lifecycle_policy_without_rules_fails():
    for document in (json.dumps({"rules": []}), "{not json", json.dumps([1]), json.dumps({})):
        lifecycle = Res(LIFECYCLE, "api-lc", {"repository": UNKNOWN, "policy": document}, {"repository": ["api"]})
        result = check_stack(POLICY, [repo(), lifecycle])
        assert len(result.violations) == 1 and "has no lifecycle rule (lifecycle policy 'api-lc': its policy" in \
            result.messages[0], document


def test_one_good_policy_among_several_passes():
    empty = Res(LIFECYCLE, "a", {"repository": UNKNOWN, "policy": "{}"}, {"repository": ["api"]})
    good = Res(LIFECYCLE, "b", {"repository": UNKNOWN, "policy": RULES}, {"repository": ["api"]})
    assert check_stack(POLICY, [repo(), empty, good]).violations == []


def test_no_repository_not_applicable():
    assert check_stack(POLICY, [Res(LIFECYCLE, "x", {"repository": "elsewhere", "policy": RULES})]).violations == []


def test_unknown_document_cannot_be_evaluated():
    lifecycle = Res(LIFECYCLE, "api-lc", {"repository": UNKNOWN, "policy": UNKNOWN}, {"repository": ["api"]})
    assert check_stack(POLICY, [repo(), lifecycle]).unknown
