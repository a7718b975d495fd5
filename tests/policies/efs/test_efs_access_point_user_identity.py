import pytest
from guardrails.efs.efs_access_point_user_identity import POLICY

from tests.policies.harness import check_resource

AP = "aws:efs/accessPoint:AccessPoint"


@pytest.mark.parametrize("user", [{"uid": 1000, "gid": 1000}, {"uid": 1, "gid": 0, "secondaryGids": [10]},
                                  {"uid": 4294967295, "gid": 4294967295}])
def test_an_unprivileged_identity_passes(user):
    assert check_resource(POLICY, AP, {"posixUser": user}).violations == []


@pytest.mark.parametrize("props", [{}, {"posixUser": {"uid": 1000}}, {"posixUser": {"gid": 1000}}],
                         ids=["absent", "no-gid", "no-uid"])
def test_no_identity_fails(props):
    assert check_resource(POLICY, AP, props).messages[0].startswith(
        "the access point does not enforce a user identity")


def test_root_fails():
    assert check_resource(POLICY, AP, {"posixUser": {"uid": 0, "gid": 0}}).messages == [
        "the access point enforces uid 0, so every client acts as root on its directory; set posixUser to the "
        "application's own, unprivileged uid."]


def test_other_types_are_ignored():
    assert check_resource(POLICY, "aws:efs/fileSystem:FileSystem", {}).violations == []
