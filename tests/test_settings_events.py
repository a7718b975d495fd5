"""Pipelines, scheduled tasks and workers in the stack configuration: what each stack holds, every bad value with its
exact message, and each limit at its edge (accepted) and just past it (refused)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import settings
from components.events import object_pipeline, scheduled_task
from components.queue import worker
from components.queue.scaling import DEFAULT_SCALE_OUT, ScaleOutStep
from settings.items import max_name_length
from tests.test_settings import P, error, raw

PIPELINES, SCHEDULED, WORKERS = f"{P}pipelines", f"{P}scheduledTasks", f"{P}workers"
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingest:1.0.0"
PIPELINE = {"name": "ingest", "image": IMAGE}
TASK = {"name": "report", "image": IMAGE, "schedule": "rate(1 day)"}
WORKER = {"name": "jobs", "image": IMAGE, "maxPercent": 200}


def with_items(stack: str, key: str, *items: dict[str, Any], **changes: str | None) -> dict[str, str]:
    return raw(stack, {key: json.dumps(list(items)), **changes})


def load(stack: str, key: str, *items: dict[str, Any], **changes: str | None) -> settings.Settings:
    return settings.load(stack, with_items(stack, key, *items, **changes))


def fails(stack: str, key: str, *items: dict[str, Any], **changes: str | None) -> str:
    with pytest.raises(settings.ConfigError) as info:
        load(stack, key, *items, **changes)
    return str(info.value)


# ---- the stacks --------------------------------------------------------------------------------------------------


def test_every_stack_has_the_pipeline_and_the_worker():
    for stack in ("dev", "staging", "prod"):
        s = settings.load(stack, raw(stack))
        assert [p.name for p in s.pipelines] == ["ingest"], stack
        assert [w.name for w in s.workers] == ["jobs"], stack
        assert s.pipelines[0].prefix == "incoming/", stack


def test_dev_scales_its_worker_to_zero_and_keeps_nothing_it_does_not_need():
    s = settings.load("dev", raw("dev"))
    [pipeline], [task], [jobs] = s.pipelines, s.scheduled_tasks, s.workers
    assert (pipeline.versioning, pipeline.point_in_time_recovery, pipeline.deletion_protection) == \
        (False, False, False)
    assert (task.name, task.schedule, task.grants) == ("cleanup", "cron(0 3 * * ? *)", ())
    assert (jobs.min_count, jobs.max_count, jobs.spot, jobs.backlog_per_task) == (0, 2, True, None)
    assert (jobs.min_healthy_percent, jobs.max_percent) == (50, 200)
    assert (jobs.visibility_timeout, jobs.task.stop_timeout, jobs.max_receive_count) == (300, 120, 5)
    assert jobs.scale_out_steps == DEFAULT_SCALE_OUT


def test_staging_versions_its_bucket_and_tracks_backlog_per_task():
    s = settings.load("staging", raw("staging"))
    assert s.pipelines[0].versioning is True and s.pipelines[0].point_in_time_recovery is False
    assert (s.workers[0].min_count, s.workers[0].max_count, s.workers[0].backlog_per_task) == (1, 4, 20)
    assert s.scheduled_tasks == ()


def test_prod_protects_the_table_and_keeps_versions_longer():
    s = settings.load("prod", raw("prod"))
    [pipeline], [jobs] = s.pipelines, s.workers
    assert (pipeline.versioning, pipeline.noncurrent_version_days, pipeline.point_in_time_recovery,
            pipeline.deletion_protection) == (True, 90, True, True)
    assert (pipeline.task.cpu, pipeline.task.memory) == (512, 1024)
    assert (jobs.min_count, jobs.max_count, jobs.backlog_per_task, jobs.wait_for_steady_state) == (2, 10, 20, True)


def test_deletion_protection_follows_protect_unless_set():
    assert load("dev", PIPELINES, PIPELINE, **{f"{P}protect": "true"}).pipelines[0].deletion_protection is True
    assert load("prod", PIPELINES, {**PIPELINE, "deletionProtection": False}).pipelines[0].deletion_protection \
        is False


def test_absent_lists_are_empty():
    s = settings.load("dev", raw("dev", {PIPELINES: None, SCHEDULED: None, WORKERS: None}))
    assert (s.pipelines, s.scheduled_tasks, s.workers) == ((), (), ())


# ---- errors ------------------------------------------------------------------------------------------------------


def _p(**changes: Any) -> dict[str, Any]:
    return {**PIPELINE, **changes}


def _t(**changes: Any) -> dict[str, Any]:
    return {**TASK, **changes}


def _w(**changes: Any) -> dict[str, Any]:
    return {**WORKER, **changes}


@pytest.mark.parametrize(("key", "items", "expected"), [
    # shape
    (PIPELINES, ["ingest"], f'{PIPELINES}[0] must be a mapping (got "ingest")'),
    (PIPELINES, [{"image": IMAGE}], f"{PIPELINES}[0].name is required"),
    (PIPELINES, [{"name": "ingest"}], f"{PIPELINES}[ingest].image is required"),
    (PIPELINES, [_p(prefx="x/")], f"unknown key {PIPELINES}[ingest].prefx; did you mean prefix?"),
    (PIPELINES, [_p(versioning="yes")], f'{PIPELINES}[ingest].versioning must be a boolean (got "yes")'),
    (PIPELINES, [_p(), _p()], f"{PIPELINES} must have unique names (ingest appears twice)"),
    (SCHEDULED, [{"name": "report", "image": IMAGE}], f"{SCHEDULED}[report].schedule is required"),
    (WORKERS, [_w(minCount="1")], f'{WORKERS}[jobs].minCount must be an integer (got "1")'),
    # task
    (PIPELINES, [_p(name="Ingest")], f"{PIPELINES}[Ingest].name must be lowercase letters, digits and hyphens, "
                                     'starting with a letter, up to 43 characters (got "Ingest")'),
    (PIPELINES, [_p(image="my image")], f"{PIPELINES}[ingest].image must be an image reference (letters, digits and "
                                        '_ : . / # @ -, up to 255) (got "my image")'),
    (WORKERS, [_w(cpu=128)], f"{WORKERS}[jobs].cpu must be a Fargate task size: one of 256, 512, 1024, 2048, 4096, "
                             "8192, 16384 CPU units (got 128)"),
    (WORKERS, [_w(memory=4096)], f"{WORKERS}[jobs].memory must be valid with cpu 256 on Fargate: 512, 1024, 2048 MiB "
                                 "(got 4096)"),
    (SCHEDULED, [_t(environment={"1X": "y"})], f"{SCHEDULED}[report].environment must use environment variable names "
                                               "('1X' is not one)"),
    (SCHEDULED, [_t(environment={"X": 1})], f"{SCHEDULED}[report].environment must map names to strings (X is not a "
                                            "string)"),
    (PIPELINES, [_p(environment={"TABLE_NAME": "x"})],
     f"{PIPELINES}[ingest].environment must not set TABLE_NAME (set by the platform: OBJECT_BUCKET, OBJECT_KEY, "
     "TABLE_NAME)"),
    (WORKERS, [_w(environment={"QUEUE_URL": "x"})],
     f"{WORKERS}[jobs].environment must not set QUEUE_URL (set by the platform: QUEUE_URL)"),
    # pipelines
    (PIPELINES, [_p(prefix="in/*")], f"{PIPELINES}[ingest].prefix must be a key prefix of at most 1024 bytes, without "
                                     '* or ? (the rule matches the prefix literally) (got "in/*")'),
    (PIPELINES, [_p(noncurrentVersionDays=0)], f"{PIPELINES}[ingest].noncurrentVersionDays must be 1..36500 (got 0)"),
    (PIPELINES, [_p(noncurrentVersionDays=36501)],
     f"{PIPELINES}[ingest].noncurrentVersionDays must be 1..36500 (got 36501)"),
    (PIPELINES, [_p(retryAttempts=186)], f"{PIPELINES}[ingest].retryAttempts must be 0..185 (got 186)"),
    (PIPELINES, [_p(retryAttempts=-1)], f"{PIPELINES}[ingest].retryAttempts must be 0..185 (got -1)"),
    (SCHEDULED, [_t(maxEventAgeSeconds=59)], f"{SCHEDULED}[report].maxEventAgeSeconds must be 60..86400 (got 59)"),
    (SCHEDULED, [_t(maxEventAgeSeconds=86401)],
     f"{SCHEDULED}[report].maxEventAgeSeconds must be 60..86400 (got 86401)"),
    # scheduled tasks
    (SCHEDULED, [_t(schedule="every day")],
     f"{SCHEDULED}[report].schedule must be rate(N minutes|hours|days) (rate(1 minute|hour|day) for one) or "
     'cron(<six fields>) (got "every day")'),
    (SCHEDULED, [_t(schedule="rate(1 days)")],
     f"{SCHEDULED}[report].schedule must be rate(N minutes|hours|days) (rate(1 minute|hour|day) for one) or "
     'cron(<six fields>) (got "rate(1 days)")'),
    (SCHEDULED, [_t(grants=[{"kind": "s3-read", "arn": "arn:aws:s3:::bucket/*"}])],
     f'{SCHEDULED}[report].grants[0].arn must be the ARN of one s3 resource in partition aws, without wildcards '
     '(got "arn:aws:s3:::bucket/*")'),
    (SCHEDULED, [_t(grants=[{"kind": "s3-delete", "arn": "arn:aws:s3:::bucket"}])],
     f'{SCHEDULED}[report].grants[0].kind must be one of s3-read, s3-write, sqs-consume, sqs-send, dynamodb-read, '
     'dynamodb-write (got "s3-delete")'),
    (SCHEDULED, [_t(grants=["arn:aws:s3:::bucket"])],
     f'{SCHEDULED}[report].grants[0] must be a mapping with exactly kind and arn (got "arn:aws:s3:::bucket")'),
    # workers
    (WORKERS, [_w(minCount=5, maxCount=4)], f"{WORKERS}[jobs].minCount must be 0..maxCount (4) (got 5)"),
    (WORKERS, [_w(maxCount=0)], f"{WORKERS}[jobs].maxCount must be 1..1000 (got 0)"),
    (WORKERS, [_w(maxCount=1001)], f"{WORKERS}[jobs].maxCount must be 1..1000 (got 1001)"),
    (WORKERS, [_w(minCount=0)], f"{WORKERS}[jobs].minCount may be 0 only where {P}workerScaleToZero is true (got 0)"),
    (WORKERS, [_w(stopTimeoutSeconds=1)], f"{WORKERS}[jobs].stopTimeoutSeconds must be 2..120 (Fargate's limit) "
                                          "(got 1)"),
    (WORKERS, [_w(stopTimeoutSeconds=121)], f"{WORKERS}[jobs].stopTimeoutSeconds must be 2..120 (Fargate's limit) "
                                            "(got 121)"),
    (WORKERS, [_w(visibilityTimeoutSeconds=43201)],
     f"{WORKERS}[jobs].visibilityTimeoutSeconds must be 0..43200 (SQS's limit, 12 hours) (got 43201)"),
    (WORKERS, [_w(visibilityTimeoutSeconds=119)],
     f"{WORKERS}[jobs].visibilityTimeoutSeconds must be at least stopTimeoutSeconds (120): a message a stopping task "
     "is finishing must not reach another task (got 119)"),
    (WORKERS, [_w(maxReceiveCount=0)], f"{WORKERS}[jobs].maxReceiveCount must be 1..1000 (got 0)"),
    (WORKERS, [_w(maxReceiveCount=1001)], f"{WORKERS}[jobs].maxReceiveCount must be 1..1000 (got 1001)"),
    (WORKERS, [_w(backlogPerTask=0)], f"{WORKERS}[jobs].backlogPerTask must be 1..100000 (got 0)"),
    (WORKERS, [_w(backlogPerTask=100001)], f"{WORKERS}[jobs].backlogPerTask must be 1..100000 (got 100001)"),
    (WORKERS, [_w(scaleOutSteps=[])], f"{WORKERS}[jobs].scaleOutSteps must have at least one step (got [])"),
    (WORKERS, [_w(scaleOutSteps=[{"messages": 10, "change": 1}, {"messages": 10, "change": 2}])],
     f"{WORKERS}[jobs].scaleOutSteps must have strictly ascending message thresholds "
     '(got [{"messages": 10, "change": 1}, {"messages": 10, "change": 2}])'),
    (WORKERS, [_w(scaleOutSteps=[{"messages": 1, "change": 0}])],
     f'{WORKERS}[jobs].scaleOutSteps must add at least one task per step (got [{{"messages": 1, "change": 0}}])'),
    (WORKERS, [_w(scaleOutSteps=[{"messages": 1}])],
     f'{WORKERS}[jobs].scaleOutSteps[0] must be a mapping of exactly messages and change (integers) '
     '(got {"messages": 1})'),
    (WORKERS, [_w(scaleOutSteps=[{"messages": 1, "change": True}])],
     f'{WORKERS}[jobs].scaleOutSteps[0] must be a mapping of exactly messages and change (integers) '
     '(got {"messages": 1, "change": true})'),
    (WORKERS, [_w(minCount=1, maxPercent=100)],
     f"{WORKERS}[jobs] cannot roll out with 1 task(s) at minHealthyPercent 50 and maxPercent 100: ECS rounds the "
     "minimum up and the maximum down, so no task can be replaced; lower minHealthyPercent or raise maxPercent"),
    (WORKERS, [_w(minHealthyPercent=101)], f"{WORKERS}[jobs].minHealthyPercent must be 0..100 (got 101)"),
    (WORKERS, [_w(maxPercent=201)], f"{WORKERS}[jobs].maxPercent must be 100..200 (got 201)"),
], ids=lambda v: None if not isinstance(v, str) else v.removeprefix(P)[:60])
def test_errors(key: str, items: list[Any], expected: str):
    assert fails("prod", key, *items) == f"Pulumi.prod.yaml: {expected}"


def test_names_are_unique_across_services_pipelines_scheduled_tasks_and_workers():
    assert fails("prod", WORKERS, _w(name="api")) == (
        f"Pulumi.prod.yaml: {P}services[api] and {WORKERS}[api] have the same name; their log groups and task "
        "families would collide")
    assert fails("dev", SCHEDULED, _t(name="ingest")) == (
        f"Pulumi.dev.yaml: {PIPELINES}[ingest] and {SCHEDULED}[ingest] have the same name; their log groups and task "
        "families would collide")


def test_scale_to_zero_with_consent():
    s = load("prod", WORKERS, _w(minCount=0), **{f"{P}workerScaleToZero": "true"})
    assert s.workers[0].min_count == 0


# ---- limits at their edges -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "children", "longest"), [
    (PIPELINES, object_pipeline.AUTONAMED_CHILDREN, 43),
    (SCHEDULED, scheduled_task.AUTONAMED_CHILDREN, 49),
    (WORKERS, worker.AUTONAMED_CHILDREN, 51),
])
def test_the_longest_name_fits_every_auto_named_child(key: str, children, longest: int):
    assert max_name_length(children) == longest
    item = {PIPELINES: PIPELINE, SCHEDULED: TASK, WORKERS: WORKER}[key]
    s = load("dev", key, {**item, "name": "a" * longest})
    lists = {PIPELINES: s.pipelines, SCHEDULED: s.scheduled_tasks, WORKERS: s.workers}
    assert lists[key][0].name == "a" * longest


def test_a_pipeline_name_one_longer_is_refused_naming_the_child_that_would_not_fit():
    name = "a" * 44
    assert fails("prod", PIPELINES, _p(name=name)) == (
        f'Pulumi.prod.yaml: {PIPELINES}[{name}].name must be lowercase letters, digits and hyphens, starting with a '
        f'letter, up to 43 characters (its access-log bucket would be named {name}-access-logs-<7 hex digits>, over '
        f'AWS\'s 63) (got "{name}")')


@pytest.mark.parametrize(("changes", "field", "value"), [
    ({"retryAttempts": 0}, "retry_attempts", 0), ({"retryAttempts": 185}, "retry_attempts", 185),
    ({"maxEventAgeSeconds": 60}, "max_event_age", 60), ({"maxEventAgeSeconds": 86400}, "max_event_age", 86400),
    ({"noncurrentVersionDays": 1}, "noncurrent_version_days", 1),
    ({"noncurrentVersionDays": 36500}, "noncurrent_version_days", 36500),
    ({"prefix": "p" * 1024}, "prefix", "p" * 1024),
])
def test_pipeline_limits_at_their_edges(changes: dict[str, Any], field: str, value: Any):
    assert getattr(load("prod", PIPELINES, _p(**changes)).pipelines[0], field) == value


def test_a_prefix_over_1024_bytes_is_refused():
    assert fails("prod", PIPELINES, _p(prefix="é" * 513)).startswith(f"Pulumi.prod.yaml: {PIPELINES}[ingest].prefix "
                                                                     "must be a key prefix of at most 1024 bytes")


@pytest.mark.parametrize(("changes", "check"), [
    ({"stopTimeoutSeconds": 2, "visibilityTimeoutSeconds": 2}, lambda w: w.task.stop_timeout == 2),
    ({"stopTimeoutSeconds": 120, "visibilityTimeoutSeconds": 120}, lambda w: w.visibility_timeout == 120),
    ({"visibilityTimeoutSeconds": 43200}, lambda w: w.visibility_timeout == 43200),
    ({"maxReceiveCount": 1}, lambda w: w.max_receive_count == 1),
    ({"maxReceiveCount": 1000}, lambda w: w.max_receive_count == 1000),
    ({"maxCount": 1000}, lambda w: w.max_count == 1000),
    ({"backlogPerTask": 1}, lambda w: w.backlog_per_task == 1),
    ({"backlogPerTask": 100000}, lambda w: w.backlog_per_task == 100000),
    ({"scaleOutSteps": [{"messages": 1, "change": 1}]}, lambda w: w.scale_out_steps == (ScaleOutStep(1, 1),)),
    ({"spot": True}, lambda w: w.spot),
], ids=lambda v: json.dumps(v) if isinstance(v, dict) else None)
def test_worker_limits_at_their_edges(changes: dict[str, Any], check: Callable[[Any], bool]):
    assert check(load("prod", WORKERS, _w(**changes)).workers[0])


def test_stack_rollout_defaults_apply_to_workers():
    s = load("prod", WORKERS, {"name": "jobs", "image": IMAGE},
             **{f"{P}minHealthyPercent": "0", f"{P}maxPercent": "150"})
    assert (s.workers[0].min_healthy_percent, s.workers[0].max_percent) == (0, 150)


def test_scheduled_task_grants_are_read():
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/reports"
    s = load("prod", SCHEDULED, _t(grants=[{"kind": "dynamodb-read", "arn": arn}]))
    assert s.scheduled_tasks[0].grants == (settings.Grant("dynamodb-read", arn),)


def test_error_from_the_dev_file_names_it():
    assert error("dev", {WORKERS: json.dumps([_w(maxCount=0)])}) == \
        f"Pulumi.dev.yaml: {WORKERS}[jobs].maxCount must be 1..1000 (got 0)"
