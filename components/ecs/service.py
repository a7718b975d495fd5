"""What EC2 and Fargate services share: image, logs, roles, EFS volumes, target group and listener rule, rolling
updates and scaling. ``Ec2Service`` and ``FargateService`` (their own modules) add the task networking of their
launch type."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.ecs import volumes
from components.ecs.roles import Grant, execution_role, task_role
from components.ecs.volumes import VolumeMount
from components.network.egress import EgressRule
from components.shared.context import PlatformContext

#: Children the provider names ``<logical name>-<7 hex digits>``, with AWS's limit on that name: settings keep
#: service names short enough for every one of them.
AUTONAMED_CHILDREN = (
    ("target group", "{name}-tg", 32),
    ("task role", "{name}-task", 64),
    ("execution role", "{name}-exec", 64),
    ("security group", "{name}-sg", 255),
    ("ECS service", "{name}", 255),
)


@dataclass(frozen=True)
class ContainerSpec:
    """The service's one container."""

    image: str | None
    """Image reference; None runs ``image_tag`` from the ECR repository of ``ServiceArgs.repository_url``."""
    image_tag: str | None = None
    """Release tag in that repository when ``image`` is None (immutable: one tag per release)."""
    port: int = 8080
    """Container port the load balancer forwards to."""
    cpu: int = 256
    """Task CPU units."""
    memory: int = 512
    """Task memory (MiB)."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Plain environment variables."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Environment variable name to SSM parameter or Secrets Manager ARN."""
    read_only_root_filesystem: bool = True
    """Mount the root filesystem read-only."""
    secrets_kms_keys: tuple[str, ...] = ()
    """Customer-managed KMS keys (ARNs) that encrypt the secrets: the execution role may decrypt with them."""


@dataclass(frozen=True)
class ServiceArgs:
    context: PlatformContext
    """Environment facts."""
    container: ContainerSpec
    """What runs."""
    cluster_arn: pulumi.Input[str]
    """Cluster the service runs in."""
    cluster_name: pulumi.Input[str]
    """Its name (for the scaling target's resource id)."""
    vpc_id: pulumi.Input[str]
    """VPC of the target group."""
    listener_arn: pulumi.Input[str]
    """Load balancer listener the service's rule attaches to."""
    alb_security_group_id: pulumi.Input[str]
    """Load balancer SG, the only source the service's targets admit."""
    path: str
    """Path pattern of the listener rule."""
    priority: int
    """Listener rule priority (unique per listener; lower wins, so more specific paths get lower numbers)."""
    host: str | None = None
    """Optional host header condition."""
    health_check_path: str = "/"
    """Target group health check path."""
    desired_count: int = 2
    """Tasks at creation; afterwards the scaler owns the count."""
    min_count: int = 2
    """Scaling minimum."""
    max_count: int = 4
    """Scaling maximum."""
    cpu_target: int = 60
    """Target average CPU utilisation (percent)."""
    min_healthy_percent: int = 50
    """Rolling update: share of tasks kept running."""
    max_percent: int = 100
    """Rolling update: ceiling of running tasks."""
    health_check_grace_period: int = 60
    """Seconds the scheduler ignores failing load balancer health checks after a task starts."""
    grants: tuple[Grant, ...] = ()
    """What the task role may do."""
    egress: tuple[EgressRule, ...] = ()
    """Outbound rules beyond HTTPS (Fargate: on the task SG; EC2 services share the instances' SG, which the
    capacity component owns)."""
    enable_execute_command: bool = False
    """Allow ECS Exec sessions; they are logged to ``exec_log_group_arn``."""
    exec_log_group_arn: pulumi.Input[str] | None = None
    """The cluster's ECS Exec log group (needed with ``enable_execute_command``)."""
    wait_for_steady_state: bool = False
    """Wait for each deployment to finish, and fail `pulumi up` when the circuit breaker rolled it back."""
    endpoints_security_group_id: pulumi.Input[str] | None = None
    """The VPC's interface endpoints' SG, when the VPC reaches AWS APIs through them: the task SG admits itself."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What the ECS service needs first and outlives on destroy, e.g. the component that associates its capacity
    providers with the cluster, or the file systems it mounts (a component stands for all its resources)."""
    repository_url: pulumi.Input[str] | None = None
    """The ECR repository the container's image comes from when ``container.image`` is None."""
    repository_arn: pulumi.Input[str] | None = None
    """Its ARN: the execution role may pull from this repository only."""
    volumes: tuple[VolumeMount, ...] = ()
    """EFS access points mounted into the container."""


