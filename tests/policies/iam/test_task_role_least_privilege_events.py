"""task-role-least-privilege on the roles the events and queue components build: the pipeline's, the scheduled
task's and the worker's task roles pass as built, and fail once widened to a service wildcard or Resource "*"."""

import pytest
from guardrails.iam.task_role_least_privilege import POLICY

from tests.policies.autoscaling._worker import worker
from tests.policies.events._pipeline import pipeline, scheduled
from tests.policies.harness import check_stack
from tests.policies.recorded import edit_document

PIPELINE_TASK = "ingest-task (RolePolicy)"
WORKER_TASK = "jobs-task (RolePolicy)"


def test_the_pipelines_scheduled_tasks_and_workers_task_roles_pass():
    for fixture in (pipeline(), scheduled(), worker()):
        assert check_stack(POLICY, fixture).violations == []


@pytest.mark.parametrize(("index", "action", "expected"), [
    (0, "s3:*", "allows 's3:*', every action of the service"),
    (1, "dynamodb:*", "allows 'dynamodb:*', every action of the service"),
    (0, "s3:Put*", "a wildcard that includes Write or Permissions management actions"),
])
def test_the_pipelines_task_role_widened_to_a_service_wildcard_fails(index, action, expected):
    fixture = edit_document(pipeline(), PIPELINE_TASK, lambda s: s[index].update(Action=action))
    messages = check_stack(POLICY, fixture).messages
    assert any(expected in m for m in messages), messages


@pytest.mark.parametrize(("index", "action"), [(0, "s3:GetObject"), (1, "dynamodb:PutItem")])
def test_the_pipelines_task_role_on_every_resource_fails(index, action):
    fixture = edit_document(pipeline(), PIPELINE_TASK, lambda s: s[index].update(Resource="*"))
    assert check_stack(POLICY, fixture).messages == [
        f"role policy '{PIPELINE_TASK}' of task role 'ingest-task (Role)' allows '{action}' on Resource '*' although "
        "it supports resource-level permissions; name the resource ARNs instead."]


def test_the_workers_task_role_widened_fails():
    wide = edit_document(worker(), WORKER_TASK, lambda s: s[0].update(Action="sqs:*"))
    assert any("allows 'sqs:*', every action of the service" in m for m in check_stack(POLICY, wide).messages)
    anywhere = edit_document(worker(), WORKER_TASK, lambda s: s[0].update(Resource="*"))
    assert len(check_stack(POLICY, anywhere).violations) == 3  # Receive, Delete, ChangeMessageVisibility
