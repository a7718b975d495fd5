import pytest
from guardrails.efs.efs_access_point_root_directory import POLICY

from tests.policies.harness import check_resource

AP = "aws:efs/accessPoint:AccessPoint"


@pytest.mark.parametrize("path", ["/assets", "/a/b/c/d", "/assets/"])
def test_a_directory_passes(path):
    assert check_resource(POLICY, AP, {"rootDirectory": {"path": path}}).violations == []


@pytest.mark.parametrize(("props", "shown"), [
    ({}, "not set, so /"), ({"rootDirectory": {}}, "not set, so /"), ({"rootDirectory": {"path": "/"}}, "'/'"),
    ({"rootDirectory": {"path": "//"}}, "'//'"),
], ids=["absent", "no-path", "root", "double-slash"])
def test_the_file_system_root_fails(props, shown):
    assert check_resource(POLICY, AP, props).messages == [
        f"the access point exposes the whole file system (rootDirectory.path is {shown}); set rootDirectory.path to "
        "the application's own directory, with creationInfo so that EFS creates it."]


def test_other_types_are_ignored():
    assert check_resource(POLICY, "aws:efs/fileSystem:FileSystem", {}).violations == []