def rolling_update_deadlocks(count: int, min_healthy_percent: int, max_percent: int) -> bool:
    """ECS keeps ceil(count*min/100) tasks healthy and runs at most floor(count*max/100); with no gap between the
    two it can neither start a new task nor stop an old one."""
    return math.floor(count * max_percent / 100) <= math.ceil(count * min_healthy_percent / 100)


@dataclass(frozen=True)
class TaskNetworking:
    """What a launch type decides about the task and the service."""

    network_mode: str
    target_type: str
    host_port: int
    compatibilities: tuple[str, ...]
    service_args: Mapping[str, Any]
    dependencies: tuple[pulumi.Resource, ...] = ()
    """What tasks need before they start (e.g. the rules that let them reach their file systems)."""


class ServiceBase(pulumi.ComponentResource):
    """A load-balanced, autoscaled ECS service. Subclasses provide ``_networking``."""

    service_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    repository_url: pulumi.Output[str] | None

    def __init__(self, type_: str, name: str, args: ServiceArgs, opts: pulumi.ResourceOptions | None) -> None:
        _validate(name, args)
        super().__init__(type_, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ctx, spec = args.context, args.container

        # An explicit name: a replacement must delete the old group first, or the new one collides with it.
        log_group = aws.cloudwatch.LogGroup(name, name=f"{ctx.log_group_prefix}{name}",
                                            retention_in_days=ctx.log_retention_days,
                                            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True))
        image: pulumi.Input[str] | None = spec.image
        if spec.image is None:
            image = pulumi.Output.from_input(args.repository_url).apply(lambda url: f"{url}:{spec.image_tag}")

        exec_role = execution_role(name, ctx, log_group_arn=log_group.arn,
                                   repository_arn=args.repository_arn if spec.image is None else None,
                                   secret_arns=list(spec.secrets.values()), kms_key_arns=spec.secrets_kms_keys,
                                   parent=self)
        app_role = task_role(name, ctx, args.grants, parent=self,
                             exec_log_group_arn=args.exec_log_group_arn if args.enable_execute_command else None,
                             volumes=args.volumes)
        role_policies = [*exec_role.policies, *app_role.policies]
        net = self._networking(name, args)

        container_definitions = pulumi.Output.all(image=image, log_group=log_group.name).apply(
            lambda v: json.dumps([container_definition(name, spec, v["image"], v["log_group"], ctx.region,
                                                       net.host_port, args.volumes)]))
        task = aws.ecs.TaskDefinition(
            name, family=f"{ctx.stack}-{name}", network_mode=net.network_mode,
            requires_compatibilities=list(net.compatibilities), cpu=str(spec.cpu), memory=str(spec.memory),
            execution_role_arn=exec_role.role.arn, task_role_arn=app_role.role.arn,
            container_definitions=container_definitions,
            volumes=volumes.task_volumes(args.volumes) or None,
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(operating_system_family="LINUX",
                                                                       cpu_architecture="X86_64"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=role_policies))

        target_group = aws.lb.TargetGroup(
            f"{name}-tg", vpc_id=args.vpc_id, port=spec.port, protocol="HTTP", target_type=net.target_type,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True, path=args.health_check_path, protocol="HTTP", port="traffic-port", matcher="200-399",
                interval=15, timeout=5, healthy_threshold=2, unhealthy_threshold=3),
            opts=child)
        conditions = [aws.lb.ListenerRuleConditionArgs(
            path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=[args.path]))]
        if args.host:
            conditions.append(aws.lb.ListenerRuleConditionArgs(
                host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[args.host])))
        rule = aws.lb.ListenerRule(
            name, listener_arn=args.listener_arn, priority=args.priority, conditions=conditions,
            actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group.arn)], opts=child)

        service = aws.ecs.Service(
            name, cluster=args.cluster_arn, task_definition=task.arn, desired_count=args.desired_count,
            deployment_minimum_healthy_percent=args.min_healthy_percent,
            deployment_maximum_percent=args.max_percent,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            health_check_grace_period_seconds=args.health_check_grace_period,
            load_balancers=[aws.ecs.ServiceLoadBalancerArgs(target_group_arn=target_group.arn, container_name=name,
                                                            container_port=spec.port)],
            propagate_tags="SERVICE", enable_ecs_managed_tags=True,
            enable_execute_command=args.enable_execute_command,
            wait_for_steady_state=args.wait_for_steady_state,
            # The provider changes a capacity provider strategy only together with a new deployment.
            force_new_deployment=True,
            **net.service_args,
            # The scaler owns the running count once the service exists.
            opts=pulumi.ResourceOptions(parent=self,
                                        depends_on=[rule, *role_policies, *net.dependencies, *args.depends_on],
                                        ignore_changes=["desiredCount"]),
        )

        resource_id = pulumi.Output.all(args.cluster_name, service.name).apply(lambda v: f"service/{v[0]}/{v[1]}")
        target = aws.appautoscaling.Target(
            name, service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount", resource_id=resource_id,
            min_capacity=args.min_count, max_capacity=args.max_count, opts=child)
        aws.appautoscaling.Policy(
            f"{name}-cpu", policy_type="TargetTrackingScaling", service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension, resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.
            PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=args.cpu_target, scale_in_cooldown=120, scale_out_cooldown=60,
                predefined_metric_specification=aws.appautoscaling.
                PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ECSServiceAverageCPUUtilization")),
            opts=child)

        self.service_name = service.name
        self.task_definition_arn = task.arn
        self.task_role_arn = app_role.role.arn
        self.target_group_arn = target_group.arn
        self.log_group_name = log_group.name
        self.repository_url = (pulumi.Output.from_input(args.repository_url)
                               if spec.image is None and args.repository_url is not None else None)
        outputs: dict[str, Any] = {
            "serviceName": self.service_name, "taskDefinitionArn": self.task_definition_arn,
            "taskRoleArn": self.task_role_arn, "targetGroupArn": self.target_group_arn,
            "logGroupName": self.log_group_name, "repositoryUrl": self.repository_url,
        }
        if args.wait_for_steady_state:
            # The provider waits for a steady state, which a rolled-back deployment also reaches: compare what the
            # service runs with what was asked for, and fail the update when they differ.
            outputs["deployedTaskDefinitionArn"] = pulumi.Output.all(service.task_definition, task.arn).apply(
                lambda arns: deployed_task_definition(name, arns[0], arns[1]))
        self.register_outputs(outputs)

    def _networking(self, name: str, args: ServiceArgs) -> TaskNetworking:
        raise NotImplementedError


