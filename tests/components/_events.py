"""What the events and queue component tests share: fixed placement arguments and readers for recorded documents."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from preflight.engine import ACCOUNT_ID, Recording, Registration
from tests.mocks import REGION, context, of_type, one, refs

CLUSTER_NAME = "platform"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:cluster/{CLUSTER_NAME}"
SUBNETS = ("subnet-a", "subnet-b")
ENDPOINTS_SG = "sg-0e0e0e0e0e0e0e0e0"
IMAGE = "public.ecr.aws/acme/ingest:1.2.3"
ECR_IMAGE = f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/team/ingest:1.2.3"

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def cached_by_arguments(build: Callable[..., Recording]) -> Callable[..., Recording]:
    """``build(**changes)``, recorded once per distinct arguments (every value must be hashable)."""
    cached = functools.cache(lambda items: build(**dict(items)))

    @functools.wraps(build)
    def wrapper(**changes: Any) -> Recording:
        return cached(tuple(sorted(changes.items())))

    return wrapper


def placement(**changes: Any) -> dict[str, Any]:
    """The arguments every rule task and worker takes, for stack "test" in the mocks' account."""
    return {"context": context(), "cluster_arn": CLUSTER_ARN, "cluster_name": CLUSTER_NAME, "vpc_id": "vpc-1",
            "subnet_ids": list(SUBNETS), **changes}


def named(rec: Recording, resource_type: str, name: str) -> Registration:
    found = [r for r in of_type(rec, resource_type) if r.name == name]
    assert len(found) == 1, f"expected one {resource_type} named {name}, got {[r.urn for r in found]}"
    return found[0]


def document(registration: Registration, prop: str = "policy") -> dict[str, Any]:
    """A JSON policy document input, parsed."""
    value = registration.inputs[prop]
    assert isinstance(value, str), f"{registration.urn}: {prop} is not a JSON string"
    return json.loads(value)


def statements_of(rec: Recording, role: Registration) -> list[dict[str, Any]]:
    """The statements of the one inline policy attached to ``role`` (none: [])."""
    found = [p for p in of_type(rec, ROLE_POLICY) if refs(rec, p, "role") == [role]]
    assert len(found) <= 1, f"{role.urn}: several inline policies {[p.urn for p in found]}"
    if not found:
        return []
    assert found[0].inputs["role"] == role.id, found[0].urn
    return document(found[0])["Statement"]


def container(rec: Recording) -> dict[str, Any]:
    task = one(rec, TASK)
    definitions = json.loads(task.inputs["containerDefinitions"])
    assert isinstance(definitions, list) and len(definitions) == 1, task.urn
    return definitions[0]


def environment(definition: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in definition["environment"]}
