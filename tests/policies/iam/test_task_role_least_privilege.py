import json

from guardrails.iam._roles import (
    MANAGED_POLICY,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    TASK_DEFINITION,
)
from guardrails.iam.task_role_least_privilege import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

ACCOUNT = "123456789012"
REGION = "eu-west-1"
BUCKET = "arn:aws:s3:::acme-dev-api-uploads"


def trust(**statement_overrides) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:*"},
        },
    }
    statement.update(statement_overrides)
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def document(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def role(name: str, **props) -> Res:
    return Res(ROLE, name, {"name": name, "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
                            "assumeRolePolicy": trust(), **props})


def role_policy(name: str, role_name: str, policy) -> Res:
    return Res(ROLE_POLICY, name, {"role": role_name, "policy": policy}, deps={"role": [role_name]})


def task_definition(name: str = "api", task_role: str | None = "api-task", execution_role: str = "api-exec") -> Res:
    containers = [{
        "name": "api",
        "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/api:1.4.2",
        "essential": True,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/dev/api", "awslogs-region": REGION, "awslogs-stream-prefix": "api"}},
    }]
    props = {"family": f"dev-{name}", "containerDefinitions": json.dumps(containers), "networkMode": "awsvpc",
             "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024",
             "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/{execution_role}"}
    deps = {"executionRoleArn": [execution_role]}
    if task_role:
        props["taskRoleArn"] = f"arn:aws:iam::{ACCOUNT}:role/{task_role}"
        deps["taskRoleArn"] = [task_role]
    return Res(TASK_DEFINITION, name, props, deps=deps)


APP_POLICY = document(
    allow(["s3:GetObject", "s3:PutObject"], f"{BUCKET}/*"),
    allow("s3:ListBucket", BUCKET),
    allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
          f"arn:aws:sqs:{REGION}:{ACCOUNT}:dev-api-jobs"),
    allow("cloudwatch:PutMetricData", "*"),  # supports no resource-level permission
)


def stack(*extra: Res, task_policy=APP_POLICY, task_role: Res | None = None) -> list[Res]:
    return [
        task_role or role("api-task"),
        role_policy("api-task-app", "api-task", task_policy),
        role("api-exec"),
        task_definition(),
        *extra,
    ]


def messages(resources, **kwargs) -> list[str]:
    return check_stack(POLICY, resources, **kwargs).messages


def test_compliant_stack_passes():
    result = check_stack(POLICY, stack())
    assert result.violations == []
    assert not result.unknown


