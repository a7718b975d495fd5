import json

import pytest
from guardrails.efs.efs_file_system_not_public import POLICY

from tests.policies.efs._stack import ACCOUNT, FS_ARN, platform, replace, without
from tests.policies.harness import Res, check_stack


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_the_platform_policy_passes():
    assert check_stack(POLICY, platform()).violations == []


def test_an_unknown_policy_cannot_be_evaluated_in_a_preview():
    assert check_stack(POLICY, platform(preview=True)).unknown


def test_no_policy_fails():
    result = check_stack(POLICY, without(platform(), "fs-policy"))
    assert result.messages == ["EFS file system 'fs' has no file system policy, so EFS lets every client that reaches "
                               "a mount target mount it, write and act as root; add an aws.efs.FileSystemPolicy that "
                               "allows only the account's IAM principals."]
    assert result.violations[0][1].endswith("::fs")


@pytest.mark.parametrize("condition", [None, {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
                                       {"Bool": {"aws:SecureTransport": "true"}}],
                         ids=["unconditioned", "via-mount-target", "tls-only"])
def test_a_public_allow_fails(condition):
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["elasticfilesystem:ClientMount"],
                 "Resource": FS_ARN}
    if condition:
        statement["Condition"] = condition
    result = check_stack(POLICY, replace(platform(), "fs-policy", policy=policy(statement)))
    assert result.messages[0].startswith("statement 1 of the policy of EFS file system 'fs' lets anyone in")
    assert result.violations[0][1].endswith("::fs-policy")


def test_a_public_allow_narrowed_to_the_account_passes():
    statement = {"Effect": "Allow", "Principal": "*", "Action": ["elasticfilesystem:ClientMount"], "Resource": FS_ARN,
                 "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}
    assert check_stack(POLICY, replace(platform(), "fs-policy", policy=policy(statement))).violations == []


def test_an_invalid_document_is_reported():
    result = check_stack(POLICY, replace(platform(), "fs-policy", policy="not json"))
    assert result.messages[0].startswith("the policy of EFS file system 'fs' is not a valid policy document")


def test_a_policy_of_another_file_system_does_not_count():
    stack = platform() + [Res("aws:efs/fileSystem:FileSystem", "other", {"encrypted": True, "id": "fs-other"})]
    result = check_stack(POLICY, stack)
    assert [urn.rsplit("::", 1)[1] for _, urn in result.violations] == ["other"]


def test_a_stack_without_file_systems_is_not_applicable():
    assert check_stack(POLICY, [Res("aws:ec2/vpc:Vpc", "vpc", {})]).not_applicable
