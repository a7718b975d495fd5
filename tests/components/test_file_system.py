"""FileSystem built directly under the mocks: encryption, lifecycle, backups, the file system policy, mount targets
behind their security group, access points, and argument errors."""

from __future__ import annotations

import functools
import json

import pytest

from components.storage.file_system import TYPE, AccessPointSpec, FileSystem, FileSystemArgs
from preflight.engine import ACCOUNT_ID, Recording
from tests.mocks import REGION, context, of_type, one, record, record_failure, ref, refs

SUBNETS = ("subnet-a", "subnet-b", "subnet-c")
FS = "aws:efs/fileSystem:FileSystem"
BACKUP = "aws:efs/backupPolicy:BackupPolicy"
FS_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ASSETS = AccessPointSpec("assets", "/assets")
UPLOADS = AccessPointSpec("uploads", "/data/uploads", uid=2000, gid=3000, permissions="0700")


@functools.cache
def build(backups: bool = False, protect: bool = False, transition: str = "AFTER_30_DAYS",
          access_points: tuple[AccessPointSpec, ...] = (ASSETS, UPLOADS)) -> Recording:
    args = FileSystemArgs(context=context(protect=protect), vpc_id="vpc-1", subnet_ids=SUBNETS,
                          access_points=access_points, backups=backups, transition_to_ia=transition)
    return record(lambda: FileSystem("shared", args))


@pytest.mark.parametrize("protect", [False, True])
def test_file_system_is_encrypted_elastic_and_moves_idle_files_to_infrequent_access(protect: bool):
    rec = build(protect=protect)
    fs = one(rec, FS)
    assert fs.inputs["encrypted"] is True, fs.urn
    assert fs.inputs["throughputMode"] == "elastic", fs.urn
    assert fs.inputs["lifecyclePolicies"] == [{"transitionToIa": "AFTER_30_DAYS"},
                                              {"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"}], fs.urn
    assert fs.inputs["tags"] == {"Name": "test-shared"}, fs.urn
    assert fs.protect is protect, fs.urn
    for r in rec.resources:
        if r is not fs:
            assert r.protect is False, r.urn


def test_transition_follows_args():
    fs = one(build(transition="AFTER_7_DAYS"), FS)
    assert fs.inputs["lifecyclePolicies"][0] == {"transitionToIa": "AFTER_7_DAYS"}, fs.urn


@pytest.mark.parametrize(("backups", "status"), [(True, "ENABLED"), (False, "DISABLED")])
def test_backup_policy_follows_args(backups: bool, status: str):
    rec = build(backups=backups)
    policy = one(rec, BACKUP)
    assert ref(rec, policy, "fileSystemId") == one(rec, FS), policy.urn
    assert policy.inputs["backupPolicy"] == {"status": status}, policy.urn


def test_file_system_policy_admits_only_account_principals_over_tls_through_access_points():
    rec = build()
    fs, policy = one(rec, FS), one(rec, FS_POLICY)
    assert ref(rec, policy, "fileSystemId") == fs, policy.urn
    assert refs(rec, policy, "policy") == [fs], policy.urn
    arn = fs.outputs["arn"]
    assert arn == f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT_ID}:file-system/{fs.id}"
    clients = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite"]
    assert json.loads(policy.inputs["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyWithoutTls", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": clients, "Resource": arn,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyWithoutAccessPoint", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": clients,
         "Resource": arn, "Condition": {"Null": {"elasticfilesystem:AccessPointArn": "true"}}},
        {"Sid": "AccountPrincipals", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
         "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": arn,
         "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}},
    ]}, policy.urn
    assert "bypassPolicyLockoutSafetyCheck" not in policy.inputs, policy.urn


def test_a_mount_target_in_every_subnet_behind_one_group_without_rules():
    rec = build()
    fs, sg = one(rec, FS), one(rec, SG)
    assert sg.inputs["vpcId"] == "vpc-1", sg.urn
    assert sg.inputs.get("ingress", []) == [] and sg.inputs.get("egress", []) == [], sg.urn
    # Clients add their NFS rules (components.storage.nfs): the file system admits nobody by itself.
    assert of_type(rec, INGRESS) == [] and of_type(rec, EGRESS) == []
    targets = of_type(rec, MOUNT_TARGET)
    assert sorted(t.inputs["subnetId"] for t in targets) == sorted(SUBNETS), [t.urn for t in targets]
    assert sorted(t.name for t in targets) == ["shared-mt-0", "shared-mt-1", "shared-mt-2"]
    for target in targets:
        assert ref(rec, target, "fileSystemId") == fs, target.urn
        assert target.inputs["securityGroups"] == [sg.id], target.urn
        assert refs(rec, target, "securityGroups") == [sg], target.urn
        assert "ipAddress" not in target.inputs, target.urn


