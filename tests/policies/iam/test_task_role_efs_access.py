import json

import pytest
from guardrails.iam.task_role_efs_access import POLICY

from tests.policies.efs._stack import AP_ARN, FS_ARN, efs_statement, platform, replace
from tests.policies.harness import check_stack

OTHER_AP = "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0ffffffffffffffff"


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def with_web_policy(*statements: dict):
    return replace(platform(), "web-role-policy", policy=document(*statements))


def test_client_access_through_the_access_point_passes():
    assert check_stack(POLICY, platform()).violations == []


def test_unknown_documents_are_judged_once_known():
    assert check_stack(POLICY, platform(preview=True)).unknown


def test_write_access_for_a_read_only_mount_fails():
    result = check_stack(POLICY, with_web_policy(efs_statement(write=True)))
    assert result.messages == [
        f"role policy 'web-role-policy' of task role 'web-role' grants elasticfilesystem:ClientWrite through "
        f"'{AP_ARN}', which every container mounts read-only; grant ClientMount only."]


@pytest.mark.parametrize("action", ["elasticfilesystem:ClientRootAccess", "elasticfilesystem:*",
                                    "elasticfilesystem:DeleteFileSystem"])
def test_more_than_client_access_fails(action):
    statement = efs_statement(write=False)
    statement["Action"] = statement["Action"] + [action]
    result = check_stack(POLICY, with_web_policy(statement))
    assert any("a task role may hold only elasticfilesystem:ClientMount and ClientWrite" in m for m in result.messages)


def test_a_star_resource_fails():
    result = check_stack(POLICY, with_web_policy(efs_statement(write=False, fs_arn="*")))
    assert any("grants EFS client access on '*'" in m for m in result.messages)
    assert any("may not mount" in m for m in result.messages)


def test_access_without_the_access_point_condition_fails():
    statement = efs_statement(write=False)
    del statement["Condition"]
    result = check_stack(POLICY, with_web_policy(statement))
    assert any("without a StringEquals condition on elasticfilesystem:AccessPointArn" in m for m in result.messages)


def test_an_access_point_the_task_does_not_mount_fails():
    result = check_stack(POLICY, with_web_policy(efs_statement(write=False, ap_arn=OTHER_AP)))
    assert any(f"allows access points '{OTHER_AP}', which the task definitions do not mount" in m
               for m in result.messages)


def test_a_role_that_cannot_mount_its_iam_volume_fails():
    statement = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::assets/*"]}
    result = check_stack(POLICY, with_web_policy(statement))
    assert result.messages == [
        f"EFS volume 'shared-assets' of task definition 'web-td' mounts with IAM authorization, but task role "
        f"'web-role' may not mount {FS_ARN} through {AP_ARN}, so the mount fails when a task starts; allow "
        f"elasticfilesystem:ClientMount on the file system with that access point as condition."]
    assert result.violations[0][1].endswith("::web-role")


def test_mount_without_write_on_a_writable_mount_passes():
    stack = replace(platform(), "api-role-policy", policy=document(efs_statement(write=False)))
    assert check_stack(POLICY, stack).violations == []


def test_a_role_of_tasks_without_efs_holds_no_efs_action():
    stack = replace(platform(), "web-td", volumes=None, deps={"volumes": []})
    result = check_stack(POLICY, stack)
    assert result.messages == [
        "role policy 'web-role-policy' of task role 'web-role' grants elasticfilesystem:ClientMount, but no task "
        "definition using task role 'web-role' mounts an EFS volume; remove the elasticfilesystem permissions."]


def test_a_stack_without_task_roles_is_not_applicable():
    stack = replace(platform(), "web-td", taskRoleArn=None, deps={"taskRoleArn": []})
    stack = replace(stack, "api-td", taskRoleArn=None, deps={"taskRoleArn": []})
    assert check_stack(POLICY, stack).not_applicable
