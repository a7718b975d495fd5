"""Tasks that events start: object pipelines (``container-platform:pipelines``) and scheduled tasks
(``container-platform:scheduledTasks``). Every value EventBridge, S3, DynamoDB or ECS would refuse is refused here,
naming the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from components.ecs.roles import Grant
from components.events import object_pipeline, scheduled_task
from components.events.rule_task import EVENT_AGE_SECONDS, RETRY_ATTEMPTS
from components.events.task import TaskSpec
from settings.items import REQUIRED, Item, check_name, grants, unique_names
from settings.schema import Key, Reader
from settings.tasks import TASK_KEYS, reserved_environment, task_spec

PIPELINES = "pipelines"
SCHEDULED_TASKS = "scheduledTasks"


@dataclass(frozen=True)
class PipelineSettings:
    name: str
    task: TaskSpec
    prefix: str = ""
    versioning: bool = False
    noncurrent_version_days: int = 30
    point_in_time_recovery: bool = False
    deletion_protection: bool = False
    retry_attempts: int = 3
    max_event_age: int = 3600


@dataclass(frozen=True)
class ScheduledTaskSettings:
    name: str
    task: TaskSpec
    schedule: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    retry_attempts: int = 3
    max_event_age: int = 3600


KEYS: tuple[Key, ...] = (
    Key(PIPELINES, "array", [], "Object pipelines: a bucket whose new objects each run a Fargate task that records "
                                "them in a table (see README: pipeline spec).", items="object"),
    Key(SCHEDULED_TASKS, "array", [], "Fargate tasks run on a schedule (see README: scheduled task spec).",
        items="object"),
)

#: What EventBridge does with an event whose task did not start: retries, then the dead-letter queue.
_DELIVERY_KEYS: dict[str, tuple[str, Any, str]] = {
    "retryAttempts": ("integer", 3, "Times EventBridge retries starting the task (0..185)."),
    "maxEventAgeSeconds": ("integer", 3600, "Seconds EventBridge keeps retrying an event (60..86400)."),
}
#: Pipeline spec keys: name → (type, default or REQUIRED, description). The README documents each one.
PIPELINE_KEYS: dict[str, tuple[str, Any, str]] = {
    **TASK_KEYS,
    "prefix": ("string", "", "Only objects whose key starts with this run the task (\"\" is every object)."),
    "versioning": ("boolean", False, "Keep earlier versions of overwritten and deleted objects."),
    "noncurrentVersionDays": ("integer", 30, "Days an earlier version is kept once replaced (with versioning)."),
    "pointInTimeRecovery": ("boolean", False, "Continuous backups of the table (35 days)."),
    "deletionProtection": ("boolean", None, "Refuse to delete the table (default: the stack's protect)."),
    **_DELIVERY_KEYS,
}
#: Scheduled task spec keys.
SCHEDULED_TASK_KEYS: dict[str, tuple[str, Any, str]] = {
    **TASK_KEYS,
    "schedule": ("string", REQUIRED, "cron(...) or rate(...), in UTC."),
    "grants": ("array", [], "What the task role may do: [{kind, arn}] as for services."),
    **_DELIVERY_KEYS,
}


def read_pipelines(reader: Reader, v: Mapping[str, Any]) -> tuple[PipelineSettings, ...]:
    pipelines = tuple(_pipeline(Item(reader, PIPELINES, i, item, PIPELINE_KEYS), v["protect"])
                      for i, item in enumerate(v[PIPELINES]))
    unique_names(reader, PIPELINES, [p.name for p in pipelines])
    return pipelines


def read_scheduled_tasks(reader: Reader, v: Mapping[str, Any], partition: str) -> tuple[ScheduledTaskSettings, ...]:
    tasks = tuple(_scheduled(Item(reader, SCHEDULED_TASKS, i, item, SCHEDULED_TASK_KEYS), partition)
                  for i, item in enumerate(v[SCHEDULED_TASKS]))
    unique_names(reader, SCHEDULED_TASKS, [t.name for t in tasks])
    return tasks


def _delivery(item: Item) -> tuple[int, int]:
    v = item.v
    if v["retryAttempts"] not in RETRY_ATTEMPTS:
        raise item.bad("retryAttempts", f"must be {RETRY_ATTEMPTS.start}..{RETRY_ATTEMPTS.stop - 1}")
    if v["maxEventAgeSeconds"] not in EVENT_AGE_SECONDS:
        raise item.bad("maxEventAgeSeconds", f"must be {EVENT_AGE_SECONDS.start}..{EVENT_AGE_SECONDS.stop - 1}")
    return v["retryAttempts"], v["maxEventAgeSeconds"]


def _pipeline(item: Item, protect: bool) -> PipelineSettings:
    name = check_name(item, object_pipeline.AUTONAMED_CHILDREN)
    spec = task_spec(item)
    reserved_environment(item, object_pipeline.RESERVED_ENVIRONMENT)
    v = item.v
    prefix = v["prefix"]
    if len(prefix.encode()) > object_pipeline.MAX_PREFIX_BYTES or "*" in prefix or "?" in prefix:
        raise item.bad("prefix", f"must be a key prefix of at most {object_pipeline.MAX_PREFIX_BYTES} bytes, without "
                                 f"* or ? (the rule matches the prefix literally)")
    if not 1 <= v["noncurrentVersionDays"] <= 36500:
        raise item.bad("noncurrentVersionDays", "must be 1..36500")
    retry_attempts, max_event_age = _delivery(item)
    deletion_protection = protect if v["deletionProtection"] is None else v["deletionProtection"]
    return PipelineSettings(
        name=name, task=spec, prefix=prefix, versioning=v["versioning"],
        noncurrent_version_days=v["noncurrentVersionDays"], point_in_time_recovery=v["pointInTimeRecovery"],
        deletion_protection=deletion_protection, retry_attempts=retry_attempts, max_event_age=max_event_age)


def _scheduled(item: Item, partition: str) -> ScheduledTaskSettings:
    name = check_name(item, scheduled_task.AUTONAMED_CHILDREN)
    spec = task_spec(item)
    if not scheduled_task.valid_schedule(item.v["schedule"]):
        raise item.bad("schedule", f"must be {scheduled_task.SCHEDULE}")
    retry_attempts, max_event_age = _delivery(item)
    return ScheduledTaskSettings(name=name, task=spec, schedule=item.v["schedule"], grants=grants(item, partition),
                                 retry_attempts=retry_attempts, max_event_age=max_event_age)
