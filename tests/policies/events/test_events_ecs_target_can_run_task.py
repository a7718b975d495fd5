from guardrails.events.events_ecs_target_can_run_task import POLICY

from tests.policies.events._pipeline import CLUSTER_ARN, named, pipeline, scheduled
from tests.policies.harness import Res, check_stack
from tests.policies.recorded import edit, edit_document

EVENTS_POLICY = "ingest-events (RolePolicy)"
TARGET = "ingest (EventTarget)"


def statements(change) -> list[Res]:
    return edit_document(pipeline(), EVENTS_POLICY, change)


def task_definition_arn() -> str:
    return named(pipeline(), "ingest (TaskDefinition)").props["arn"]


def role_arn(name: str) -> str:
    return named(pipeline(), name).props["arn"]


def test_the_pipelines_and_the_scheduled_tasks_roles_can_run_their_tasks():
    assert check_stack(POLICY, pipeline()).violations == []
    assert check_stack(POLICY, scheduled()).violations == []


def test_without_pass_role_on_the_task_role_run_task_fails():
    result = check_stack(POLICY, statements(lambda s: s[1].update(Resource=[role_arn("ingest-exec (Role)")])))
    assert result.messages == [
        f"the role 'ingest-events (Role)' of EventBridge target '{TARGET}' is not allowed iam:PassRole on the task "
        f"role {role_arn('ingest-task (Role)')} of task definition 'ingest (TaskDefinition)', so RunTask fails; allow "
        "iam:PassRole on it."]


def test_without_any_pass_role_both_roles_are_reported():
    result = check_stack(POLICY, statements(lambda s: s.pop(1)))
    assert [m.split(" on the ")[1].split(" ")[0] for m in result.messages] == ["task", "execution"]


def test_without_run_task_on_the_task_definition_nothing_starts():
    other = "arn:aws:ecs:eu-west-1:123456789012:task-definition/test-other:*"
    result = check_stack(POLICY, statements(lambda s: s[0].update(Resource=other)))
    assert result.messages == [
        f"the role 'ingest-events (Role)' of EventBridge target '{TARGET}' is not allowed ecs:RunTask on "
        f"{task_definition_arn()} in cluster {CLUSTER_ARN}, so EventBridge cannot start the task; allow ecs:RunTask on "
        "the task definition family."]


def test_run_task_conditioned_on_another_cluster_does_not_count():
    other = CLUSTER_ARN.replace("/platform", "/other")
    result = check_stack(POLICY, statements(lambda s: s[0].update(Condition={"ArnEquals": {"ecs:cluster": other}})))
    assert len(result.violations) == 1 and "not allowed ecs:RunTask" in result.messages[0]


def test_wildcards_count_as_grants():
    def wide(s):
        s[0].update(Action="ecs:*", Resource="*")
        s[1].update(Action="iam:Pass*", Resource="arn:aws:iam::123456789012:role/ingest-*")
    assert check_stack(POLICY, statements(wide)).violations == []


def test_a_deny_does_not_grant():
    def deny(s):
        s[1]["Effect"] = "Deny"
    assert len(check_stack(POLICY, statements(deny)).violations) == 2


def test_an_ecs_target_without_a_role_is_refused_by_aws():
    fixture = edit(pipeline(), TARGET, lambda p: p.pop("roleArn"))
    fixture = [Res(r.type, r.name, r.props, {k: v for k, v in r.deps.items() if k != "roleArn"}) for r in fixture]
    assert check_stack(POLICY, fixture).messages == [
        f"EventBridge target '{TARGET}' runs an ECS task without roleArn; AWS refuses it. Give it a role allowed "
        "ecs:RunTask on the task definition and iam:PassRole on the task's roles."]


def test_a_role_with_a_managed_policy_attached_is_not_judged():
    attachment = Res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "managed",
                     {"role": "x",
                      "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceEventsRole"},
                     {"role": ["ingest-events (Role)"]})
    fixture = statements(lambda s: s.clear())
    assert check_stack(POLICY, [*fixture, attachment]).violations == []


def test_no_ecs_target_is_not_applicable():
    queue_target = Res("aws:cloudwatch/eventTarget:EventTarget", "t", {"arn": "arn:aws:sqs:eu-west-1:1:q", "rule": "r"})
    assert check_stack(POLICY, [queue_target]).not_applicable


def test_in_a_preview_the_document_is_unknown():
    assert check_stack(POLICY, pipeline(preview=True)).unknown
