import pytest
from guardrails.ecs.ecs_efs_volume_tls_and_iam import POLICY

from tests.policies.harness import UNKNOWN, check_resource

TASK = "aws:ecs/taskDefinition:TaskDefinition"
GOOD = {"fileSystemId": "fs-1", "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"}}


def run(*configurations: dict):
    volumes = [{"name": f"v{i}", "efsVolumeConfiguration": c} for i, c in enumerate(configurations)]
    return check_resource(POLICY, TASK, {"family": "api", "volumes": volumes})


def test_tls_iam_and_an_access_point_pass():
    assert run(GOOD).violations == []


def test_unknown_ids_in_a_preview_still_pass():
    configuration = {**GOOD, "fileSystemId": UNKNOWN,
                     "authorizationConfig": {"accessPointId": UNKNOWN, "iam": "ENABLED"}}
    result = run(configuration)
    assert result.violations == [] and not result.unknown


@pytest.mark.parametrize(("configuration", "missing"), [
    ({**GOOD, "transitEncryption": "DISABLED"}, ["transitEncryption ENABLED"]),
    ({k: v for k, v in GOOD.items() if k != "transitEncryption"}, ["transitEncryption ENABLED"]),
    ({**GOOD, "authorizationConfig": {"accessPointId": "fsap-1"}}, ["authorizationConfig.iam ENABLED"]),
    ({**GOOD, "authorizationConfig": {"accessPointId": "fsap-1", "iam": "DISABLED"}},
     ["authorizationConfig.iam ENABLED"]),
    ({**GOOD, "authorizationConfig": {"iam": "ENABLED"}}, ["authorizationConfig.accessPointId"]),
    ({"fileSystemId": "fs-1"}, ["transitEncryption ENABLED", "authorizationConfig.iam ENABLED",
                                "authorizationConfig.accessPointId"]),
], ids=["tls-disabled", "tls-absent", "iam-absent", "iam-disabled", "no-access-point", "bare"])
def test_what_is_missing_is_named(configuration, missing):
    [message] = run(configuration).messages
    assert message.startswith("EFS volume 'v0' mounts without "), message
    for item in missing:
        assert item in message, (item, message)


def test_each_volume_is_judged():
    assert [m.split("'")[1] for m in run(GOOD, {"fileSystemId": "fs-2"}).messages] == ["v1"]


def test_task_definitions_without_efs_volumes_are_not_applicable():
    result = check_resource(POLICY, TASK, {"family": "web", "volumes": [{"name": "tmp"}]})
    assert result.not_applicable
    assert check_resource(POLICY, TASK, {"family": "web"}).not_applicable


def test_other_types_are_ignored():
    assert check_resource(POLICY, "aws:ecs/service:Service", {}).violations == []
