import pytest
from guardrails.ecs.ecs_efs_access_point_file_system import POLICY

from tests.policies.efs._stack import ACCESS_POINT, FS, platform, replace, volumes
from tests.policies.harness import Res, check_stack


def other(preview: bool) -> list[Res]:
    known = (lambda v: "04da6b54-80e4-46f7-96ec-b56ff0331ba9") if preview else (lambda v: v)
    return [Res(FS, "media", {"encrypted": True, "id": known("fs-media")}),
            Res(ACCESS_POINT, "images", {"fileSystemId": known("fs-media"), "id": known("fsap-images")},
                {"fileSystemId": ["media"]})]


@pytest.mark.parametrize("preview", [False, True])
def test_access_points_of_their_own_file_system_pass(preview):
    result = check_stack(POLICY, platform(preview) + other(preview))
    assert result.violations == [] and not result.unknown


@pytest.mark.parametrize("preview", [False, True])
def test_an_access_point_of_another_file_system_fails(preview):
    stack = replace(platform(preview) + other(preview), "api-td", volumes=volumes(preview, ap_id="fsap-images"),
                    deps={"volumes": ["fs", "images"]})
    result = check_stack(POLICY, stack)
    assert result.messages == ["EFS volume 'shared-assets' of task definition 'api-td' mounts file system 'fs' through "
                               "access point 'images', which belongs to file system 'media'; ECS cannot mount it: use "
                               "an access point of the volume's own file system."]


def test_ambiguous_dependencies_in_a_preview_are_not_guessed():
    stack = replace(platform(True) + other(True), "api-td", deps={"volumes": ["fs", "assets", "images"]})
    assert check_stack(POLICY, stack).violations == []


def test_an_access_point_outside_the_stack_cannot_be_judged():
    stack = replace(platform(), "api-td", volumes=volumes(False, ap_id="fsap-0123456789abcdef0"),
                    deps={"volumes": ["fs"]})
    assert check_stack(POLICY, stack).violations == []


def test_stacks_without_efs_volumes_are_not_applicable():
    stack = replace(replace(platform(), "web-td", volumes=None, deps={"volumes": []}), "api-td", volumes=None,
                    deps={"volumes": []})
    assert check_stack(POLICY, stack).not_applicable
