import json

from guardrails.events.events_ecs_target_role_scoped import POLICY

from tests.policies.events._pipeline import CLUSTER_ARN, pipeline, scheduled
from tests.policies.harness import Res, check_stack
from tests.policies.recorded import edit, edit_document

EVENTS_POLICY = "ingest-events (RolePolicy)"
FAMILY = "arn:aws:ecs:eu-west-1:123456789012:task-definition/test-ingest:*"


def statements(change) -> list[Res]:
    return edit_document(pipeline(), EVENTS_POLICY, change)


def test_the_pipelines_and_the_scheduled_tasks_roles_pass():
    assert check_stack(POLICY, pipeline()).violations == []
    assert check_stack(POLICY, scheduled()).violations == []


def test_a_stack_without_ecs_targets_is_not_applicable():
    assert check_stack(POLICY, [Res("aws:s3/bucket:Bucket", "b", {})]).not_applicable


def test_run_task_on_every_task_definition_is_too_wide():
    result = check_stack(POLICY, statements(lambda s: s[0].update(Resource="*")))
    assert result.messages == [
        "role policy 'ingest-events (RolePolicy)' of EventBridge role 'ingest-events (Role)' (the role of EventBridge "
        "target 'ingest (EventTarget)') allows ecs:RunTask on ['*'], not only on the task definition family "
        "'test-ingest' (arn:...:task-definition/test-ingest:*)."]


def test_run_task_on_another_family_is_too_wide():
    other = FAMILY.replace("test-ingest", "test-ingest-admin")
    assert len(check_stack(POLICY, statements(lambda s: s[0].update(Resource=[FAMILY, other]))).violations) == 1


def test_run_task_on_one_revision_of_the_family_is_scoped():
    one = FAMILY.replace(":*", ":7")
    assert check_stack(POLICY, statements(lambda s: s[0].update(Resource=[one]))).violations == []


def test_run_task_without_the_cluster_condition_runs_anywhere():
    result = check_stack(POLICY, statements(lambda s: s[0].pop("Condition")))
    assert [m.split(") ", 1)[1] for m in result.messages] == [
        "allows ecs:RunTask on any cluster; add the condition {\"ArnEquals\": {\"ecs:cluster\": <the target's "
        "cluster ARN>}}."]


def test_run_task_conditioned_on_another_cluster_is_reported():
    other = CLUSTER_ARN.replace("/platform", "/other")
    result = check_stack(POLICY, statements(lambda s: s[0].update(Condition={"ArnEquals": {"ecs:cluster": other}})))
    assert result.messages[0].endswith(f"allows ecs:RunTask on cluster(s) ['{other}'], not only on the target's "
                                       f"cluster {CLUSTER_ARN}.")


def test_pass_role_on_every_role_is_too_wide():
    result = check_stack(POLICY, statements(lambda s: s[1].update(Resource="*")))
    [message] = result.messages
    assert "allows iam:PassRole on ['*'], not only on the task definition's roles (task role " \
           "arn:aws:iam::123456789012:role/ingest-task-" in message


def test_pass_role_on_a_third_role_is_too_wide():
    admin = "arn:aws:iam::123456789012:role/admin"
    result = check_stack(POLICY, statements(lambda s: s[1]["Resource"].append(admin)))
    assert len(result.violations) == 1 and f"['{admin}']" in result.messages[0]


def test_pass_role_on_one_of_the_two_roles_is_scoped_enough():
    """Too narrow is events-ecs-target-can-run-task's concern."""
    assert check_stack(POLICY, statements(lambda s: s[1]["Resource"].pop())).violations == []


def test_tagging_outside_run_task_is_reported():
    result = check_stack(POLICY, statements(lambda s: s[2].pop("Condition")))
    assert result.messages[0].endswith("allows ecs:TagResource outside RunTask; add the condition {\"StringEquals\": "
                                       "{\"ecs:CreateAction\": \"RunTask\"}}.")


def test_other_actions_are_beyond_what_eventbridge_needs():
    def widen(s):
        s[0]["Action"] = ["ecs:RunTask", "ecs:StopTask", "ecs:DescribeTasks"]
    result = check_stack(POLICY, statements(widen))
    assert result.messages[0].endswith("allows ecs:describetasks, ecs:stoptask, beyond what EventBridge needs to run "
                                       "the task (ecs:RunTask, iam:PassRole, ecs:TagResource).")


def test_a_service_wildcard_is_beyond_what_eventbridge_needs():
    result = check_stack(POLICY, statements(lambda s: s[0].update(Action="ecs:*")))
    assert any("beyond what EventBridge needs" in m for m in result.messages)


def test_not_action_and_not_resource_are_refused():
    def not_action(s):
        s[0].pop("Action")
        s[0]["NotAction"] = "iam:*"
    assert "(NotAction)" in check_stack(POLICY, statements(not_action)).messages[0]

    def not_resource(s):
        s[0].pop("Resource")
        s[0]["NotResource"] = FAMILY
    assert "(NotResource)" in check_stack(POLICY, statements(not_resource)).messages[0]


def test_deny_statements_are_not_judged():
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    assert check_stack(POLICY, statements(lambda s: s.append(deny))).violations == []


def test_an_aws_managed_policy_attached_is_too_wide():
    attachment = Res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ingest-events-managed",
                     {"role": "ingest-events-x", "policyArn":
                      "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceEventsRole"},
                     {"role": ["ingest-events (Role)"]})
    result = check_stack(POLICY, [*pipeline(), attachment])
    assert result.messages == [
        "the role of EventBridge target 'ingest (EventTarget)' has managed policy "
        "'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceEventsRole' attached, which the stack does not "
        "hold and which is not scoped to this task; grant the target's permissions in a policy of the stack."]


def test_a_role_outside_the_stack_is_not_judged():
    fixture = edit(pipeline(), "ingest (EventTarget)", lambda p: p.update(roleArn="arn:aws:iam::123456789012:role/x"))
    fixture = [Res(r.type, r.name, r.props, {k: v for k, v in r.deps.items() if k != "roleArn"}) for r in fixture]
    assert check_stack(POLICY, fixture).violations == []


def test_a_malformed_document_is_reported():
    fixture = edit(pipeline(), EVENTS_POLICY, lambda p: p.update(policy="{"))
    assert check_stack(POLICY, fixture).messages[0].startswith(
        "role policy 'ingest-events (RolePolicy)' of EventBridge role 'ingest-events (Role)' is not a valid IAM policy "
        "document")


def test_in_a_preview_the_document_is_unknown():
    assert check_stack(POLICY, pipeline(preview=True)).unknown


def test_the_fixture_is_the_components_document():
    [statement] = [json.loads(r.props["policy"])["Statement"] for r in pipeline() if r.name == EVENTS_POLICY]
    assert [s["Sid"] for s in statement] == ["RunTask", "PassTaskRoles", "TagStartedTasks"]
