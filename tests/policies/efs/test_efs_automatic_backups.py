import pytest
from guardrails.efs.efs_automatic_backups import POLICY

from tests.policies.efs._stack import BACKUP, FS, platform, replace, without
from tests.policies.harness import UNKNOWN, Res, check_stack


@pytest.mark.parametrize("preview", [False, True])
def test_enabled_backup_policy_passes(preview):
    assert check_stack(POLICY, platform(preview)).violations == []


def test_disabled_backup_policy_fails():
    result = check_stack(POLICY, replace(platform(), "fs-backup", backupPolicy={"status": "DISABLED"}))
    assert result.messages == ["EFS file system 'fs' is not backed up (its backup policy's status is 'DISABLED'); add "
                               "aws.efs.BackupPolicy with status ENABLED or include it in a backup plan."]
    assert result.violations[0][1].endswith("::fs")


def test_no_backup_policy_fails():
    result = check_stack(POLICY, without(platform(), "fs-backup"))
    assert "it has no backup policy and no AWS Backup selection" in result.messages[0]


def test_a_backup_plan_selection_passes():
    stack = without(platform(), "fs-backup") + [
        Res("aws:backup/selection:Selection", "daily", {"planId": "plan-1", "resources": [UNKNOWN]},
            {"resources": ["fs"]})]
    assert check_stack(POLICY, stack).violations == []


def test_a_backup_policy_of_another_file_system_does_not_count():
    stack = platform() + [Res(FS, "other", {"encrypted": True, "id": "fs-other"}),
                          Res(BACKUP, "other-backup", {"fileSystemId": "fs-other",
                                                       "backupPolicy": {"status": "ENABLED"}},
                              {"fileSystemId": ["other"]})]
    stack = without(stack, "fs-backup")
    result = check_stack(POLICY, stack)
    assert [urn.rsplit("::", 1)[1] for _, urn in result.violations] == ["fs"]


def test_a_stack_without_file_systems_is_not_applicable():
    assert check_stack(POLICY, [Res("aws:ec2/vpc:Vpc", "vpc", {})]).not_applicable
