import json

import pytest
from guardrails.iam._roles import MANAGED_POLICY, ROLE, ROLE_POLICY, ROLE_POLICY_ATTACHMENT, TASK_DEFINITION
from guardrails.iam.execution_role_scope import POLICY, SCOPE, Needs, _log_group_arn

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

ACCOUNT = "123456789012"
REGION = "eu-west-1"
REPOSITORY = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/dev/api"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/dev/api"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:dev/api/db-AbCdEf"
PARAMETER = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/dev/api/stripe-key"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]})
WHERE = "role policy 'api-exec-policy' of execution role 'api-exec'"
EXEC_POLICY_URN = urn(ROLE_POLICY, "api-exec-policy")


def document(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


SCOPED = document(
    allow("ecr:GetAuthorizationToken", "*"),
    allow(["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], REPOSITORY),
    allow(["logs:CreateLogStream", "logs:PutLogEvents"], f"{LOG_GROUP}:*"),
    allow("secretsmanager:GetSecretValue", SECRET),
    allow("ssm:GetParameters", PARAMETER),
    allow("kms:Decrypt", KEY),
)


def api_container(**overrides) -> dict:
    container = {
        "name": "api",
        "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/dev/api:1.4.2",
        "essential": True,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/dev/api", "awslogs-region": REGION, "awslogs-stream-prefix": "api"}},
        "secrets": [
            {"name": "DB_PASSWORD", "valueFrom": f"{SECRET}:password::"},
            {"name": "STRIPE_KEY", "valueFrom": PARAMETER},
        ],
    }
    container.update(overrides)
    return container


SIDECAR = {
    "name": "otel",
    "image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0",
    "essential": False,
    "logConfiguration": {"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/dev/api", "awslogs-region": REGION, "awslogs-stream-prefix": "otel"}},
}


def task_definition(name="api", containers=None, execution_role="api-exec") -> Res:
    containers = [api_container(), SIDECAR] if containers is None else containers
    return Res(TASK_DEFINITION, name, {
        "family": f"dev-{name}", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512",
        "memory": "1024", "containerDefinitions": json.dumps(containers),
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/{execution_role}",
        "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/{name}-task",
    }, deps={"executionRoleArn": [execution_role], "taskRoleArn": [f"{name}-task"]})


def role(name: str, **props) -> Res:
    return Res(ROLE, name, {"name": name, "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}", "assumeRolePolicy": TRUST,
                            **props})


def stack(*extra: Res, policy=SCOPED, containers=None) -> list[Res]:
    return [
        role("api-exec"),
        Res(ROLE_POLICY, "api-exec-policy", {"role": "api-exec", "policy": policy}, deps={"role": ["api-exec"]}),
        role("api-task"),
        task_definition(containers=containers),
        *extra,
    ]


def messages(resources) -> list[str]:
    return check_stack(POLICY, resources).messages


def test_scoped_execution_role_passes():
    result = check_stack(POLICY, stack())
    assert result.violations == []
    assert not result.unknown


def test_other_accepted_resource_forms_pass():
    policy = document(
        allow("ecr:GetAuthorizationToken", "*"),
        allow(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], REPOSITORY),
        allow("logs:CreateLogStream", LOG_GROUP),
        allow("logs:PutLogEvents", f"{LOG_GROUP}:log-stream:*"),
        allow("secretsmanager:GetSecretValue", f"{SECRET[:-6]}??????"),
        allow("ssm:getparameters", PARAMETER),
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    )
    assert messages(stack(policy=policy)) == []


def test_aws_managed_execution_policy_fails():
    attachment = Res(ROLE_POLICY_ATTACHMENT, "api-exec-managed", {
        "role": "api-exec", "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
        deps={"role": ["api-exec"]})
    result = check_stack(POLICY, stack(attachment))
    assert result.violations == [(
        "execution role 'api-exec' (attachment 'api-exec-managed') has AWS managed policy "
        "'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' attached, which grants ECR pull and "
        "CloudWatch Logs writes on every resource ('*'); replace it with a scoped inline policy on the task's "
        "repositories and log groups.", urn(ROLE_POLICY_ATTACHMENT, "api-exec-managed"))]


def test_other_managed_policies_fail():
    roles_policy = role("api-exec", managedPolicyArns=["arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
                                                       f"arn:aws:iam::{ACCOUNT}:policy/shared-exec"])
    resources = stack()
    resources[0] = roles_policy
    result = check_stack(POLICY, resources)
    assert result.violations == [
        ("execution role 'api-exec' has AWS managed policy 'arn:aws:iam::aws:policy/CloudWatchLogsFullAccess' "
         f"attached; {SCOPE}, in a scoped inline policy.", urn(ROLE, "api-exec")),
        (f"execution role 'api-exec' has policy 'arn:aws:iam::{ACCOUNT}:policy/shared-exec' attached whose document "
         f"is not in this stack, so its scope cannot be checked; {SCOPE}, in a scoped inline policy.",
         urn(ROLE, "api-exec")),
    ]


def test_customer_managed_policy_of_the_stack_is_judged():
    policy = Res(MANAGED_POLICY, "api-exec-extra", {"policy": document(allow("s3:GetObject", "*"))})
    attachment = Res(ROLE_POLICY_ATTACHMENT, "api-exec-extra-attach", {"role": "api-exec", "policyArn": UNKNOWN},
                     deps={"role": ["api-exec"], "policyArn": ["api-exec-extra"]})
    result = check_stack(POLICY, stack(policy, attachment))
    assert result.violations == [(
        "policy 'api-exec-extra' attached to execution role 'api-exec' allows 's3:GetObject' on '*'; s3:GetObject "
        "is allowed only on the containers' environment files (none).", urn(MANAGED_POLICY, "api-exec-extra"))]


def test_ecr_pull_on_every_repository_fails():
    policy = document(allow(["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                            "*"))
    result = check_stack(POLICY, stack(policy=policy))
    assert [m for m, _ in result.violations] == [
        f"{WHERE} allows '{action}' on '*'; ECR pull is allowed only on the repositories of the containers' images "
        f"({REPOSITORY})." for action in ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
                                          "ecr:BatchGetImage")]
    assert {u for _, u in result.violations} == {EXEC_POLICY_URN}


def test_ecr_pull_on_another_repository_fails():
    other = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/dev/billing"
    assert messages(stack(policy=document(allow("ecr:BatchGetImage", other)))) == [
        f"{WHERE} allows 'ecr:BatchGetImage' on '{other}'; ECR pull is allowed only on the repositories of the "
        f"containers' images ({REPOSITORY})."]


def test_images_outside_ecr_need_no_ecr_permission():
    containers = [{"name": "web", "image": "docker.io/library/nginx:1.27", "essential": True}]
    assert messages(stack(policy=document(allow("ecr:GetAuthorizationToken", "*")), containers=containers)) == [
        f"{WHERE} allows 'ecr:GetAuthorizationToken' on '*'; no container image is in Amazon ECR, so no ECR "
        "permission is needed."]
    assert messages(stack(policy=document(allow("ecr:GetAuthorizationToken", "*")),
                          containers=[api_container(image=f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/dev/api@sha256:"
                                                            + "ab" * 32)])) == []


def test_logs_on_another_group_fails():
    other = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/dev/billing:*"
    assert messages(stack(policy=document(allow("logs:PutLogEvents", other)))) == [
        f"{WHERE} allows 'logs:PutLogEvents' on '{other}'; CloudWatch Logs writes are allowed only on the "
        "containers' awslogs groups (arn:aws:logs:REGION:ACCOUNT:log-group:NAME, optionally with ':*'): /ecs/dev/api."]


def test_logs_on_every_group_or_other_region_fails():
    wrong_region = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/dev/api:*"
    result = messages(stack(policy=document(allow("logs:CreateLogStream", ["*", wrong_region]))))
    assert [m.split("' on '")[1].split("'")[0] for m in result] == ["*", wrong_region]


def test_create_log_group_only_when_the_container_creates_it():
    policy = document(allow("logs:CreateLogGroup", LOG_GROUP))
    assert messages(stack(policy=policy)) == [
        f"{WHERE} allows 'logs:CreateLogGroup' on '{LOG_GROUP}'; logs:CreateLogGroup is allowed only on the log "
        "groups the containers create (awslogs-create-group): none."]
    creating = api_container(logConfiguration={"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/dev/api", "awslogs-region": REGION, "awslogs-stream-prefix": "api",
        "awslogs-create-group": "true"}})
    assert messages(stack(policy=policy, containers=[creating])) == []


def test_undeclared_secret_fails():
    other = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/api/db-XyZ123"
    assert messages(stack(policy=document(allow("secretsmanager:GetSecretValue", [SECRET, other])))) == [
        f"{WHERE} allows 'secretsmanager:GetSecretValue' on '{other}'; secretsmanager:GetSecretValue is allowed only "
        f"on the secrets the containers declare ({SECRET})."]


def test_secret_wildcards_fail():
    result = messages(stack(policy=document(allow("secretsmanager:GetSecretValue",
                                                  f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:dev/*"))))
    assert len(result) == 1 and "on the secrets the containers declare" in result[0]


def test_undeclared_parameter_fails():
    other = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/dev/*"
    assert messages(stack(policy=document(allow("ssm:GetParameters", other)))) == [
        f"{WHERE} allows 'ssm:GetParameters' on '{other}'; ssm:GetParameters is allowed only on the parameters the "
        f"containers declare in secrets ({PARAMETER})."]


def test_parameter_declared_by_name():
    container = api_container(secrets=[{"name": "STRIPE_KEY", "valueFrom": "/dev/api/stripe-key"}])
    assert messages(stack(policy=document(allow("ssm:GetParameters", PARAMETER)), containers=[container])) == []


def test_kms_decrypt_must_name_keys():
    assert messages(stack(policy=document(allow("kms:Decrypt", "*")))) == [
        f"{WHERE} allows 'kms:Decrypt' on '*'; kms:Decrypt is allowed only on specific key ARNs "
        "(arn:aws:kms:REGION:ACCOUNT:key/KEY_ID)."]
    alias = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"
    assert len(messages(stack(policy=document(allow("kms:Decrypt", alias))))) == 1


def test_kms_decrypt_without_secrets_fails():
    container = api_container(secrets=[])
    assert messages(stack(policy=document(allow("kms:Decrypt", KEY)), containers=[container])) == [
        f"{WHERE} allows 'kms:Decrypt' on '{KEY}'; kms:Decrypt is needed only to read declared secrets, and the "
        "containers declare none."]


def test_private_registry_credentials_and_environment_files():
    credentials = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:dev/dockerhub-Q1w2E3"
    env_file = "arn:aws:s3:::acme-dev-config/api/app.env"
    container = api_container(image="docker.io/acme/api:1.4.2", secrets=[],
                              repositoryCredentials={"credentialsParameter": credentials},
                              environmentFiles=[{"value": env_file, "type": "s3"}])
    policy = document(
        allow(["secretsmanager:GetSecretValue", "kms:Decrypt"], credentials),
        allow("kms:Decrypt", KEY),
        allow("s3:GetObject", env_file),
        allow("s3:GetBucketLocation", "arn:aws:s3:::acme-dev-config"),
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], f"{LOG_GROUP}:*"),
    )
    result = messages(stack(policy=policy, containers=[container]))
    assert result == [f"{WHERE} allows 'kms:Decrypt' on '{credentials}'; kms:Decrypt is allowed only on specific key "
                      "ARNs (arn:aws:kms:REGION:ACCOUNT:key/KEY_ID)."]


def test_other_action_fails():
    assert messages(stack(policy=document(allow("s3:PutObject", "arn:aws:s3:::acme-dev-uploads/*")))) == [
        f"{WHERE} allows 's3:PutObject', which an execution role does not need; {SCOPE}."]


def test_wildcard_action_fails():
    assert messages(stack(policy=document(allow("ecr:*", REPOSITORY)))) == [
        f"{WHERE} allows 'ecr:*', which includes actions an execution role does not need (ecr:BatchDeleteImage, "
        f"ecr:BatchGetRepositoryScanningConfiguration, ecr:BatchImportUpstreamImage, and 53 more); {SCOPE}."]


def test_wildcard_within_the_allowed_actions_is_judged_per_action():
    assert messages(stack(policy=document(allow("logs:PutLogEvent?", f"{LOG_GROUP}:*")))) == []
    assert messages(stack(policy=document(allow("logs:PutLogEvent?", "*")))) == [
        f"{WHERE} allows 'logs:PutLogEvent?' (logs:PutLogEvents) on '*'; CloudWatch Logs writes are allowed only on "
        "the containers' awslogs groups (arn:aws:logs:REGION:ACCOUNT:log-group:NAME, optionally with ':*'): "
        "/ecs/dev/api."]


def test_unknown_action_fails():
    assert messages(stack(policy=document(allow("ecr:PullImage", REPOSITORY)))) == [
        f"{WHERE} allows 'ecr:PullImage', which is not an action of the IAM service authorization reference; {SCOPE}."]


def test_not_action_and_not_resource_fail():
    policy = document({"Effect": "Allow", "NotAction": "iam:*", "Resource": REPOSITORY},
                      {"Effect": "Allow", "Action": "ecr:BatchGetImage", "NotResource": "arn:aws:ecr:*:*:repository/x"})
    assert messages(stack(policy=policy)) == [
        f"{WHERE} has an Allow statement with NotAction ['iam:*'], which grants every other action; {SCOPE}.",
        f"{WHERE} has an Allow statement with NotResource ['arn:aws:ecr:*:*:repository/x'], which grants on every "
        f"other resource; {SCOPE}, on the named resources."]


def test_role_shared_by_two_task_definitions_may_serve_both():
    billing = task_definition("billing", containers=[{
        "name": "billing", "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/dev/billing:2.0.0",
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/dev/billing", "awslogs-region": REGION, "awslogs-stream-prefix": "billing"}}}])
    policy = document(
        allow("ecr:GetAuthorizationToken", "*"),
        allow("ecr:BatchGetImage", [REPOSITORY, f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/dev/billing"]),
        allow("logs:PutLogEvents", [f"{LOG_GROUP}:*", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/dev/billing:*"]),
    )
    assert messages(stack(billing, role("billing-task"), policy=policy)) == []


def test_unreadable_container_definitions_are_reported():
    resources = stack()
    resources[3].props = {**resources[3].props, "containerDefinitions": "[{"}
    result = check_stack(POLICY, resources)
    assert result.violations[0][1] == urn(TASK_DEFINITION, "api")
    assert result.violations[0][0].startswith("task definition 'api' has containerDefinitions that cannot be read: it "
                                              "is not valid JSON")


def test_task_roles_and_unused_roles_are_not_judged():
    broad = document(allow("*", "*"))
    resources = stack(
        Res(ROLE_POLICY, "api-task-policy", {"role": "api-task", "policy": broad}, deps={"role": ["api-task"]}),
        role("ci"), Res(ROLE_POLICY, "ci-policy", {"role": "ci", "policy": broad}, deps={"role": ["ci"]}),
    )
    assert messages(resources) == []


def test_not_applicable_without_task_definitions():
    resources = [r for r in stack(policy=document(allow("*", "*"))) if r.type != TASK_DEFINITION]
    result = check_stack(POLICY, resources)
    assert result.violations == []
    assert not result.unknown


def test_unknown_policy_document_cannot_be_evaluated():
    repository = Res("aws:ecr/repository:Repository", "api-repo", {"name": "dev/api"})
    resources = stack(repository, policy=UNKNOWN)
    resources[1].deps = {"role": ["api-exec"], "policy": ["api-repo"]}
    assert check_stack(POLICY, resources).unknown


def test_unknown_container_definitions_cannot_be_evaluated():
    resources = stack(Res("aws:ecr/repository:Repository", "api-repo", {"name": "dev/api"}))
    resources[3].props = {**resources[3].props, "containerDefinitions": UNKNOWN}
    resources[3].deps = {**resources[3].deps, "containerDefinitions": ["api-repo"]}
    assert check_stack(POLICY, resources).unknown


# ---- what the containers need, read from their definitions -----------------------------------------------------


def test_images_give_their_repository_in_every_partition():
    needs = Needs()
    for image in ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.0",
                  "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc",
                  "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web:2",
                  "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/gov",
                  "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/fips:3",
                  "public.ecr.aws/nginx/nginx:1", "nginx:latest", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"):
        needs.add_image(image)
    assert needs.repositories == {
        "arn:aws:ecr:eu-west-1:123456789012:repository/team/api",
        "arn:aws:ecr:eu-west-1:123456789012:repository/web",
        "arn:aws-cn:ecr:cn-north-1:123456789012:repository/web",
        "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/gov",
        "arn:aws:ecr:us-east-1:123456789012:repository/fips",
    }


def test_container_needs_read_only_from_well_formed_fields():
    needs = Needs()
    needs.add_container({
        "image": 5, "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/a",
                                                                             "awslogs-create-group": "True"}},
        "secrets": [{"name": "A", "valueFrom": "/app/a"}, {"name": "B"}, "x",
                    {"valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/app/b"},
                    {"valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::"}],
        "environmentFiles": [{"value": "arn:aws:s3:::bucket/path/app.env", "type": "s3"}, {"type": "s3"}],
    })
    needs.add_container({"logConfiguration": {"logDriver": "splunk", "options": {"awslogs-group": "/ecs/b"}}})
    needs.add_container({"logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": ""}}})
    needs.add_container({"logConfiguration": "awslogs", "repositoryCredentials": {"credentialsParameter": 3}})
    assert needs.log_groups == {("/ecs/a", None)} and needs.created_log_groups == {("/ecs/a", None)}
    assert needs.parameter_paths == {"parameter/app/a"}
    assert needs.parameters == {"arn:aws:ssm:eu-west-1:123456789012:parameter/app/b"}
    secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
    assert needs.secrets == {secret, f"{secret}-??????", secret[:-6] + "??????"}
    assert needs.s3_objects == {"arn:aws:s3:::bucket/path/app.env"} and needs.s3_buckets == {"arn:aws:s3:::bucket"}
    assert needs.declares_secrets and not Needs().declares_secrets


@pytest.mark.parametrize("resource, stream, ok", [
    ("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/a", False, True),
    ("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/a:*", False, True),
    ("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/a:log-stream:x", True, True),
    ("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/a:log-stream:x", False, False),
    ("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/a:other", True, False),
    ("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/b:*", True, False),
    ("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/a:*", True, False),
    ("arn:aws:logs:eu-west-1:*:log-group:/ecs/a:*", True, False),
    ("arn:aws:logs:eu-west-1:123456789012:destination:/ecs/a", True, False),
    ("arn:aws:s3:eu-west-1:123456789012:log-group:/ecs/a", True, False),
    ("/ecs/a", True, False),
])
def test_log_group_arn_forms(resource, stream, ok):
    assert _log_group_arn(resource, {("/ecs/a", "eu-west-1")}, stream) is ok


def test_images_in_china_regions_and_parameters_named_without_a_slash():
    needs = Needs()
    needs.add_image("123456789012.dkr.ecr.cn-northwest-1.amazonaws.com/web:1")
    needs.add_secret("xray-key")
    assert needs.repositories == {"arn:aws-cn:ecr:cn-northwest-1:123456789012:repository/web"}
    assert needs.parameter_paths == {"parameter/xray-key"}


def test_log_group_arn_needs_the_log_group_resource_type():
    assert not _log_group_arn("arn:aws:logs:eu-west-1:123456789012:loggroups:/ecs/a", {("/ecs/a", None)}, True)


def test_container_definitions_as_an_object_list_or_unreadable():
    resources = stack()
    resources[3].props = {**resources[3].props, "containerDefinitions": [api_container(), SIDECAR]}
    assert messages(resources) == []
    resources[3].props = {**resources[3].props, "containerDefinitions": "{}"}
    assert messages(resources)[0] == (
        "task definition 'api' has containerDefinitions that cannot be read: it is not a JSON list of container "
        "definitions; its execution role's scope is judged as if it had no containers.")
    resources[3].props = {**resources[3].props, "containerDefinitions": "[1]"}
    assert messages(resources)[0].startswith("task definition 'api' has containerDefinitions that cannot be read")
    resources[3].props = {**resources[3].props, "containerDefinitions": "{"}
    assert messages(resources)[0].startswith(
        "task definition 'api' has containerDefinitions that cannot be read: it is not valid JSON")
