import pytest
from guardrails.ecr.ecr_tag_immutability import POLICY

from tests.policies.harness import UNKNOWN, check_resource

REPO = "aws:ecr/repository:Repository"


@pytest.mark.parametrize("value", ["IMMUTABLE", "immutable"])
def test_immutable_passes(value):
    assert check_resource(POLICY, REPO, {"imageTagMutability": value}).violations == []


def test_absent_is_the_mutable_default():
    assert check_resource(POLICY, REPO, {}).messages == [
        "image tags of this repository can be overwritten (imageTagMutability is not set, so MUTABLE); set "
        "imageTagMutability to 'IMMUTABLE' and give every build its own tag."
    ]


@pytest.mark.parametrize("value", ["MUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION", ""])
def test_mutable_settings_fail(value):
    assert check_resource(POLICY, REPO, {"imageTagMutability": value}).violations


def test_other_types_not_applicable():
    assert check_resource(POLICY, "aws:ecr/lifecyclePolicy:LifecyclePolicy", {}).violations == []


def test_unknown_cannot_be_evaluated():
    assert check_resource(POLICY, REPO, {"imageTagMutability": UNKNOWN}).unknown
