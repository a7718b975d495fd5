"""The pieces of a standalone Fargate task, composed by the components that run one (an EventBridge target, a queue
worker): its log group, execution and task roles, security group and task definition.

Nothing here is a component: the caller passes itself as ``parent``, and every child is named after ``name``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.ecs.fargate_service import FARGATE_SIZES
from components.ecs.roles import ServiceRole, execution_role, task_role
from components.ecs.service import ContainerSpec, container_definition
from components.network.egress import allow_https_egress
from components.network.endpoints import admit_to_endpoints
from components.shared.context import PlatformContext
from components.shared.iam import policy_document

#: An image in an ECR private registry: the execution role may pull from that repository only.
_ECR_IMAGE = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[a-z0-9][a-z0-9._/-]*?)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})?")
#: Seconds Fargate lets a container run after SIGTERM before it is killed (ContainerDefinition.stopTimeout).
FARGATE_STOP_TIMEOUT = range(2, 121)
#: Children the provider names ``<logical name>-<7 hex digits>``, with AWS's limit on that name.
AUTONAMED_CHILDREN = (
    ("task role", "{name}-task", 64),
    ("execution role", "{name}-exec", 64),
    ("security group", "{name}-sg", 255),
)


@dataclass(frozen=True)
class TaskSpec:
    """The task's one container."""

    image: str
    """Image reference (an ECR image of the account is pulled with a grant on its repository only)."""
    cpu: int = 256
    """Task CPU units (a Fargate size)."""
    memory: int = 512
    """Task memory in MiB (valid with ``cpu`` on Fargate)."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Plain environment variables."""
    read_only_root_filesystem: bool = True
    """Mount the root filesystem read-only."""
    stop_timeout: int | None = None
    """Seconds between SIGTERM and SIGKILL when ECS stops the task (Fargate: 2..120; None is ECS's 30)."""


@dataclass(frozen=True)
class FargateTask:
    """What ``fargate_task`` built."""

    task_definition: aws.ecs.TaskDefinition
    container_name: str
    task_role: ServiceRole
    execution_role: ServiceRole
    security_group: aws.ec2.SecurityGroup
    log_group: aws.cloudwatch.LogGroup

    @property
    def role_policies(self) -> tuple[pulumi.Resource, ...]:
        """Whatever starts the task waits for these (a task started before its roles' policies exist fails)."""
        return (*self.execution_role.policies, *self.task_role.policies)


def ecr_repository_arn(image: str, context: PlatformContext) -> str | None:
    """The ECR repository an image reference pulls from, as an ARN in the stack's partition; None elsewhere."""
    found = _ECR_IMAGE.fullmatch(image)
    if not found:
        return None
    return (f"arn:{context.partition}:ecr:{found['region']}:{found['account']}:"
            f"repository/{found['repository']}")


def task_container(name: str, spec: TaskSpec, log_group: str, region: str,
                   environment: Mapping[str, str]) -> dict[str, Any]:
    """The container definition in the ECS API's shape: the services' definition without port mappings (nothing
    connects to these tasks), with ``stopTimeout`` when set."""
    definition = container_definition(
        name, ContainerSpec(image=spec.image, cpu=spec.cpu, memory=spec.memory,
                            environment={**spec.environment, **environment},
                            read_only_root_filesystem=spec.read_only_root_filesystem),
        spec.image, log_group, region, host_port=0)
    definition.pop("portMappings")
    if spec.stop_timeout is not None:
        definition["stopTimeout"] = spec.stop_timeout
    return definition


def fargate_task(
    name: str,
    context: PlatformContext,
    spec: TaskSpec,
    *,
    statements: Sequence[dict],
    environment: Mapping[str, pulumi.Input[str]],
    vpc_id: pulumi.Input[str],
    endpoints_security_group_id: pulumi.Input[str] | None,
    parent: pulumi.Resource,
) -> FargateTask:
    """A Fargate task definition (family ``<stack>-<name>``, one container named ``name``) with its log group, an
    execution role for its image and logs, a task role granting exactly ``statements`` (no policy without any),
    and a security group with HTTPS egress only (admitted to the VPC's interface endpoints when there are some).
    ``environment`` adds variables computed from other resources (a table name)."""
    opts = pulumi.ResourceOptions(parent=parent)
    # An explicit name: a replacement must delete the old group first, or the new one collides with it.
    log_group = aws.cloudwatch.LogGroup(name, name=f"{context.log_group_prefix}{name}",
                                        retention_in_days=context.log_retention_days,
                                        opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=True))
    exec_role = execution_role(name, context, log_group_arn=log_group.arn,
                               repository_arn=ecr_repository_arn(spec.image, context), secret_arns=[], parent=parent)
    # The shared builder makes the role and its trust; the permissions are this task's own statements.
    bare = task_role(name, context, (), parent=parent)
    grants = (aws.iam.RolePolicy(f"{name}-task", role=bare.role.id, policy=policy_document(statements), opts=opts),
              ) if statements else ()
    app_role = ServiceRole(bare.role, grants)

    sg = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=vpc_id, description=f"{name} tasks", tags={"Name": f"{name}-sg"},
                               opts=opts)
    allow_https_egress(name, sg.id, parent)
    if endpoints_security_group_id is not None:
        admit_to_endpoints(name, endpoints_security_group_id, sg.id, parent)

    definitions = pulumi.Output.all(log_group=log_group.name, environment=pulumi.Output.from_input(dict(environment))) \
        .apply(lambda v: json.dumps([task_container(name, spec, v["log_group"], context.region, v["environment"])]))
    task = aws.ecs.TaskDefinition(
        name, family=f"{context.stack}-{name}", network_mode="awsvpc", requires_compatibilities=["FARGATE"],
        cpu=str(spec.cpu), memory=str(spec.memory), execution_role_arn=exec_role.role.arn,
        task_role_arn=app_role.role.arn, container_definitions=definitions,
        runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(operating_system_family="LINUX",
                                                                   cpu_architecture="X86_64"),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[*exec_role.policies, *app_role.policies]))
    return FargateTask(task_definition=task, container_name=name, task_role=app_role, execution_role=exec_role,
                       security_group=sg, log_group=log_group)


def validate_spec(what: str, spec: TaskSpec) -> None:
    """One exact ValueError per problem with a task's container."""
    if spec.memory not in FARGATE_SIZES.get(spec.cpu, ()):
        raise ValueError(f"{what}: cpu {spec.cpu} with memory {spec.memory} is not a Fargate task size")
    if spec.stop_timeout is not None and spec.stop_timeout not in FARGATE_STOP_TIMEOUT:
        raise ValueError(f"{what}: stop_timeout must be {FARGATE_STOP_TIMEOUT.start}..{FARGATE_STOP_TIMEOUT.stop - 1} "
                         f"seconds on Fargate (got {spec.stop_timeout})")
