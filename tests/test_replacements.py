"""Updates that replace a resource succeed: a resource whose physical name the program sets itself would collide with
its own replacement (Pulumi creates the new one before deleting the old), so it is deleted first; everything else
is auto-named (``<logical name>-<7 hex>``) and can be replaced side by side."""

from __future__ import annotations

import pytest

from tests.mocks import record
from tests.test_main_program import STACKS, program, stack_config

#: Resource types whose physical name is their identity in AWS, and the input that sets it.
PHYSICAL_NAMES = {
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:ecr/repository:Repository": "name",
    "aws:sqs/queue:Queue": "name",
    "aws:dynamodb/table:Table": "name",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/instanceProfile:InstanceProfile": "name",
    "aws:lb/targetGroup:TargetGroup": "name",
    "aws:lb/loadBalancer:LoadBalancer": "name",
    "aws:ecs/cluster:Cluster": "name",
    "aws:ecs/service:Service": "name",
    "aws:ecs/capacityProvider:CapacityProvider": "name",
    "aws:autoscaling/group:Group": "name",
    "aws:ec2/launchTemplate:LaunchTemplate": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:kms/alias:Alias": "name",
}


@pytest.mark.parametrize("stack", STACKS)
def test_every_explicitly_named_resource_is_deleted_before_it_is_replaced(stack: str):
    rec = record(program, stack=stack, config=stack_config(stack))
    named = [r for r in rec.resources if r.custom and PHYSICAL_NAMES.get(r.type) in r.inputs]
    assert named, "the platform names its log groups and repositories: the scan found none"
    late = [f"{r.urn} ({r.inputs[PHYSICAL_NAMES[r.type]]})" for r in named if not r.options.get("deleteBeforeReplace")]
    assert late == []


def test_the_table_knows_every_named_type_the_platform_creates():
    """A new resource type given an explicit ``name`` must be judged: listed above (and then deleted before replaced),
    or auto-named. (A bucket's configuration resources name their bucket, not themselves; task definition families
    take no ``name``: a replacement registers a new revision of the family.)"""
    rec = record(program, stack="prod", config=stack_config("prod"))
    unknown = sorted({r.type for r in rec.resources
                      if r.custom and r.type not in PHYSICAL_NAMES and "name" in r.inputs})
    assert unknown == []
