"""The two roles of a service: the execution role (the ECS agent's) and the task role (the application's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.ecs.volumes import VolumeMount, client_statements
from components.shared.context import PlatformContext
from components.shared.iam import policy_document, statement, trust_policy

ECS_TASKS = "ecs-tasks.amazonaws.com"
ECR_PULL = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


@dataclass(frozen=True)
class Grant:
    """One thing a task may do: a kind from GRANT_ACTIONS on one resource ARN."""

    kind: str
    arn: str


#: What each grant kind allows: (actions, resource suffixes appended to the ARN; "" is the ARN itself).
GRANT_ACTIONS: Mapping[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "s3-read": ((("s3:GetObject",), ("/*",)), (("s3:ListBucket",), ("",))),
    "s3-write": ((("s3:PutObject", "s3:AbortMultipartUpload"), ("/*",)),),
    "sqs-consume": ((("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                      "sqs:GetQueueAttributes"), ("",)),),
    "sqs-send": ((("sqs:SendMessage", "sqs:GetQueueAttributes"), ("",)),),
    "dynamodb-read": ((("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
                        "dynamodb:DescribeTable"), ("", "/index/*")),),
    "dynamodb-write": ((("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                         "dynamodb:BatchWriteItem"), ("",)),),
}


def grant_statements(grants: Sequence[Grant]) -> list[dict]:
    """Allow statements for exactly the declared grants."""
    unknown = sorted({g.kind for g in grants} - set(GRANT_ACTIONS))
    if unknown:
        raise ValueError(f"unknown grant kind(s): {', '.join(unknown)}")
    return [
        statement(actions, [f"{g.arn}{suffix}" for suffix in suffixes])
        for g in grants
        for actions, suffixes in GRANT_ACTIONS[g.kind]
    ]


def secret_resource(value_from: str) -> tuple[str, str]:
    """(service, ARN to grant) for a container secret's ``valueFrom``.

    A Secrets Manager reference may name a JSON key, stage and version after the secret's ARN
    (``arn:<partition>:secretsmanager:region:account:secret:name-AbCdEf:key:stage:version``); the grant is on the
    secret.
    """
    parts = value_from.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] not in ("ssm", "secretsmanager"):
        raise ValueError(f"secret {value_from!r} must be an SSM parameter or Secrets Manager ARN")
    if parts[2] == "secretsmanager":
        return "secretsmanager", ":".join(parts[:7])
    return "ssm", value_from


#: What the SSM agent in a task needs for ECS Exec sessions; these actions take no resource but "*".
EXEC_CHANNELS = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                 "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")


@dataclass(frozen=True)
class ServiceRole:
    """A role and the policies attached to it: whatever uses the role waits for them, so a first deploy does not
    race IAM (a task started before its role's policy exists fails to pull, log or read its secrets)."""

    role: aws.iam.Role
    policies: tuple[pulumi.Resource, ...]


def _ecs_trust(context: PlatformContext) -> str:
    return trust_policy(ECS_TASKS, context.account_id, context.arn("ecs", "*"))


def task_role(name: str, context: PlatformContext, grants: Sequence[Grant], parent: pulumi.Resource,
              exec_log_group_arn: pulumi.Input[str] | None = None,
              volumes: Sequence[VolumeMount] = ()) -> ServiceRole:
    """The application's role: exactly the declared grants, the EFS client access of its volumes (each through its
    access point), plus ECS Exec's channels and session logging when ``exec_log_group_arn`` is given."""
    opts = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(f"{name}-task", assume_role_policy=_ecs_trust(context),
                        description=f"{name} task role", opts=opts)
    statements = grant_statements(grants) + client_statements(volumes)
    if exec_log_group_arn is not None:
        statements += [
            statement(list(EXEC_CHANNELS), ["*"], sid="ExecChannels"),
            # DescribeLogGroups lists groups: it takes no single group as its resource.
            statement(["logs:DescribeLogGroups"], [context.arn("logs", "log-group:*")], sid="ExecLogGroups"),
            statement(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                      [pulumi.Output.from_input(exec_log_group_arn).apply(lambda arn: f"{arn}:*")],
                      sid="ExecSessionLogs"),
        ]
    policies: tuple[pulumi.Resource, ...] = ()
    if statements:
        policies = (aws.iam.RolePolicy(f"{name}-task", role=role.id, policy=policy_document(statements), opts=opts),)
    return ServiceRole(role, policies)


def execution_role(
    name: str,
    context: PlatformContext,
    *,
    log_group_arn: pulumi.Input[str],
    repository_arn: pulumi.Input[str] | None,
    secret_arns: Sequence[str],
    kms_key_arns: Sequence[str] = (),
    parent: pulumi.Resource,
) -> ServiceRole:
    """The ECS agent's role for this service: pull its image, write its log group, read its secrets (and decrypt
    them with the customer-managed keys that protect them)."""
    opts = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(f"{name}-exec", assume_role_policy=_ecs_trust(context),
                        description=f"{name} task execution role", opts=opts)
    statements = [
        statement(["logs:CreateLogStream", "logs:PutLogEvents"],
                  [pulumi.Output.from_input(log_group_arn).apply(lambda arn: f"{arn}:log-stream:*")]),
    ]
    if repository_arn is not None:
        # GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
        statements.append(statement(["ecr:GetAuthorizationToken"], ["*"]))
        statements.append(statement(list(ECR_PULL), [repository_arn]))
    resources = [secret_resource(a) for a in secret_arns]
    ssm = sorted({arn for service, arn in resources if service == "ssm"})
    secretsmanager = sorted({arn for service, arn in resources if service == "secretsmanager"})
    if ssm:
        statements.append(statement(["ssm:GetParameters"], ssm))
    if secretsmanager:
        statements.append(statement(["secretsmanager:GetSecretValue"], secretsmanager))
    if kms_key_arns:
        statements.append(statement(["kms:Decrypt"], sorted(set(kms_key_arns))))
    policy = aws.iam.RolePolicy(f"{name}-exec", role=role.id, policy=policy_document(statements), opts=opts)
    return ServiceRole(role, (policy,))