def test_access_points_enforce_a_root_directory_and_a_posix_user():
    rec = build()
    fs = one(rec, FS)
    points = {p.name: p for p in of_type(rec, ACCESS_POINT)}
    assert set(points) == {"shared-assets", "shared-uploads"}
    expected = {"shared-assets": ("/assets", 1000, 1000, "0750"), "shared-uploads": ("/data/uploads", 2000, 3000,
                                                                                     "0700")}
    for name, (path, uid, gid, permissions) in expected.items():
        point = points[name]
        assert ref(rec, point, "fileSystemId") == fs, point.urn
        assert point.inputs["posixUser"] == {"uid": uid, "gid": gid}, point.urn
        assert point.inputs["rootDirectory"] == {
            "path": path, "creationInfo": {"ownerUid": uid, "ownerGid": gid, "permissions": permissions}}, point.urn


def test_outputs_map_access_points_to_their_ids():
    ids: dict[str, str] = {}

    def program() -> None:
        fs = FileSystem("shared", FileSystemArgs(context=context(), vpc_id="vpc-1", subnet_ids=SUBNETS,
                                                 access_points=(ASSETS, UPLOADS)))
        fs.access_point_ids.apply(ids.update)

    rec = record(program)
    assert ids == {"assets": next(p.id for p in of_type(rec, ACCESS_POINT) if p.name == "shared-assets"),
                   "uploads": next(p.id for p in of_type(rec, ACCESS_POINT) if p.name == "shared-uploads")}
    assert all(v.startswith("fsap-") for v in ids.values()), ids


def test_children_are_parented_to_the_component():
    rec = build()
    component = one(rec, TYPE)
    assert component.urn == f"urn:pulumi:test::container-platform::{TYPE}::shared"
    for r in rec.resources:
        if r is not component:
            assert r.parent == component.urn, r.urn
            assert r.name == "shared" or r.name.startswith("shared-"), r.urn


# ---- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"subnet_ids": ()}, "FileSystem shared: needs 1..6 subnets, one per zone (got 0)"),
    ({"subnet_ids": tuple(f"subnet-{i}" for i in range(7))}, "FileSystem shared: needs 1..6 subnets, one per zone "
                                                             "(got 7)"),
    ({"transition_to_ia": "AFTER_2_DAYS"}, "FileSystem shared: transition_to_ia must be one of AFTER_1_DAY, "
     "AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS, AFTER_180_DAYS, AFTER_270_DAYS, "
     "AFTER_365_DAYS (got AFTER_2_DAYS)"),
    ({"access_points": ()}, "FileSystem shared: needs at least one access point (clients mount only through them)"),
    ({"access_points": (ASSETS, ASSETS)}, "FileSystem shared: access point assets is declared twice"),
    ({"access_points": (AccessPointSpec("root", "/"),)},
     "FileSystem shared: access point root path must be an absolute path other than / with one to four directories "
     "(none starting with . and without $ # < > ; ` | & ? { } ^ *), up to 100 characters (got '/')"),
    ({"access_points": (AccessPointSpec("deep", "/a/b/c/d/e"),)},
     "FileSystem shared: access point deep path must be an absolute path other than / with one to four directories "
     "(none starting with . and without $ # < > ; ` | & ? { } ^ *), up to 100 characters (got '/a/b/c/d/e')"),
    ({"access_points": (AccessPointSpec("root", "/x", uid=0),)},
     "FileSystem shared: access point root needs a POSIX uid 1..4294967295 (not root) and gid 0..4294967295 "
     "(got 0, 1000)"),
    ({"access_points": (AccessPointSpec("big", "/x", gid=2**32),)},
     "FileSystem shared: access point big needs a POSIX uid 1..4294967295 (not root) and gid 0..4294967295 "
     "(got 1000, 4294967296)"),
    ({"access_points": (AccessPointSpec("mode", "/x", permissions="0788"),)},
     "FileSystem shared: access point mode permissions must be 3 or 4 octal digits (got '0788')"),
], ids=["no-subnet", "seven-subnets", "transition", "no-access-point", "twice", "root", "five-levels", "uid-0",
        "gid-2^32", "mode"])
def test_argument_errors(changes: dict, message: str):
    values = {"context": context(), "vpc_id": "vpc-1", "subnet_ids": SUBNETS, "access_points": (ASSETS,)} | changes
    exc, registered = record_failure(lambda: FileSystem("shared", FileSystemArgs(**values)))
    assert isinstance(exc, ValueError), repr(exc)
    assert str(exc) == message
    assert registered == [], [r.urn for r in registered]


@pytest.mark.parametrize("spec", [
    AccessPointSpec("edge", "/a/b/c/d"), AccessPointSpec("long", "/" + "x" * 99),
    AccessPointSpec("ids", "/x", uid=2**32 - 1, gid=0, permissions="755"),
], ids=["four-levels", "100-characters", "id-edges"])
def test_access_points_at_the_edges_are_accepted(spec: AccessPointSpec):
    rec = build(access_points=(spec,))
    point = one(rec, ACCESS_POINT)
    assert point.inputs["rootDirectory"]["path"] == spec.path, point.urn
