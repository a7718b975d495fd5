"""EFS volumes of Ec2Service and FargateService: the task definition's volume configuration, the container's mount
points, the task role's client access through the access point, and (Fargate) the NFS rules of the task group."""

from __future__ import annotations

import functools
import json

import pytest

from components.ecs.volumes import VolumeMount
from preflight.engine import ACCOUNT_ID, Recording
from tests.components.test_services import (
    EGRESS,
    INGRESS,
    KINDS,
    SERVICE,
    SG,
    TASK,
    container,
    grants_by_action,
    make,
    policy_of,
    roles,
    service_args,
)
from tests.mocks import REGION, of_type, one, record, record_failure, ref


def mount(fs: str = "shared", ap: str = "assets", path: str = "/data/assets", read_only: bool = False,
          name: str | None = None) -> VolumeMount:
    """A mount of access point ``ap`` of file system ``fs``, with ids derived from the names."""
    return VolumeMount(
        name=name or f"{fs}-{ap}", file_system=fs, file_system_id=f"fs-{fs}",
        file_system_arn=f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT_ID}:file-system/fs-{fs}",
        access_point_id=f"fsap-{fs}-{ap}",
        access_point_arn=f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT_ID}:access-point/fsap-{fs}-{ap}",
        mount_target_security_group_id=f"sg-mt-{fs}", container_path=path, read_only=read_only)


@functools.cache
def build(kind: str, mounts: tuple[VolumeMount, ...]) -> Recording:
    args = service_args(volumes=mounts)
    return record(lambda: make(kind, args))


SHARED = (mount(),)
READ_ONLY = (mount(read_only=True, path="/srv/assets"),)
TWO = (mount(), mount(fs="media", ap="images", path="/data/images", read_only=True))


@pytest.mark.parametrize("kind", KINDS)
def test_task_definition_mounts_through_the_access_point_with_tls_and_iam(kind: str):
    task = one(build(kind, SHARED), TASK)
    assert task.inputs["volumes"] == [{"name": "shared-assets", "efsVolumeConfiguration": {
        "fileSystemId": "fs-shared", "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": "fsap-shared-assets", "iam": "ENABLED"}}}], task.urn
    assert "rootDirectory" not in task.inputs["volumes"][0]["efsVolumeConfiguration"], task.urn


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mounts", [SHARED, READ_ONLY, TWO], ids=["rw", "ro", "two"])
def test_container_mount_points_follow_the_volumes(kind: str, mounts: tuple[VolumeMount, ...]):
    task, definition = container(build(kind, mounts))
    assert definition["mountPoints"] == [
        {"sourceVolume": m.name, "containerPath": m.container_path, "readOnly": m.read_only} for m in mounts], task.urn
    assert [v["name"] for v in task.inputs["volumes"]] == [m.name for m in mounts], task.urn


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("mounts", "actions"), [
    (SHARED, ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]),
    (READ_ONLY, ["elasticfilesystem:ClientMount"]),
], ids=["rw", "ro"])
def test_task_role_may_mount_the_file_system_only_through_the_access_point(kind: str, mounts, actions):
    rec = build(kind, mounts)
    _, app = roles(rec)
    found = policy_of(rec, app)
    assert found is not None, app.urn
    policy, statements = found
    [m] = mounts
    assert statements == [{
        "Effect": "Allow", "Action": actions, "Resource": [m.file_system_arn],
        "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": m.access_point_arn}}}], policy.urn
    assert "elasticfilesystem:ClientRootAccess" not in json.dumps(statements), policy.urn


@pytest.mark.parametrize("kind", KINDS)
def test_two_file_systems_get_one_statement_each(kind: str):
    rec = build(kind, TWO)
    _, app = roles(rec)
    found = policy_of(rec, app)
    assert found is not None, app.urn
    policy, statements = found
    by_action = grants_by_action(statements)
    assert by_action == {
        "elasticfilesystem:ClientMount": sorted(m.file_system_arn for m in TWO),
        "elasticfilesystem:ClientWrite": [TWO[0].file_system_arn],
    }, policy.urn
    conditions = [s["Condition"]["StringEquals"]["elasticfilesystem:AccessPointArn"] for s in statements]
    assert conditions == [m.access_point_arn for m in TWO], policy.urn


def test_fargate_tasks_reach_the_mount_targets_on_nfs_only():
    rec = build("fargate", SHARED)
    task_sg = one(rec, SG)
    [ingress] = [r for r in of_type(rec, INGRESS) if r.inputs["securityGroupId"] == "sg-mt-shared"]
    assert ref(rec, ingress, "referencedSecurityGroupId") == task_sg, ingress.urn
    assert (ingress.inputs["ipProtocol"], ingress.inputs["fromPort"], ingress.inputs["toPort"]) == ("tcp", 2049, 2049)
    for key in ("cidrIpv4", "cidrIpv6", "prefixListId"):
        assert key not in ingress.inputs, f"{ingress.urn}: {key}"
    [egress] = [r for r in of_type(rec, EGRESS) if r.inputs.get("referencedSecurityGroupId") == "sg-mt-shared"]
    assert ref(rec, egress, "securityGroupId") == task_sg, egress.urn
    assert (egress.inputs["ipProtocol"], egress.inputs["fromPort"], egress.inputs["toPort"]) == ("tcp", 2049, 2049)
    service = one(rec, SERVICE)
    assert {ingress.urn, egress.urn} <= set(service.dependencies), service.urn


def test_fargate_gets_one_rule_pair_per_file_system():
    rec = build("fargate", TWO)
    nfs_in = sorted(r.inputs["securityGroupId"] for r in of_type(rec, INGRESS) if r.inputs["fromPort"] == 2049)
    assert nfs_in == ["sg-mt-media", "sg-mt-shared"]
    nfs_out = sorted(r.name for r in of_type(rec, EGRESS) if r.inputs["fromPort"] == 2049)
    assert nfs_out == ["api-media-nfs-out", "api-shared-nfs-out"]


def test_ec2_services_leave_nfs_to_the_instances():
    """Bridge-mode tasks mount through their container instance: Ec2Capacity owns the instance group's rules."""
    rec = build("ec2", SHARED)
    assert of_type(rec, SG) == [] and of_type(rec, INGRESS) == [] and of_type(rec, EGRESS) == []


@pytest.mark.parametrize(("mounts", "message"), [
    ((mount(), mount(path="/other")), "service api: volume shared-assets is mounted twice"),
    ((mount(), mount(ap="logs")), "service api: two volumes are mounted at /data/assets"),
    ((mount(path="/"),), "service api: volume shared-assets needs an absolute container path other than / (got '/')"),
    ((mount(path="data"),),
     "service api: volume shared-assets needs an absolute container path other than / (got 'data')"),
    ((mount(name="shared assets"),),
     "service api: volume name 'shared assets' must be 1..255 letters, digits, - and _"),
], ids=["name-twice", "path-twice", "root", "relative", "bad-name"])
def test_volume_errors(mounts: tuple[VolumeMount, ...], message: str):
    args = service_args(volumes=mounts)
    for kind in KINDS:
        exc, registered = record_failure(lambda kind=kind: make(kind, args))
        assert isinstance(exc, ValueError), f"{kind}: {exc!r}"
        assert str(exc) == message, kind
        assert registered == [], [r.urn for r in registered]