def deployed_task_definition(name: str, running: str, requested: str) -> str:
    """``running`` when it is the ``requested`` task definition; an error naming both when the deployment was
    rolled back."""
    if running != requested:
        raise pulumi.RunError(
            f"service {name}: the deployment of {requested} did not complete: the circuit breaker rolled the service "
            f"back to {running}. Check the service's events and the tasks' stopped reasons, fix, and run pulumi up "
            f"again.")
    return running


def container_definition(name: str, spec: ContainerSpec, image: str, log_group: str, region: str,
                         host_port: int, mounts: tuple[VolumeMount, ...] = ()) -> dict[str, Any]:
    """The container definition in the ECS API's shape (``mountPoints`` only with volumes, so a service without
    volumes keeps its definition as it was)."""
    definition = {
        "name": name,
        "image": image,
        "essential": True,
        "portMappings": [{"containerPort": spec.port, "hostPort": host_port, "protocol": "tcp"}],
        "environment": [{"name": k, "value": v} for k, v in sorted(spec.environment.items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(spec.secrets.items())],
        "readonlyRootFilesystem": spec.read_only_root_filesystem,
        "privileged": False,
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": name}},
    }
    if mounts:
        definition["mountPoints"] = volumes.mount_points(mounts)
    return definition


def _validate(name: str, args: ServiceArgs) -> None:
    if not 1 <= args.min_count <= args.desired_count <= args.max_count:
        raise ValueError(f"service {name}: needs 1 <= min_count <= desired_count <= max_count "
                         f"(got {args.min_count}, {args.desired_count}, {args.max_count})")
    if rolling_update_deadlocks(args.min_count, args.min_healthy_percent, args.max_percent):
        raise ValueError(f"service {name}: with {args.min_count} task(s), minimum healthy {args.min_healthy_percent}% "
                         f"and maximum {args.max_percent}% ECS can replace no task (it rounds the minimum up and "
                         f"the maximum down)")
    if not 1 <= args.container.port <= 65535:
        raise ValueError(f"service {name}: port must be 1..65535 (got {args.container.port})")
    if args.container.image is None and (not args.container.image_tag or args.repository_url is None
                                         or args.repository_arn is None):
        raise ValueError(f"service {name}: needs image, or repository_url, repository_arn and image_tag")
    if args.container.image is not None and (args.repository_url is not None or args.repository_arn is not None):
        raise ValueError(f"service {name}: takes image or a repository, not both")
    volumes.validate(f"service {name}", args.volumes)
    if args.enable_execute_command and args.exec_log_group_arn is None:
        raise ValueError(f"service {name}: enable_execute_command needs exec_log_group_arn (sessions are logged)")