def test_read_only_wildcard_and_deny_star_pass():
    policy = document(
        allow("s3:Get*", f"{BUCKET}/*"),
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": f"{BUCKET}/*"},
    )
    assert messages(stack(task_policy=policy)) == []


def test_action_names_match_case_insensitively():
    assert messages(stack(task_policy=document(allow("S3:getobject", f"{BUCKET}/*")))) == []


def test_star_action_fails_with_role_policy_urn():
    result = check_stack(POLICY, stack(task_policy=document(allow("*", f"{BUCKET}/*"))))
    assert result.violations == [(
        "role policy 'api-task-app' of task role 'api-task' allows action '*', a wildcard over every service; list the "
        "specific actions the application calls.", urn(ROLE_POLICY, "api-task-app"))]


def test_not_action_allow_fails():
    result = messages(stack(task_policy=document({"Effect": "Allow", "NotAction": "iam:*", "Resource": f"{BUCKET}"})))
    assert result == ["role policy 'api-task-app' of task role 'api-task' has an Allow statement with NotAction "
                      "['iam:*'], which grants every other action of every service; list the allowed actions in "
                      "Action instead."]


def test_service_wide_wildcard_fails():
    assert messages(stack(task_policy=document(allow("s3:*", f"{BUCKET}/*")))) == [
        "role policy 'api-task-app' of task role 'api-task' allows 's3:*', every action of the service; list the "
        "specific actions the application calls."]


def test_wildcard_that_expands_to_write_fails():
    result = messages(stack(task_policy=document(allow("s3:Put*", f"{BUCKET}/*"))))
    assert len(result) == 1
    assert "allows 's3:Put*', a wildcard that includes Write or Permissions management actions (s3:Put" in result[0]


def test_wildcard_that_expands_to_permissions_management_fails():
    result = messages(stack(task_policy=document(allow("iam:*Policy", f"arn:aws:iam::{ACCOUNT}:role/api-*"))))
    assert result == [
        "role policy 'api-task-app' of task role 'api-task' allows 'iam:*Policy', a wildcard that includes Write or "
        "Permissions management actions (iam:AttachGroupPolicy, iam:AttachRolePolicy, iam:AttachUserPolicy, and 14 "
        "more); list the specific actions the application calls."]


def test_star_resource_on_resource_level_action_fails():
    policy = document(allow(["s3:GetObject", "s3:ListAllMyBuckets"], "*"))
    assert messages(stack(task_policy=policy)) == [
        "role policy 'api-task-app' of task role 'api-task' allows 's3:GetObject' on Resource '*' although it supports "
        "resource-level permissions; name the resource ARNs instead."]


def test_star_resource_on_wildcard_names_examples():
    assert messages(stack(task_policy=document(allow("dynamodb:Get*", "*")))) == [
        "role policy 'api-task-app' of task role 'api-task' allows 'dynamodb:Get*' on Resource '*' although 4 of its "
        "actions support resource-level permissions (dynamodb:GetItem, dynamodb:GetRecords, "
        "dynamodb:GetResourcePolicy, and 1 more); name the resource ARNs instead."]


def test_not_resource_allow_fails():
    policy = document({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": f"{BUCKET}/private/*"})
    assert messages(stack(task_policy=policy)) == [
        "role policy 'api-task-app' of task role 'api-task' has an Allow statement with NotResource "
        f"['{BUCKET}/private/*'], which grants on every other resource; list the allowed resource ARNs in Resource "
        "instead."]


def test_unknown_action_fails():
    assert messages(stack(task_policy=document(allow(["s3:GetObjekt", "s3:GetObject"], f"{BUCKET}/*")))) == [
        "role policy 'api-task-app' of task role 'api-task' names action 's3:GetObjekt', which does not exist in the "
        "IAM service authorization reference; use existing action names."]


def test_unknown_service_wildcard_fails():
    result = messages(stack(task_policy=document(allow("s4:Get*", f"{BUCKET}/*"))))
    assert result == ["role policy 'api-task-app' of task role 'api-task' names action 's4:Get*', which does not "
                      "exist in the IAM service authorization reference; use existing action names."]


def test_invalid_json_policy_fails():
    result = messages(stack(task_policy='{"Version": "2012-10-17", "Statement": ['))
    assert len(result) == 1
    assert result[0].startswith(
        "role policy 'api-task-app' of task role 'api-task' is not a valid IAM policy document: it is not valid JSON")


def test_policy_document_object_is_read():
    policy = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["*"], "Resource": "*"}}
    assert len(messages(stack(task_policy=policy))) == 1


def test_admin_managed_policy_attachment_fails():
    attachment = Res(ROLE_POLICY_ATTACHMENT, "api-task-admin",
                     {"role": "api-task", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
                     deps={"role": ["api-task"]})
    result = check_stack(POLICY, stack(attachment))
    assert result.violations == [(
        "task role 'api-task' (attachment 'api-task-admin') has AWS managed policy "
        "'arn:aws:iam::aws:policy/AdministratorAccess' attached, which grants broad access; attach only policies "
        "scoped to the actions and resources the application uses.", urn(ROLE_POLICY_ATTACHMENT, "api-task-admin"))]


def test_full_access_managed_policies_fail_and_read_only_passes():
    arns = ["arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/IAMFullAccess",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    attachments = [Res(ROLE_POLICY_ATTACHMENT, f"api-task-{i}", {"role": "api-task", "policyArn": arn},
                       deps={"role": ["api-task"]}) for i, arn in enumerate(arns)]
    result = messages(stack(*attachments))
    assert [m.split("managed policy '")[1].split("'")[0] for m in result] == arns[:2]


def test_power_user_in_managed_policy_arns_fails():
    task_role = role("api-task", managedPolicyArns=["arn:aws:iam::aws:policy/PowerUserAccess"])
    result = check_stack(POLICY, stack(task_role=task_role))
    assert [(m.split("'")[3], u) for m, u in result.violations] == [
        ("arn:aws:iam::aws:policy/PowerUserAccess", urn(ROLE, "api-task"))]


def test_inline_policies_on_role_are_checked():
    task_role = role("api-task", inlinePolicies=[{"name": "app", "policy": document(allow("sqs:*", "*"))}])
    result = messages(stack(task_role=task_role))
    assert "inline policy 'app' of task role 'api-task' allows 'sqs:*', every action of the service; list the " \
           "specific actions the application calls." in result


def test_customer_managed_policy_of_the_stack_is_checked():
    policy = Res(MANAGED_POLICY, "api-task-extra-policy", {"policy": document(allow("*", "*"))})
    attachment = Res(ROLE_POLICY_ATTACHMENT, "api-task-extra", {"role": "api-task", "policyArn": UNKNOWN},
                     deps={"role": ["api-task"], "policyArn": ["api-task-extra-policy"]})
    result = check_stack(POLICY, stack(policy, attachment))
    assert result.violations == [(
        "policy 'api-task-extra-policy' attached to task role 'api-task' allows action '*', a wildcard over every "
        "service; list the specific actions the application calls.", urn(MANAGED_POLICY, "api-task-extra-policy"))]


def test_trust_of_other_principal_fails():
    task_role = role("api-task", assumeRolePolicy=trust(Principal={
        "Service": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"], "AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    result = check_stack(POLICY, stack(task_role=task_role))
    assert result.violations == [(
        "the trust policy of task role 'api-task' trusts 'Service: lambda.amazonaws.com', "
        f"'AWS: arn:aws:iam::{ACCOUNT}:root'; a task role may trust only the service principal "
        "'ecs-tasks.amazonaws.com'.", urn(ROLE, "api-task"))]


def test_trust_of_everyone_fails():
    result = messages(stack(task_role=role("api-task", assumeRolePolicy=trust(Principal="*"))))
    assert result == ["the trust policy of task role 'api-task' trusts '*'; a task role may trust only the service "
                      "principal 'ecs-tasks.amazonaws.com'."]


def test_trust_of_other_action_fails():
    result = messages(stack(task_role=role("api-task", assumeRolePolicy=trust(
        Action=["sts:AssumeRole", "sts:TagSession"]))))
    assert result == ["the trust policy of task role 'api-task' allows 'sts:TagSession'; a task role's trust policy "
                      "may allow only 'sts:AssumeRole'."]


def test_trust_without_source_account_fails():
    no_condition = messages(stack(task_role=role("api-task", assumeRolePolicy=trust(Condition={}))))
    string_like = messages(stack(task_role=role("api-task", assumeRolePolicy=trust(
        Condition={"StringLike": {"aws:SourceAccount": ACCOUNT}}))))
    expected = ["the trust policy of task role 'api-task' has no StringEquals condition on aws:SourceAccount; add one "
                "with the account id so that only tasks of that account can assume the role (confused deputy)."]
    assert no_condition == expected
    assert string_like == expected


def test_trust_source_account_must_be_an_account_id():
    result = messages(stack(task_role=role("api-task", assumeRolePolicy=trust(
        Condition={"StringEquals": {"aws:sourceaccount": ["*"]}}))))
    assert result == ["the trust policy of task role 'api-task' has aws:SourceAccount ['*']; it must be 12-digit "
                      "account ids."]


def test_task_role_same_resource_as_execution_role_fails():
    resources = [role("api-shared"), task_definition(task_role="api-shared", execution_role="api-shared")]
    result = check_stack(POLICY, resources)
    assert result.violations == [(
        "task definition 'api' uses role 'api-shared' as both task role and execution role; give the application "
        "its own task role without the agent's ECR, logs and secrets permissions.", urn(ROLE, "api-shared"))]


def test_task_role_same_arn_as_execution_role_fails():
    arn = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
    td = Res(TASK_DEFINITION, "api", {"family": "dev-api", "containerDefinitions": "[]",
                                      "taskRoleArn": arn, "executionRoleArn": arn})
    result = check_stack(POLICY, [td])
    assert result.violations == [(
        f"task definition 'api' uses '{arn}' as both task role and execution role; give the application its own task "
        "role without the agent's ECR, logs and secrets permissions.", urn(TASK_DEFINITION, "api"))]


def test_role_known_by_arn_only_is_found():
    td = task_definition()
    td.deps = {}
    resources = [role("api-task"), role_policy("api-task-app", "api-task", document(allow("*", "*"))),
                 role("api-exec"), td]
    assert len(messages(resources)) == 1


def test_execution_role_and_unused_roles_are_not_judged():
    admin = document(allow("*", "*"))
    resources = [
        role("api-task"), role_policy("api-task-app", "api-task", APP_POLICY),
        role("api-exec", assumeRolePolicy=trust(Condition={})), role_policy("api-exec-all", "api-exec", admin),
        role("ci-deploy", assumeRolePolicy=trust(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})),
        role_policy("ci-deploy-all", "ci-deploy", admin),
        task_definition(),
    ]
    assert messages(resources) == []


def test_not_applicable_without_task_definitions():
    resources = [role("api-task", assumeRolePolicy=trust(Principal="*")),
                 role_policy("api-task-app", "api-task", document(allow("*", "*")))]
    result = check_stack(POLICY, resources)
    assert result.violations == []
    assert not result.unknown


def test_not_applicable_without_task_role():
    result = check_stack(POLICY, [role("api-exec"), task_definition(task_role=None)])
    assert result.violations == []


def test_unknown_policy_document_cannot_be_evaluated():
    bucket = Res("aws:s3/bucket:Bucket", "uploads", {"bucketPrefix": "acme-dev-api-uploads"})
    resources = stack(bucket, task_policy=UNKNOWN)
    resources[1].deps = {"role": ["api-task"], "policy": ["uploads"]}
    assert check_stack(POLICY, resources).unknown


def test_unknown_trust_policy_cannot_be_evaluated():
    assert check_stack(POLICY, stack(task_role=role("api-task", assumeRolePolicy=UNKNOWN))).unknown


def test_unknown_role_arns_follow_dependencies():
    td = task_definition()
    td.props = {**td.props, "taskRoleArn": UNKNOWN, "executionRoleArn": UNKNOWN}
    unknown_arn_roles = [Res(ROLE, r.name, {**r.props, "arn": UNKNOWN}) for r in (role("api-task"), role("api-exec"))]
    resources = [unknown_arn_roles[0], role_policy("api-task-app", "api-task", document(allow("s3:*", BUCKET))),
                 unknown_arn_roles[1], td]
    result = check_stack(POLICY, resources)
    assert not result.unknown
    assert len(result.violations) == 1


def test_outputs_after_update_are_not_judged_twice():
    """After an update the role's outputs repeat what RolePolicy and attachment resources put on it."""
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    broad = document(allow("*", "*"))
    task_role = role("api-task", inlinePolicies=[{"name": "api-task-app-7f3e", "policy": broad}],
                     managedPolicyArns=[admin])
    resources = stack(
        Res(ROLE_POLICY_ATTACHMENT, "api-task-admin", {"role": "api-task", "policyArn": admin},
            deps={"role": ["api-task"]}),
        task_policy=broad, task_role=task_role)
    resources[1].props = {**resources[1].props, "name": "api-task-app-7f3e"}
    result = check_stack(POLICY, resources)
    assert [u for _, u in result.violations] == [urn(ROLE_POLICY, "api-task-app"),
                                                 urn(ROLE_POLICY_ATTACHMENT, "api-task-admin")]


def test_policy_attachment_with_roles_list_is_checked():
    attachment = Res("aws:iam/policyAttachment:PolicyAttachment", "shared-admin",
                     {"roles": ["api-task", "ci"], "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
                     deps={"roles": ["api-task"]})
    assert check_stack(POLICY, stack(attachment)).violations == [(
        "task role 'api-task' (attachment 'shared-admin') has AWS managed policy "
        "'arn:aws:iam::aws:policy/AdministratorAccess' attached, which grants broad access; attach only policies "
        "scoped to the actions and resources the application uses.",
        urn("aws:iam/policyAttachment:PolicyAttachment", "shared-admin"))]


def test_examples_list_three_names_and_counts_the_rest():
    from guardrails.iam.task_role_least_privilege import _examples

    assert _examples(["a", "b", "c"]) == "a, b, c"
    assert _examples(["a", "b", "c", "d"]) == "a, b, c, and 1 more"
    assert _examples(["a"]) == "a" and _examples([]) == ""


def test_service_wildcard_in_the_service_part_fails():
    assert messages(stack(task_policy=document(allow("s3*:GetObject", f"{BUCKET}/*")))) == [
        "role policy 'api-task-app' of task role 'api-task' allows action 's3*:GetObject', a wildcard over every "
        "service; list the specific actions the application calls."]


def test_trust_with_not_principal_or_not_action_fails():
    not_principal = role("api-task", assumeRolePolicy=trust(NotPrincipal={"AWS": "arn:aws:iam::1:root"}))
    assert any("has an Allow statement with NotPrincipal, which trusts every other principal" in m
               for m in messages(stack(task_role=not_principal)))
    statement = json.loads(trust())["Statement"][0]
    del statement["Action"]
    statement["NotAction"] = "sts:TagSession"
    not_action = role("api-task", assumeRolePolicy=json.dumps({"Statement": [statement]}))
    assert any("has an Allow statement with NotAction; allow only 'sts:AssumeRole'." in m
               for m in messages(stack(task_role=not_action)))


def test_different_literal_role_arns_pass_and_an_unknown_task_role_is_not_compared():
    arn = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
    td = Res(TASK_DEFINITION, "api", {"family": "dev-api", "containerDefinitions": "[]",
                                      "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/app", "executionRoleArn": arn})
    assert check_stack(POLICY, [td]).violations == []
    td.props["taskRoleArn"] = ""
    td.props["executionRoleArn"] = ""
    assert check_stack(POLICY, [td]).violations == []


def test_unknown_service_with_every_action_is_reported_once():
    assert messages(stack(task_policy=document(allow("s4:*", f"{BUCKET}/*")))) == [
        "role policy 'api-task-app' of task role 'api-task' names action 's4:*', which does not exist in the IAM "
        "service authorization reference; use existing action names."]


def test_role_policy_related_by_the_role_name_after_an_update():
    task_role = role("api-task")
    task_role.props = {**task_role.props, "id": "api-task"}
    broad = Res(ROLE_POLICY, "api-task-app", {"role": "api-task", "policy": document(allow("*", "*"))})
    resources = [task_role, broad, role("api-exec"), task_definition()]
    assert [u for _, u in check_stack(POLICY, resources).violations] == [urn(ROLE_POLICY, "api-task-app")]


def test_customer_managed_policy_in_the_role_outputs_is_judged_once():
    arn = f"arn:aws:iam::{ACCOUNT}:policy/api-task-extra"
    policy = Res(MANAGED_POLICY, "api-task-extra-policy", {"arn": arn, "policy": document(allow("*", "*"))})
    attachment = Res(ROLE_POLICY_ATTACHMENT, "api-task-extra", {"role": "api-task", "policyArn": arn},
                     deps={"role": ["api-task"]})
    task_role = role("api-task", managedPolicyArns=[arn])
    result = check_stack(POLICY, stack(policy, attachment, task_role=task_role))
    assert [u for _, u in result.violations] == [urn(MANAGED_POLICY, "api-task-extra-policy")]
    alone = role("api-task", managedPolicyArns=[arn, ""])
    result = check_stack(POLICY, stack(policy, task_role=alone))
    assert [u for _, u in result.violations] == [urn(MANAGED_POLICY, "api-task-extra-policy")]
