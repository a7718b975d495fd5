import json

import pytest
from guardrails.ecs.ecs_efs_volume_config_valid import POLICY

from tests.policies.harness import UNKNOWN, check_resource

TASK = "aws:ecs/taskDefinition:TaskDefinition"
GOOD = {"fileSystemId": "fs-1", "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"}}
CONTAINERS = json.dumps([{"name": "api", "image": "x", "mountPoints": [{"sourceVolume": "data",
                                                                          "containerPath": "/data"}]}])


def run(configuration: dict, containers=CONTAINERS):
    return check_resource(POLICY, TASK, {"family": "api", "containerDefinitions": containers,
                                         "volumes": [{"name": "data", "efsVolumeConfiguration": configuration}]})


@pytest.mark.parametrize("configuration", [
    GOOD, {**GOOD, "rootDirectory": "/"}, {"fileSystemId": "fs-1"}, {"fileSystemId": "fs-1", "rootDirectory": "/x"},
    {"fileSystemId": "fs-1", "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED"}},
], ids=["access-point", "root-slash", "bare", "root-directory", "iam-only"])
def test_what_ecs_accepts_passes(configuration):
    assert run(configuration).violations == []


@pytest.mark.parametrize(("configuration", "message"), [
    ({**GOOD, "transitEncryption": "DISABLED", "authorizationConfig": {"iam": "ENABLED"}},
     "ECS rejects EFS volume 'data': IAM authorization needs transitEncryption ENABLED."),
    ({"fileSystemId": "fs-1", "authorizationConfig": {"accessPointId": "fsap-1"}},
     "ECS rejects EFS volume 'data': an access point needs transitEncryption ENABLED."),
    ({**GOOD, "rootDirectory": "/assets"},
     "ECS rejects EFS volume 'data': with an access point, rootDirectory must be unset or / (got '/assets'); the "
     "access point's root directory applies."),
    ({"transitEncryption": "ENABLED"}, "ECS rejects EFS volume 'data': it names no fileSystemId."),
], ids=["iam-without-tls", "access-point-without-tls", "root-with-access-point", "no-file-system"])
def test_what_ecs_refuses_fails(configuration, message):
    assert run(configuration).messages == [message]


def test_iam_and_an_access_point_without_tls_are_both_named():
    configuration = {"fileSystemId": "fs-1", "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"}}
    assert len(run(configuration).messages) == 2


def test_a_mount_point_of_an_undeclared_volume_fails():
    containers = json.dumps([{"name": "api", "image": "x", "mountPoints": [{"sourceVolume": "date",
                                                                              "containerPath": "/data"}]}])
    assert run(GOOD, containers).messages == [
        "ECS rejects container 'api': its mount point names volume 'date', which the task definition does not "
        "declare."]


def test_unknown_container_definitions_leave_the_volume_checks_running():
    result = run({**GOOD, "rootDirectory": "/assets"}, UNKNOWN)
    assert len(result.violations) == 1 and not result.unknown


def test_task_definitions_without_efs_volumes_are_not_applicable():
    assert check_resource(POLICY, TASK, {"family": "web", "containerDefinitions": "[]"}).not_applicable
