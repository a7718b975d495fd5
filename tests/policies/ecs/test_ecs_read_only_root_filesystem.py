from guardrails.ecs.ecs_read_only_root_filesystem import POLICY
from pulumi_policy import EnforcementLevel

from tests.policies.ecs._defs import TASK_DEFINITION, container, task_definition
from tests.policies.harness import UNKNOWN, check_resource


def test_is_advisory():
    assert POLICY.enforcement_level == EnforcementLevel.ADVISORY


def test_read_only_containers_pass():
    assert check_resource(POLICY, TASK_DEFINITION, task_definition()).violations == []


def test_writable_or_unset_root_filesystem_fails():
    props = task_definition(
        container("web", readonlyRootFilesystem=False), container("init", readonlyRootFilesystem=None)
    )
    assert check_resource(POLICY, TASK_DEFINITION, props).messages == [
        'container "web" has a writable root filesystem (readonlyRootFilesystem is false); set '
        "readonlyRootFilesystem to true and mount volumes for the paths it writes.",
        'container "init" has a writable root filesystem (readonlyRootFilesystem is not set); set '
        "readonlyRootFilesystem to true and mount volumes for the paths it writes.",
    ]


def test_windows_not_applicable():
    props = task_definition(
        container("web", readonlyRootFilesystem=None),
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE", "cpuArchitecture": "X86_64"},
    )
    assert check_resource(POLICY, TASK_DEFINITION, props).not_applicable


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/cluster:Cluster", {})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_container_definitions_cannot_be_evaluated():
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(containerDefinitions=UNKNOWN)).unknown


def test_malformed_container_definitions_fail_closed():
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(containerDefinitions="{}"))
    assert result.messages == [
        "containerDefinitions is a JSON object, not a list of containers, so readonlyRootFilesystem cannot be "
        "checked; give a JSON list of ECS container definitions."
    ]
