"""ScheduledTask: the variant that falls out of the rule-task base. The schedule, the same target, roles and
dead-letter queue as a pipeline, and the task role holding exactly the declared grants."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.ecs.roles import Grant
from components.events.scheduled_task import ScheduledTask, ScheduledTaskArgs, valid_schedule
from components.events.task import TaskSpec
from preflight.engine import ACCOUNT_ID, Recording
from tests.components._events import (
    CLUSTER_ARN,
    IMAGE,
    QUEUE,
    QUEUE_POLICY,
    RULE,
    TARGET,
    TASK,
    cached_by_arguments,
    container,
    document,
    environment,
    named,
    placement,
    statements_of,
)
from tests.mocks import REGION, of_type, one, record, record_failure, ref

TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/reports"


@cached_by_arguments
def build(**changes: Any) -> Recording:
    """A scheduled task named cleanup, nightly unless ``schedule`` says otherwise."""
    values = {"schedule": "cron(0 3 * * ? *)", **changes}
    args = ScheduledTaskArgs(task=TaskSpec(image=IMAGE, environment={"MODE": "nightly"}), **placement(**values))
    return record(lambda: ScheduledTask("cleanup", args))


def test_rule_runs_on_the_schedule_without_an_event_pattern():
    rule = one(build(), RULE)
    assert rule.inputs["scheduleExpression"] == "cron(0 3 * * ? *)", rule.urn
    assert "eventPattern" not in rule.inputs and rule.inputs["state"] == "ENABLED", rule.urn


def test_target_runs_the_task_as_defined_with_retries_and_a_dead_letter_queue():
    rec = build()
    target, dlq = one(rec, TARGET), named(rec, QUEUE, "cleanup-dlq")
    assert target.inputs["arn"] == CLUSTER_ARN, target.urn
    assert target.inputs["ecsTarget"]["networkConfiguration"]["assignPublicIp"] is False, target.urn
    assert target.inputs["ecsTarget"]["taskDefinitionArn"] == one(rec, TASK).outputs["arn"], target.urn
    for key in ("inputTransformer", "input", "inputPath"):
        assert key not in target.inputs, f"{target.urn}: {key}"
    assert target.inputs["retryPolicy"] == {"maximumRetryAttempts": 3, "maximumEventAgeInSeconds": 3600}, target.urn
    assert target.inputs["deadLetterConfig"] == {"arn": dlq.outputs["arn"]}, target.urn
    [policy] = of_type(rec, QUEUE_POLICY)
    assert document(policy)["Statement"][0]["Condition"] == {
        "ArnEquals": {"aws:SourceArn": one(rec, RULE).outputs["arn"]}}, policy.urn


def test_events_role_is_the_bases():
    rec = build()
    target, task = one(rec, TARGET), one(rec, TASK)
    events_role = ref(rec, target, "roleArn", "arn")
    [run, pass_role, _] = statements_of(rec, events_role)
    assert run["Resource"] == [f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task-definition/test-cleanup:*"], events_role.urn
    assert pass_role["Resource"] == [ref(rec, task, "taskRoleArn", "arn").outputs["arn"],
                                     ref(rec, task, "executionRoleArn", "arn").outputs["arn"]], events_role.urn


def test_task_role_without_grants_has_no_policy():
    rec = build()
    assert statements_of(rec, ref(rec, one(rec, TASK), "taskRoleArn", "arn")) == []


def test_task_role_holds_exactly_the_grants():
    rec = build(grants=(Grant("dynamodb-write", TABLE_ARN),))
    role = ref(rec, one(rec, TASK), "taskRoleArn", "arn")
    assert statements_of(rec, role) == [{
        "Effect": "Allow", "Action": ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem",
                                      "dynamodb:UpdateItem"], "Resource": [TABLE_ARN]}], role.urn


def test_container_gets_its_environment_only():
    definition = container(build())
    assert environment(definition) == {"MODE": "nightly"}
    assert definition["name"] == "cleanup" and "portMappings" not in definition


@pytest.mark.parametrize("schedule", ["rate(1 minute)", "rate(5 minutes)", "rate(1 day)", "rate(12 hours)",
                                      "cron(0 3 * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)"])
def test_schedules_eventbridge_accepts(schedule: str):
    assert valid_schedule(schedule)
    assert json.dumps(one(build(schedule=schedule), RULE).inputs["scheduleExpression"]) == json.dumps(schedule)


@pytest.mark.parametrize("schedule", ["rate(1 minutes)", "rate(2 minute)", "rate(0 minutes)", "rate(5 weeks)",
                                      "cron(0 3 * * ?)", "0 3 * * ? *", "", "rate(5 minutes) "])
def test_schedules_eventbridge_refuses(schedule: str):
    exc, registered = record_failure(lambda: ScheduledTask("cleanup", ScheduledTaskArgs(
        task=TaskSpec(image=IMAGE), **placement(schedule=schedule))))
    assert str(exc) == ("ScheduledTask cleanup: schedule must be rate(N minutes|hours|days) (rate(1 minute|hour|day) "
                        f"for one) or cron(<six fields>) (got {schedule!r})")
    assert registered == []
