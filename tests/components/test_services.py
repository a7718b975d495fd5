"""Ec2Service and FargateService built directly under the mocks: task networking per launch type, and what
ServiceBase gives both (roles, container definition, deployment, scaling, listener rule, validation)."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from components.ecs import ec2_service, fargate_service
from components.ecs.ec2_service import Ec2Service
from components.ecs.fargate_service import FargateService
from components.ecs.roles import Grant
from components.ecs.service import ContainerSpec, ServiceArgs, rolling_update_deadlocks
from components.network.egress import EgressRule
from preflight import engine
from preflight.engine import ACCOUNT_ID, Recording, Registration
from settings.services import max_name_length
from tests.mocks import REGION, context, of_type, one, record, record_failure, ref, refs

CLUSTER_NAME = "platform"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:cluster/{CLUSTER_NAME}"
LISTENER_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:listener/app/x/1/2"
ALB_SG = "sg-0a1b2c3d4e5f60718"
CAPACITY_PROVIDER = "platform-ec2"
PRIVATE_SUBNETS = ("subnet-a", "subnet-b")
PORT = 3000
SSM_DB = f"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/platform/test/db-password"
SSM_TOKEN = f"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/platform/test/token"
SM_KEY = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:platform/test/api-key-AbCdEf"
SECRETS = (("DB_PASSWORD", SSM_DB), ("API_KEY", SM_KEY), ("TOKEN", SSM_TOKEN))
ENVIRONMENT = (("ZONE", "eu"), ("APP_MODE", "production"), ("LOG_LEVEL", "info"))
BUCKET_ARN = "arn:aws:s3:::platform-test-assets"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:platform-test-jobs"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/platform-test-orders"
EXTERNAL_IMAGE = "public.ecr.aws/nginx/nginx:1.27"
REPOSITORY_URL = f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/test/api"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT_ID}:repository/test/api"
KINDS = ("ec2", "fargate")
TYPES = {"ec2": ec2_service.TYPE, "fargate": fargate_service.TYPE}

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
RULE = "aws:lb/listenerRule:ListenerRule"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
CONTAINER_FIELDS = ("image", "image_tag", "port", "cpu", "memory", "environment", "secrets",
                    "read_only_root_filesystem", "secrets_kms_keys")
MAPPINGS = ("environment", "secrets")


def service_args(**changes: Any) -> ServiceArgs:
    """ServiceArgs for a service named api on port PORT at /api/*, its image from the repository test/api unless
    ``image`` is given; ``changes`` may name ContainerSpec fields (environment and secrets as tuples of pairs) or
    ServiceArgs fields."""
    spec_values: dict[str, Any] = {"image": None, "image_tag": "1.4.2", "port": PORT}
    args_values: dict[str, Any] = {
        "context": context(), "cluster_arn": CLUSTER_ARN, "cluster_name": CLUSTER_NAME, "vpc_id": "vpc-1",
        "listener_arn": LISTENER_ARN, "alb_security_group_id": ALB_SG, "path": "/api/*", "priority": 20,
        "health_check_path": "/healthz",
    }
    if changes.get("image") is None:
        args_values |= {"repository_url": REPOSITORY_URL, "repository_arn": REPOSITORY_ARN}
    for key, value in changes.items():
        if key in CONTAINER_FIELDS:
            spec_values[key] = dict(value) if key in MAPPINGS else value
        else:
            args_values[key] = value
    return ServiceArgs(container=ContainerSpec(**spec_values), **args_values)


def make(kind: str, args: ServiceArgs, spot: bool = False, name: str = "api") -> None:
    if kind == "ec2":
        Ec2Service(name, args, capacity_provider_name=CAPACITY_PROVIDER)
    else:
        FargateService(name, args, subnet_ids=list(PRIVATE_SUBNETS), spot=spot)


def build(kind: str = "fargate", spot: bool = False, **changes: Any) -> Recording:
    """One service named api (cached per arguments: every value must be hashable)."""
    return _build(kind, spot, tuple(sorted(changes.items())))


@functools.cache
def _build(kind: str, spot: bool, changes: tuple[tuple[str, Any], ...]) -> Recording:
    args = service_args(**dict(changes))
    return record(lambda: make(kind, args, spot))



def container(rec: Recording) -> tuple[Registration, dict[str, Any]]:
    """The task definition and its one container definition."""
    task = one(rec, TASK)
    definitions = json.loads(task.inputs["containerDefinitions"])
    assert isinstance(definitions, list) and len(definitions) == 1, task.urn
    return task, definitions[0]


def roles(rec: Recording) -> tuple[Registration, Registration]:
    """(execution role, task role), found through the task definition's property dependencies."""
    task = one(rec, TASK)
    execution = ref(rec, task, "executionRoleArn", "arn")
    app = ref(rec, task, "taskRoleArn", "arn")
    assert execution.type == ROLE and app.type == ROLE, task.urn
    return execution, app


def policy_of(rec: Recording, role: Registration) -> tuple[Registration, list[dict]] | None:
    """The inline policy attached to ``role`` and its statements, or None."""
    found = [p for p in of_type(rec, ROLE_POLICY) if refs(rec, p, "role") == [role]]
    assert len(found) <= 1, f"{role.urn}: several inline policies {[p.urn for p in found]}"
    if not found:
        return None
    policy = found[0]
    assert policy.inputs["role"] == role.id, policy.urn
    document = json.loads(policy.inputs["policy"])
    assert document["Version"] == "2012-10-17", policy.urn
    for st in document["Statement"]:
        assert st["Effect"] == "Allow", policy.urn
    return policy, document["Statement"]


def grants_by_action(statements: list[dict]) -> dict[str, list[str]]:
    """Action -> sorted resources across statements."""
    out: dict[str, list[str]] = {}
    for st in statements:
        actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
        resources = [st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"]
        for action in actions:
            out.setdefault(action, []).extend(resources)
    return {k: sorted(v) for k, v in out.items()}


# ---- EC2: bridge networking with dynamic host ports ---------------------------------------------------------


def test_ec2_task_definition_uses_bridge_networking():
    task = one(build("ec2"), TASK)
    assert task.inputs["networkMode"] == "bridge", task.urn
    assert task.inputs["requiresCompatibilities"] == ["EC2"], task.urn
    assert task.inputs["family"] == "test-api", task.urn
    assert (task.inputs["cpu"], task.inputs["memory"]) == ("256", "512"), task.urn


def test_ec2_container_uses_a_dynamic_host_port():
    task, definition = container(build("ec2"))
    assert definition["portMappings"] == [{"containerPort": PORT, "hostPort": 0, "protocol": "tcp"}], task.urn


def test_ec2_target_group_registers_instances():
    tg = one(build("ec2"), TARGET_GROUP)
    assert tg.inputs["targetType"] == "instance", tg.urn
    assert tg.inputs["port"] == PORT and tg.inputs["protocol"] == "HTTP", tg.urn
    assert tg.inputs["vpcId"] == "vpc-1", tg.urn
    health = tg.inputs["healthCheck"]
    assert health["enabled"] is True and health["path"] == "/healthz", tg.urn
    assert health["port"] == "traffic-port", tg.urn


def test_ec2_service_runs_on_the_capacity_provider():
    service = one(build("ec2"), SERVICE)
    assert service.inputs["capacityProviderStrategies"] == [
        {"capacityProvider": CAPACITY_PROVIDER, "weight": 1, "base": 0}], service.urn
    for key in ("launchType", "networkConfiguration", "platformVersion"):
        assert key not in service.inputs, f"{service.urn}: {key}"


def test_ec2_service_builds_no_security_group_of_its_own():
    """Bridge-mode tasks share the instances' group (Ec2Capacity admits the ALB on the ephemeral range)."""
    rec = build("ec2")
    for t in (SG, INGRESS, EGRESS):
        assert of_type(rec, t) == [], [r.urn for r in of_type(rec, t)]


# ---- Fargate: awsvpc, ip targets, a task security group -----------------------------------------------------


def test_fargate_task_definition_uses_awsvpc():
    task, definition = container(build("fargate"))
    assert task.inputs["networkMode"] == "awsvpc", task.urn
    assert task.inputs["requiresCompatibilities"] == ["FARGATE"], task.urn
    assert definition["portMappings"] == [{"containerPort": PORT, "hostPort": PORT, "protocol": "tcp"}], task.urn


def test_fargate_target_group_registers_ips():
    tg = one(build("fargate"), TARGET_GROUP)
    assert tg.inputs["targetType"] == "ip", tg.urn
    assert tg.inputs["port"] == PORT, tg.urn
    assert tg.inputs["healthCheck"]["enabled"] is True and tg.inputs["healthCheck"]["path"] == "/healthz", tg.urn


def test_fargate_service_in_private_subnets_without_public_ip():
    rec = build("fargate")
    service, sg = one(rec, SERVICE), one(rec, SG)
    network = service.inputs["networkConfiguration"]
    assert network["subnets"] == list(PRIVATE_SUBNETS), service.urn
    assert network["assignPublicIp"] is False, service.urn
    assert network["securityGroups"] == [sg.id], service.urn
    assert refs(rec, service, "networkConfiguration") == [sg], service.urn
    assert service.inputs["platformVersion"] == "LATEST", service.urn
    assert "launchType" not in service.inputs, service.urn


@pytest.mark.parametrize(("spot", "provider"), [(False, "FARGATE"), (True, "FARGATE_SPOT")])
def test_fargate_capacity_provider_follows_spot(spot: bool, provider: str):
    service = one(build("fargate", spot=spot), SERVICE)
    assert service.inputs["capacityProviderStrategies"] == [{"capacityProvider": provider, "weight": 1, "base": 0}], \
        service.urn


@pytest.mark.parametrize("port", [80, 3000, 8080])
def test_fargate_task_sg_admits_only_the_container_port_from_the_load_balancer(port: int):
    rec = build("fargate", port=port)
    sg = one(rec, SG)
    assert sg.inputs["vpcId"] == "vpc-1", sg.urn
    assert sg.inputs.get("ingress", []) == [] and sg.inputs.get("egress", []) == [], sg.urn
    [rule] = of_type(rec, INGRESS)
    assert ref(rec, rule, "securityGroupId") == sg, rule.urn
    assert rule.inputs["ipProtocol"] == "tcp", rule.urn
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (port, port), rule.urn
    assert rule.inputs["referencedSecurityGroupId"] == ALB_SG, rule.urn
    for key in ("cidrIpv4", "cidrIpv6", "prefixListId"):
        assert key not in rule.inputs, f"{rule.urn}: {key}"


def test_fargate_load_balancer_may_reach_the_task_port_and_tasks_egress_only_https():
    rec = build("fargate")
    sg = one(rec, SG)
    egress = of_type(rec, EGRESS)
    assert len(egress) == 2, [r.urn for r in egress]
    [to_tasks] = [r for r in egress if r.inputs["securityGroupId"] == ALB_SG]
    assert ref(rec, to_tasks, "referencedSecurityGroupId") == sg, to_tasks.urn
    assert (to_tasks.inputs["fromPort"], to_tasks.inputs["toPort"]) == (PORT, PORT), to_tasks.urn
    assert to_tasks.inputs["ipProtocol"] == "tcp", to_tasks.urn
    [out] = [r for r in egress if r is not to_tasks]
    assert ref(rec, out, "securityGroupId") == sg, out.urn
    assert (out.inputs["fromPort"], out.inputs["toPort"], out.inputs["cidrIpv4"]) == (443, 443, "0.0.0.0/0"), \
        out.urn


# ---- roles ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_execution_and_task_roles_are_different_roles(kind: str):
    rec = build(kind)
    execution, app = roles(rec)
    assert execution.urn != app.urn, execution.urn
    assert len(of_type(rec, ROLE)) == 2, [r.urn for r in of_type(rec, ROLE)]


@pytest.mark.parametrize("kind", KINDS)
def test_both_roles_trust_ecs_tasks_of_this_account_only(kind: str):
    for role in roles(build(kind)):
        trust = json.loads(role.inputs["assumeRolePolicy"])
        [st] = trust["Statement"]
        assert st["Effect"] == "Allow" and st["Action"] == "sts:AssumeRole", role.urn
        assert st["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}, role.urn
        assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}, role.urn
        assert st["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:*"}, role.urn


@pytest.mark.parametrize("kind", KINDS)
def test_execution_role_pulls_from_its_repository_only(kind: str):
    rec = build(kind)
    execution, _ = roles(rec)
    group = one(rec, LOG_GROUP)
    found = policy_of(rec, execution)
    assert found is not None, execution.urn
    policy, statements = found
    assert grants_by_action(statements) == {
        "logs:CreateLogStream": [f"{group.outputs['arn']}:log-stream:*"],
        "logs:PutLogEvents": [f"{group.outputs['arn']}:log-stream:*"],
        "ecr:GetAuthorizationToken": ["*"],
        "ecr:BatchCheckLayerAvailability": [REPOSITORY_ARN],
        "ecr:BatchGetImage": [REPOSITORY_ARN],
        "ecr:GetDownloadUrlForLayer": [REPOSITORY_ARN],
    }, policy.urn
    assert {r.urn for r in refs(rec, policy, "policy")} == {group.urn}, policy.urn


@pytest.mark.parametrize("kind", KINDS)
def test_execution_role_with_an_external_image_has_no_ecr_access(kind: str):
    rec = build(kind, image=EXTERNAL_IMAGE)
    execution, _ = roles(rec)
    group = one(rec, LOG_GROUP)
    assert of_type(rec, REPOSITORY) == [], [r.urn for r in of_type(rec, REPOSITORY)]
    found = policy_of(rec, execution)
    assert found is not None, execution.urn
    policy, statements = found
    assert grants_by_action(statements) == {
        "logs:CreateLogStream": [f"{group.outputs['arn']}:log-stream:*"],
        "logs:PutLogEvents": [f"{group.outputs['arn']}:log-stream:*"],
    }, policy.urn
    task, definition = container(rec)
    assert definition["image"] == EXTERNAL_IMAGE, task.urn


@pytest.mark.parametrize("kind", KINDS)
def test_execution_role_reads_exactly_the_declared_secrets(kind: str):
    rec = build(kind, image=EXTERNAL_IMAGE, secrets=SECRETS)
    execution, _ = roles(rec)
    found = policy_of(rec, execution)
    assert found is not None, execution.urn
    policy, statements = found
    by_action = grants_by_action(statements)
    assert by_action["ssm:GetParameters"] == sorted([SSM_DB, SSM_TOKEN]), policy.urn
    assert by_action["secretsmanager:GetSecretValue"] == [SM_KEY], policy.urn
    assert set(by_action) == {"logs:CreateLogStream", "logs:PutLogEvents", "ssm:GetParameters",
                              "secretsmanager:GetSecretValue"}, policy.urn


def test_execution_role_reads_the_secret_behind_a_json_key_reference():
    rec = build("fargate", image=EXTERNAL_IMAGE, secrets=(("DB_USER", f"{SM_KEY}:username::"),))
    execution, _ = roles(rec)
    found = policy_of(rec, execution)
    assert found is not None, execution.urn
    policy, statements = found
    assert grants_by_action(statements)["secretsmanager:GetSecretValue"] == [SM_KEY], policy.urn


@pytest.mark.parametrize("kind", KINDS)
def test_execution_role_without_secrets_reads_none(kind: str):
    rec = build(kind)
    execution, _ = roles(rec)
    found = policy_of(rec, execution)
    assert found is not None, execution.urn
    policy, statements = found
    assert not any(a.startswith(("ssm:", "secretsmanager:", "kms:")) for a in grants_by_action(statements)), \
        policy.urn


@pytest.mark.parametrize("kind", KINDS)
def test_task_role_has_exactly_the_declared_grants(kind: str):
    rec = build(kind, grants=(Grant("s3-read", BUCKET_ARN),))
    _, app = roles(rec)
    found = policy_of(rec, app)
    assert found is not None, app.urn
    policy, statements = found
    assert grants_by_action(statements) == {"s3:GetObject": [f"{BUCKET_ARN}/*"],
                                            "s3:ListBucket": [BUCKET_ARN]}, policy.urn
    assert len(statements) == 2, policy.urn


def test_task_role_grants_for_several_kinds():
    rec = build("fargate", grants=(Grant("sqs-send", QUEUE_ARN), Grant("dynamodb-read", TABLE_ARN),
                                   Grant("s3-write", BUCKET_ARN)))
    _, app = roles(rec)
    found = policy_of(rec, app)
    assert found is not None, app.urn
    policy, statements = found
    by_action = grants_by_action(statements)
    assert by_action["sqs:SendMessage"] == [QUEUE_ARN], policy.urn
    assert by_action["dynamodb:Query"] == sorted([TABLE_ARN, f"{TABLE_ARN}/index/*"]), policy.urn
    assert by_action["s3:PutObject"] == [f"{BUCKET_ARN}/*"], policy.urn
    for action, resources in by_action.items():
        assert "*" not in resources, f"{policy.urn}: {action} on *"
        assert all(r.startswith((QUEUE_ARN, TABLE_ARN, BUCKET_ARN)) for r in resources), f"{policy.urn}: {action}"


@pytest.mark.parametrize("kind", KINDS)
def test_no_task_role_policy_without_grants(kind: str):
    rec = build(kind)
    execution, app = roles(rec)
    assert policy_of(rec, app) is None, app.urn
    assert [refs(rec, p, "role") for p in of_type(rec, ROLE_POLICY)] == [[execution]], execution.urn


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_grant_kind_raises(kind: str):
    args = service_args(grants=(Grant("s3-read", BUCKET_ARN), Grant("s3-admin", BUCKET_ARN)))
    exc, registered = record_failure(lambda: make(kind, args))
    assert isinstance(exc, ValueError), repr(exc)
    assert str(exc) == "unknown grant kind(s): s3-admin"
    premature = [r.urn for r in registered
                 if r.type in (TASK, SERVICE) or (r.type, r.name) == (ROLE_POLICY, "api-task")]
    assert premature == [], premature


# ---- container definition ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_container_definition(kind: str):
    rec = build(kind, secrets=SECRETS, environment=ENVIRONMENT)
    task, definition = container(rec)
    group = one(rec, LOG_GROUP)
    assert definition["name"] == "api" and definition["essential"] is True, task.urn
    assert definition["image"] == f"{REPOSITORY_URL}:1.4.2", task.urn
    assert "mountPoints" not in definition, task.urn
    assert definition["secrets"] == [{"name": k, "valueFrom": v} for k, v in sorted(SECRETS)], task.urn
    assert definition["environment"] == [{"name": k, "value": v} for k, v in sorted(ENVIRONMENT)], task.urn
    assert definition["privileged"] is False, task.urn
    assert definition["logConfiguration"] == {"logDriver": "awslogs", "options": {
        "awslogs-group": group.outputs["name"], "awslogs-region": REGION, "awslogs-stream-prefix": "api"}}, task.urn
    assert {r.urn for r in refs(rec, task, "containerDefinitions")} == {group.urn}, task.urn
    assert "volumes" not in task.inputs, task.urn
    secret_values = {v for _, v in SECRETS}
    assert not any(e["value"] in secret_values for e in definition["environment"]), task.urn


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("read_only", [True, False])
def test_read_only_root_filesystem_follows_the_spec(kind: str, read_only: bool):
    task, definition = container(build(kind, read_only_root_filesystem=read_only))
    assert definition["readonlyRootFilesystem"] is read_only, task.urn


@pytest.mark.parametrize("kind", KINDS)
def test_image_tag_of_the_repository(kind: str):
    rec = build(kind, image_tag="v1.2.3")
    task, definition = container(rec)
    assert definition["image"] == f"{REPOSITORY_URL}:v1.2.3", task.urn


@pytest.mark.parametrize("kind", KINDS)
def test_log_group_keeps_the_context_retention(kind: str):
    group = one(build(kind, context=context(log_retention_days=90)), LOG_GROUP)
    assert group.inputs["retentionInDays"] == 90, group.urn
    assert group.inputs["name"] == "/platform/test/api", group.urn


# ---- service: deployment, load balancer -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_deployment_defaults_and_circuit_breaker(kind: str):
    rec = build(kind, health_check_grace_period=90, desired_count=3)
    service, task = one(rec, SERVICE), one(rec, TASK)
    assert service.inputs["deploymentMinimumHealthyPercent"] == 50, service.urn
    assert service.inputs["deploymentMaximumPercent"] == 100, service.urn
    assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}, service.urn
    assert service.inputs["healthCheckGracePeriodSeconds"] == 90, service.urn
    assert service.inputs["desiredCount"] == 3, service.urn
    assert service.inputs["cluster"] == CLUSTER_ARN, service.urn
    assert ref(rec, service, "taskDefinition", "arn") == task, service.urn
    # ignoreChanges ["desiredCount"] is not asserted: preflight.engine.Registration does not record it.


@pytest.mark.parametrize("kind", KINDS)
def test_service_registers_the_container_with_the_target_group(kind: str):
    rec = build(kind)
    service, tg, rule = one(rec, SERVICE), one(rec, TARGET_GROUP), one(rec, RULE)
    assert service.inputs["loadBalancers"] == [
        {"targetGroupArn": tg.outputs["arn"], "containerName": "api", "containerPort": PORT}], service.urn
    assert refs(rec, service, "loadBalancers") == [tg], service.urn
    # ECS rejects a target group that no listener uses yet: the rule must exist first.
    assert rule.urn in service.dependencies, service.urn


@pytest.mark.parametrize("kind", KINDS)
def test_listener_rule_forwards_path_and_host_to_the_target_group(kind: str):
    rec = build(kind, host="api.example.com", priority=30)
    rule, tg = one(rec, RULE), one(rec, TARGET_GROUP)
    assert rule.inputs["listenerArn"] == LISTENER_ARN, rule.urn
    assert rule.inputs["priority"] == 30, rule.urn
    assert rule.inputs["conditions"] == [{"pathPattern": {"values": ["/api/*"]}},
                                         {"hostHeader": {"values": ["api.example.com"]}}], rule.urn
    assert rule.inputs["actions"] == [{"type": "forward", "targetGroupArn": tg.outputs["arn"]}], rule.urn
    assert refs(rec, rule, "actions") == [tg], rule.urn


def test_listener_rule_without_host_matches_the_path_only():
    rule = one(build("fargate"), RULE)
    assert rule.inputs["conditions"] == [{"pathPattern": {"values": ["/api/*"]}}], rule.urn
    assert rule.inputs["priority"] == 20, rule.urn


# ---- scaling -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_scaling_target_on_the_service(kind: str):
    rec = build(kind, min_count=2, desired_count=2, max_count=6)
    target, service = one(rec, SCALING_TARGET), one(rec, SERVICE)
    assert target.inputs["serviceNamespace"] == "ecs", target.urn
    assert target.inputs["scalableDimension"] == "ecs:service:DesiredCount", target.urn
    assert target.inputs["resourceId"] == f"service/{CLUSTER_NAME}/{service.outputs['name']}", target.urn
    assert refs(rec, target, "resourceId") == [service], target.urn
    assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (2, 6), target.urn


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("cpu_target", [50, 75])
def test_cpu_target_tracking_policy(kind: str, cpu_target: int):
    rec = build(kind, cpu_target=cpu_target)
    policy, target = one(rec, SCALING_POLICY), one(rec, SCALING_TARGET)
    assert policy.inputs["policyType"] == "TargetTrackingScaling", policy.urn
    for key in ("serviceNamespace", "scalableDimension", "resourceId"):
        assert policy.inputs[key] == target.inputs[key], f"{policy.urn}: {key}"
        assert refs(rec, policy, key) == [target], f"{policy.urn}: {key}"
    config = policy.inputs["targetTrackingScalingPolicyConfiguration"]
    assert config["targetValue"] == cpu_target, policy.urn
    assert config["predefinedMetricSpecification"] == {"predefinedMetricType": "ECSServiceAverageCPUUtilization"}, \
        policy.urn


# ---- repository ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("protect", [False, True])
def test_a_service_builds_no_repository_of_its_own(kind: str, protect: bool):
    """Repositories are the Repositories component's: a service only names one, and protects nothing itself."""
    rec = build(kind, context=context(protect=protect))
    assert of_type(rec, REPOSITORY) == [] and of_type(rec, LIFECYCLE) == [], [r.urn for r in rec.resources]
    for r in rec.resources:
        assert r.protect is False, r.urn


# ---- validation --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "min_healthy", "max_percent", "deadlocks"), [
    (1, 50, 100, True),
    (2, 50, 100, False),
    (1, 0, 100, False),
    (1, 100, 200, False),
    (4, 50, 100, False),
    (1, 100, 100, True),
    (2, 60, 100, True),
    (3, 60, 100, False),
])
def test_rolling_update_deadlocks(count: int, min_healthy: int, max_percent: int, deadlocks: bool):
    assert rolling_update_deadlocks(count, min_healthy, max_percent) is deadlocks, (count, min_healthy, max_percent)


@pytest.mark.parametrize("kind", KINDS)
def test_one_task_at_50_100_is_refused(kind: str):
    args = service_args(min_count=1, desired_count=1)
    exc, registered = record_failure(lambda: make(kind, args))
    assert isinstance(exc, ValueError), repr(exc)
    assert str(exc) == ("service api: with 1 task(s), minimum healthy 50% and maximum 100% ECS can replace no task "
                        "(it rounds the minimum up and the maximum down)")
    assert registered == [], [r.urn for r in registered]


@pytest.mark.parametrize("kind", KINDS)
def test_two_tasks_at_50_100_pass(kind: str):
    rec = build(kind, min_count=2, desired_count=2, max_count=2)
    service = one(rec, SERVICE)
    assert service.inputs["desiredCount"] == 2, service.urn


@pytest.mark.parametrize(("changes", "message"), [
    ({"min_count": 0, "desired_count": 1},
     "service api: needs 1 <= min_count <= desired_count <= max_count (got 0, 1, 4)"),
    ({"min_count": 3, "desired_count": 2},
     "service api: needs 1 <= min_count <= desired_count <= max_count (got 3, 2, 4)"),
    ({"desired_count": 5}, "service api: needs 1 <= min_count <= desired_count <= max_count (got 2, 5, 4)"),
    ({"port": 0}, "service api: port must be 1..65535 (got 0)"),
    ({"port": 65536}, "service api: port must be 1..65535 (got 65536)"),
    ({"min_count": 1, "desired_count": 1, "min_healthy_percent": 100, "max_percent": 100},
     "service api: with 1 task(s), minimum healthy 100% and maximum 100% ECS can replace no task (it rounds the "
     "minimum up and the maximum down)"),
    ({"repository_url": None, "repository_arn": None},
     "service api: needs image, or repository_url, repository_arn and image_tag"),
    ({"image_tag": None}, "service api: needs image, or repository_url, repository_arn and image_tag"),
    ({"image": EXTERNAL_IMAGE, "repository_arn": REPOSITORY_ARN}, "service api: takes image or a repository, not both"),
], ids=["min-0", "min-over-desired", "desired-over-max", "port-0", "port-65536", "1@100/100", "no-repository",
        "no-tag", "image-and-repository"])
def test_argument_errors(changes: dict, message: str):
    args = service_args(**changes)
    for kind in KINDS:
        exc, registered = record_failure(lambda kind=kind: make(kind, args))
        assert isinstance(exc, ValueError), f"{kind}: {exc!r}"
        assert str(exc) == message, kind
        assert registered == [], [r.urn for r in registered]


# ---- component shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_children_are_parented_to_the_component(kind: str):
    rec = build(kind, grants=(Grant("s3-read", BUCKET_ARN),))
    component = one(rec, TYPES[kind])
    assert component.urn == f"urn:pulumi:test::container-platform::{TYPES[kind]}::api", component.urn
    for r in rec.resources:
        if r is component:
            continue
        assert r.parent == component.urn, r.urn
        assert r.name == "api" or r.name.startswith("api-"), r.urn


def test_two_services_of_each_kind_do_not_collide():
    def program() -> None:
        for kind in KINDS:
            for name in (f"{kind}-orders", f"{kind}-billing"):
                make(kind, service_args(grants=(Grant("s3-read", BUCKET_ARN),)), name=name)

    rec = record(program)
    urns = [r.urn for r in rec.resources]
    assert len(urns) == len(set(urns)), [u for u in urns if urns.count(u) > 1]
    families = [r.inputs["family"] for r in rec.by_type(TASK)]
    assert len(families) == len(set(families)) == 4, families


# ---- updates, IAM ordering, exec, egress -----------------------------------------------------------------------

EXEC_LOG_GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/platform/test/cluster/exec"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DB_SG = "sg-0d0d0d0d0d0d0d0d0"
ENDPOINTS_SG = "sg-0e0e0e0e0e0e0e0e0"


@pytest.mark.parametrize("kind", KINDS)
def test_capacity_provider_strategy_changes_come_with_a_new_deployment(kind: str):
    service = one(build(kind), SERVICE)
    assert service.inputs["capacityProviderStrategies"], service.urn
    assert service.inputs["forceNewDeployment"] is True, service.urn


@pytest.mark.parametrize("kind", KINDS)
def test_task_definition_and_service_wait_for_both_role_policies(kind: str):
    rec = build(kind, grants=(Grant("s3-read", BUCKET_ARN),))
    policies = {p.urn for p in of_type(rec, ROLE_POLICY)}
    assert len(policies) == 2
    for r in (one(rec, TASK), one(rec, SERVICE)):
        assert policies <= set(r.dependencies), r.urn


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("wait", [False, True])
def test_wait_for_steady_state_follows_the_args(kind: str, wait: bool):
    service = one(build(kind, wait_for_steady_state=wait), SERVICE)
    assert service.inputs["waitForSteadyState"] is wait, service.urn


def test_a_rolled_back_deployment_fails_the_update(monkeypatch):
    """The provider reports the service steady after a circuit-breaker rollback: the component compares what runs
    with what was asked for."""
    stock = engine.PlatformMocks.new_resource

    def rolled_back(self, args):
        rid, state = stock(self, args)
        if args.typ == SERVICE:
            state = {**state, "taskDefinition": f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task-definition/test-api:7"}
        return rid, state

    monkeypatch.setattr(engine.PlatformMocks, "new_resource", rolled_back)
    args = service_args(wait_for_steady_state=True)
    error, _ = record_failure(lambda: make("fargate", args))
    assert "service api: the deployment of arn:aws:ecs:eu-west-1:123456789012:task-definition/test-api:1 did not " \
           "complete: the circuit breaker rolled the service back to " \
           "arn:aws:ecs:eu-west-1:123456789012:task-definition/test-api:7" in str(error)
    # Without waiting there is nothing to compare: the update reports what it started.
    record(lambda: make("fargate", service_args(wait_for_steady_state=False)))


@pytest.mark.parametrize("kind", KINDS)
def test_exec_sessions_get_channels_and_logs_on_the_task_role(kind: str):
    rec = build(kind, enable_execute_command=True, exec_log_group_arn=EXEC_LOG_GROUP_ARN,
                read_only_root_filesystem=False)
    service = one(rec, SERVICE)
    assert service.inputs["enableExecuteCommand"] is True, service.urn
    task_policy = next(p for p in of_type(rec, ROLE_POLICY) if p.name == "api-task")
    by_sid = {st.get("Sid"): st for st in json.loads(task_policy.inputs["policy"])["Statement"]}
    assert by_sid["ExecChannels"]["Action"] == ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                                                "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
    assert by_sid["ExecChannels"]["Resource"] == ["*"]
    assert by_sid["ExecSessionLogs"]["Resource"] == [f"{EXEC_LOG_GROUP_ARN}:*"]
    assert by_sid["ExecLogGroups"] == {"Sid": "ExecLogGroups", "Effect": "Allow", "Action": ["logs:DescribeLogGroups"],
                                       "Resource": [f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:*"]}


@pytest.mark.parametrize("kind", KINDS)
def test_no_exec_no_channels(kind: str):
    rec = build(kind)
    assert one(rec, SERVICE).inputs["enableExecuteCommand"] is False
    assert not [p for p in of_type(rec, ROLE_POLICY) if p.name == "api-task"]


def test_exec_without_its_log_group_is_refused():
    error, registered = record_failure(lambda: make("fargate", service_args(enable_execute_command=True)))
    assert "enable_execute_command needs exec_log_group_arn" in str(error)
    assert registered == []


@pytest.mark.parametrize("kind", KINDS)
def test_execution_role_may_decrypt_with_the_secrets_keys(kind: str):
    rec = build(kind, secrets=SECRETS[:1], secrets_kms_keys=(KMS_KEY,))
    exec_policy = next(p for p in of_type(rec, ROLE_POLICY) if p.name == "api-exec")
    statements = json.loads(exec_policy.inputs["policy"])["Statement"]
    assert {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [KMS_KEY]} in statements, exec_policy.urn


def test_trust_follows_the_partition():
    rec = build("fargate", context=context(region="cn-north-1", partition="aws-cn"))
    for role in of_type(rec, ROLE):
        trust = json.loads(role.inputs["assumeRolePolicy"])
        assert trust["Statement"][0]["Condition"]["ArnLike"] == {
            "aws:SourceArn": f"arn:aws-cn:ecs:cn-north-1:{ACCOUNT_ID}:*"}, role.urn


def test_fargate_egress_rules_land_on_the_task_sg():
    rule = EgressRule("tcp", 5432, 5432, security_group_id=DB_SG)
    rec = build("fargate", egress=(rule,))
    sg = one(rec, SG)
    [extra] = [r for r in of_type(rec, EGRESS) if r.inputs.get("referencedSecurityGroupId") == DB_SG]
    assert ref(rec, extra, "securityGroupId") == sg, extra.urn
    assert extra.inputs["description"] == f"tcp 5432 to {DB_SG}", extra.urn


def test_ec2_services_leave_egress_to_the_instances():
    rule = EgressRule("tcp", 5432, 5432, security_group_id=DB_SG)
    error, registered = record_failure(lambda: make("ec2", service_args(egress=(rule,))))
    assert "give egress rules to Ec2Capacity" in str(error)
    assert registered == []


def test_fargate_tasks_admit_themselves_to_the_interface_endpoints():
    rec = build("fargate", endpoints_security_group_id=ENDPOINTS_SG)
    [rule] = [r for r in of_type(rec, INGRESS) if r.inputs["securityGroupId"] == ENDPOINTS_SG]
    assert ref(rec, rule, "referencedSecurityGroupId") == one(rec, SG), rule.urn
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (443, 443), rule.urn


def test_the_longest_allowed_name_fits_every_auto_named_child():
    """Physical names are "<logical>-<7 hex>" (the mocks do the same): each within AWS's limit for its kind."""
    name = "a" * max_name_length()
    limits = {TARGET_GROUP: 32, ROLE: 64, SG: 255, SERVICE: 255}
    for kind in KINDS:
        rec = record(lambda: make(kind, service_args(), name=name))  # noqa: B023 - called at once
        for r in rec.resources:
            if r.type in limits:
                physical = r.outputs.get("name") or r.id
                assert len(physical) <= limits[r.type], f"{r.urn}: {physical}"
                assert len(r.name) + len("-0123abc") <= limits[r.type], r.urn
