"""A stack fixture as the platform builds it: one EFS file system with mount targets in two private subnets behind
their own security group, one access point, an EC2 (bridge) service ``web`` mounting it read-only through its
container instances, and a Fargate service ``api`` mounting it read-write from its task group; the NFS rules admit
exactly those two clients. ``preview`` gives unknown ids and ARNs (relations only through property dependencies);
otherwise ids are known. Tests take the list and break it one way. Names are unique (the harness keys by name)."""

from __future__ import annotations

import json
from typing import Any

from tests.policies.harness import UNKNOWN, Res

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
IGW = "aws:ec2/internetGateway:InternetGateway"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
FS = "aws:efs/fileSystem:FileSystem"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
FS_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
BACKUP = "aws:efs/backupPolicy:BackupPolicy"
CLUSTER = "aws:ecs/cluster:Cluster"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
CLUSTER_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
ASG = "aws:autoscaling/group:Group"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

ACCOUNT = "123456789012"
REGION = "eu-west-1"
FS_ID = "fs-0123456789abcdef0"
FS_ARN = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{FS_ID}"
AP_ID = "fsap-0123456789abcdef0"
AP_ARN = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:access-point/{AP_ID}"
CLIENT_ACTIONS = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess",
                  "elasticfilesystem:ClientWrite"]


def file_system_policy(arn: str = FS_ARN) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": CLIENT_ACTIONS, "Resource": arn,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": arn,
         "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}},
    ]})


def efs_statement(write: bool, fs_arn: str = FS_ARN, ap_arn: str = AP_ARN) -> dict[str, Any]:
    return {"Effect": "Allow",
            "Action": ["elasticfilesystem:ClientMount"] + (["elasticfilesystem:ClientWrite"] if write else []),
            "Resource": [fs_arn], "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": ap_arn}}}


def container_definitions(name: str, read_only: bool) -> str:
    return json.dumps([{"name": name, "image": "nginx:1.27", "essential": True, "mountPoints": [
        {"sourceVolume": "shared-assets", "containerPath": f"/srv/{name}", "readOnly": read_only}]}])


def volumes(preview: bool, fs_id: str = FS_ID, ap_id: str = AP_ID) -> list[dict[str, Any]]:
    return [{"name": "shared-assets", "efsVolumeConfiguration": {
        "fileSystemId": UNKNOWN if preview else fs_id, "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": UNKNOWN if preview else ap_id, "iam": "ENABLED"}}}]


