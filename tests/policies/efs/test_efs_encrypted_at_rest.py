import pytest
from guardrails.efs.efs_encrypted_at_rest import POLICY

from tests.policies.harness import check_resource

FS = "aws:efs/fileSystem:FileSystem"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


@pytest.mark.parametrize("props", [{"encrypted": True}, {"encrypted": True, "kmsKeyId": KEY}])
def test_encrypted_passes(props):
    assert check_resource(POLICY, FS, props).violations == []


@pytest.mark.parametrize(("props", "shown"), [({}, "not set, so false"), ({"encrypted": False}, "false"),
                                              ({"encrypted": False, "kmsKeyId": KEY}, "false")],
                         ids=["absent", "false", "key-without-encrypted"])
def test_unencrypted_fails(props, shown):
    assert check_resource(POLICY, FS, props).messages == [
        f"the file system stores its data unencrypted (encrypted is {shown}); set encrypted to true when creating it "
        "(EFS cannot encrypt an existing file system: copy the data to a new, encrypted one)."]


def test_other_types_are_ignored():
    assert check_resource(POLICY, "aws:efs/accessPoint:AccessPoint", {}).violations == []