def platform(preview: bool = False) -> list[Res]:
    def known(value: Any) -> Any:
        return UNKNOWN if preview else value

    def subnet(name: str, cidr: str, zone: str) -> Res:
        return Res(SUBNET, name, {"vpcId": known("vpc-1"), "cidrBlock": cidr, "availabilityZone": zone,
                                  "mapPublicIpOnLaunch": False, "id": known(f"subnet-{name}")}, {"vpcId": ["vpc"]})

    def group(name: str) -> Res:
        return Res(SG, name, {"vpcId": known("vpc-1"), "description": name, "id": known(f"sg-{name}")},
                   {"vpcId": ["vpc"]})

    def rule(kind: str, name: str, grp: str, peer: str, low: int = 2049, high: int = 2049) -> Res:
        return Res(kind, name, {"securityGroupId": known(f"sg-{grp}"), "ipProtocol": "tcp", "fromPort": low,
                                "toPort": high, "referencedSecurityGroupId": known(f"sg-{peer}")},
                   {"securityGroupId": [grp], "referencedSecurityGroupId": [peer]})

    def role_policy(name: str, role: str, write: bool) -> Res:
        document = UNKNOWN if preview else json.dumps({"Version": "2012-10-17",
                                                       "Statement": [efs_statement(write)]})
        return Res(ROLE_POLICY, name, {"role": known(role), "policy": document},
                   {"role": [role], **({"policy": ["fs", "assets"]} if preview else {})})

    def role(name: str) -> Res:
        return Res(ROLE, name, {"arn": known(f"arn:aws:iam::{ACCOUNT}:role/{name}"), "id": known(name),
                                "name": known(name), "assumeRolePolicy": json.dumps({
                                    "Version": "2012-10-17", "Statement": [{
                                        "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                        "Action": "sts:AssumeRole",
                                        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]})})

    return [
        Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16", "id": known("vpc-1")}),
        Res(IGW, "igw", {"vpcId": known("vpc-1"), "id": known("igw-1")}, {"vpcId": ["vpc"]}),
        subnet("public-a", "10.0.128.0/20", "eu-west-1a"),
        Res(ROUTE_TABLE, "public", {"vpcId": known("vpc-1"), "id": known("rtb-public")}, {"vpcId": ["vpc"]}),
        Res(ROUTE, "public-default", {"routeTableId": known("rtb-public"), "destinationCidrBlock": "0.0.0.0/0",
                                      "gatewayId": known("igw-1")}, {"routeTableId": ["public"], "gatewayId": ["igw"]}),
        Res(ASSOCIATION, "public-a-rt", {"subnetId": known("subnet-public-a"), "routeTableId": known("rtb-public")},
            {"subnetId": ["public-a"], "routeTableId": ["public"]}),
        subnet("private-a", "10.0.0.0/20", "eu-west-1a"),
        subnet("private-b", "10.0.16.0/20", "eu-west-1b"),
        # the file system
        Res(FS, "fs", {"encrypted": True, "throughputMode": "elastic", "id": known(FS_ID), "arn": known(FS_ARN)}),
        Res(BACKUP, "fs-backup", {"fileSystemId": known(FS_ID), "backupPolicy": {"status": "ENABLED"}},
            {"fileSystemId": ["fs"]}),
        Res(FS_POLICY, "fs-policy", {"fileSystemId": known(FS_ID),
                                     "policy": UNKNOWN if preview else file_system_policy()},
            {"fileSystemId": ["fs"], **({"policy": ["fs"]} if preview else {})}),
        group("mt-sg"),
        Res(MOUNT_TARGET, "mt-0", {"fileSystemId": known(FS_ID), "subnetId": known("subnet-private-a"),
                                   "securityGroups": [known("sg-mt-sg")]},
            {"fileSystemId": ["fs"], "subnetId": ["private-a"], "securityGroups": ["mt-sg"]}),
        Res(MOUNT_TARGET, "mt-1", {"fileSystemId": known(FS_ID), "subnetId": known("subnet-private-b"),
                                   "securityGroups": [known("sg-mt-sg")]},
            {"fileSystemId": ["fs"], "subnetId": ["private-b"], "securityGroups": ["mt-sg"]}),
        Res(ACCESS_POINT, "assets", {"fileSystemId": known(FS_ID), "id": known(AP_ID), "arn": known(AP_ARN),
                                     "posixUser": {"uid": 1000, "gid": 1000},
                                     "rootDirectory": {"path": "/assets", "creationInfo": {
                                         "ownerUid": 1000, "ownerGid": 1000, "permissions": "0750"}}},
            {"fileSystemId": ["fs"]}),
        Res(CLUSTER, "cluster", {"name": "platform", "arn": known(f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/platform")}),
        # web: EC2 (bridge), mounted by its container instances
        group("instance-sg"),
        rule(INGRESS, "instances-nfs", "mt-sg", "instance-sg"),
        rule(EGRESS, "instances-nfs-out", "instance-sg", "mt-sg"),
        Res(LAUNCH_TEMPLATE, "instances-lt", {"imageId": "ami-0123456789abcdef0", "id": known("lt-1"),
                                           "vpcSecurityGroupIds": [known("sg-instance-sg")]},
            {"vpcSecurityGroupIds": ["instance-sg"]}),
        Res(ASG, "instances-asg", {"minSize": 1, "maxSize": 4, "arn": known("arn:aws:autoscaling:asg"),
                               "vpcZoneIdentifiers": [known("subnet-private-a"), known("subnet-private-b")],
                               "launchTemplate": {"id": known("lt-1"), "version": "1"}},
            {"vpcZoneIdentifiers": ["private-a", "private-b"], "launchTemplate": ["instances-lt"]}),
        Res(CAPACITY_PROVIDER, "ec2", {"name": known("ec2-cp"), "autoScalingGroupProvider": {
            "autoScalingGroupArn": known("arn:aws:autoscaling:asg")}}, {"autoScalingGroupProvider": ["instances-asg"]}),
        role("web-role"),
        role_policy("web-role-policy", "web-role", write=False),
        Res(TASK, "web-td", {"family": "web", "networkMode": "bridge", "requiresCompatibilities": ["EC2"],
                          "taskRoleArn": known(f"arn:aws:iam::{ACCOUNT}:role/web-role"),
                          "containerDefinitions": UNKNOWN if preview else container_definitions("web", True),
                          "volumes": volumes(preview)},
            {"taskRoleArn": ["web-role"], "volumes": ["fs", "assets"]}),
        Res(SERVICE, "web", {"cluster": known("arn:cluster"), "taskDefinition": UNKNOWN,
                             "capacityProviderStrategies": [{"capacityProvider": known("ec2-cp"), "weight": 1}]},
            {"cluster": ["cluster"], "taskDefinition": ["web-td"], "capacityProviderStrategies": ["ec2"]}),
        # api: Fargate (awsvpc), mounted from its task group
        group("api-sg"),
        rule(INGRESS, "api-nfs", "mt-sg", "api-sg"),
        rule(EGRESS, "api-nfs-out", "api-sg", "mt-sg"),
        role("api-role"),
        role_policy("api-role-policy", "api-role", write=True),
        Res(TASK, "api-td", {"family": "api", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
                          "taskRoleArn": known(f"arn:aws:iam::{ACCOUNT}:role/api-role"),
                          "containerDefinitions": UNKNOWN if preview else container_definitions("api", False),
                          "volumes": volumes(preview)},
            {"taskRoleArn": ["api-role"], "volumes": ["fs", "assets"]}),
        Res(SERVICE, "api", {"cluster": known("arn:cluster"), "taskDefinition": UNKNOWN, "platformVersion": "LATEST",
                             "capacityProviderStrategies": [{"capacityProvider": "FARGATE", "weight": 1}],
                             "networkConfiguration": {"subnets": [known("subnet-private-a"),
                                                                  known("subnet-private-b")],
                                                      "securityGroups": [known("sg-api-sg")]}},
            {"cluster": ["cluster"], "taskDefinition": ["api-td"],
             "networkConfiguration": ["private-a", "private-b", "api-sg"]}),
    ]


def replace(resources: list[Res], name: str, deps: dict[str, list[str]] | None = None, **props: Any) -> list[Res]:
    """The stack with resource ``name`` given other props (and, with ``deps``, other property dependencies)."""
    out = []
    for r in resources:
        if r.name == name:
            r = Res(r.type, r.name, {**r.props, **props}, {**r.deps, **(deps or {})}, r.parent)
        out.append(r)
    return out


def without(resources: list[Res], *names: str) -> list[Res]:
    return [r for r in resources if r.name not in names]


def get(resources: list[Res], name: str) -> Res:
    return next(r for r in resources if r.name == name)
