"""Queue workers (``container-platform:workers``): an SQS queue and the Fargate service that consumes it, scaled on
its depth; ``container-platform:workerScaleToZero`` lets a worker stop every task while its queue is empty."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.ecs.service import rolling_update_deadlocks
from components.events.task import FARGATE_STOP_TIMEOUT, TaskSpec
from components.queue import worker
from components.queue.scaling import DEFAULT_SCALE_OUT, ScaleOutStep, check_steps
from settings.items import Item, check_name, unique_names
from settings.schema import PROJECT, Key, Reader
from settings.tasks import TASK_KEYS, reserved_environment, task_spec

WORKERS = "workers"
SCALE_TO_ZERO = "workerScaleToZero"


@dataclass(frozen=True)
class WorkerSettings:
    name: str
    task: TaskSpec
    min_count: int
    max_count: int
    visibility_timeout: int
    max_receive_count: int
    scale_out_steps: tuple[ScaleOutStep, ...]
    backlog_per_task: int | None
    min_healthy_percent: int
    max_percent: int
    spot: bool
    wait_for_steady_state: bool


KEYS: tuple[Key, ...] = (
    Key(WORKERS, "array", [], "Queue workers: an SQS queue and a Fargate service scaled on its depth (see README: "
                              "worker spec).", items="object"),
    Key(SCALE_TO_ZERO, "boolean", False, "Allow workers with minCount 0: no task runs while the queue is empty."),
)

#: Worker spec keys: name → (type, default or REQUIRED, description). The README documents each one.
WORKER_KEYS: dict[str, tuple[str, Any, str]] = {
    **TASK_KEYS,
    "minCount": ("integer", 1, "Scaling minimum (0 needs workerScaleToZero)."),
    "maxCount": ("integer", 4, "Scaling maximum."),
    "visibilityTimeoutSeconds": ("integer", 300, "Seconds a received message is hidden from other tasks."),
    "maxReceiveCount": ("integer", 5, "Receives before a message moves to the dead-letter queue."),
    "stopTimeoutSeconds": ("integer", 120, "Seconds a stopping task has to finish its message (2..120)."),
    "scaleOutSteps": ("array", None, "[{messages, change}]: add change tasks from messages visible messages."),
    "backlogPerTask": ("integer", None, "Target visible messages per task for target tracking (absent: steps only)."),
    "minHealthyPercent": ("integer", None, "Rolling update minimum healthy percent (default: the stack's)."),
    "maxPercent": ("integer", None, "Rolling update maximum percent (default: the stack's)."),
    "spot": ("boolean", False, "Run on Fargate Spot."),
}


def read(reader: Reader, v: Mapping[str, Any]) -> tuple[WorkerSettings, ...]:
    workers = tuple(_worker(Item(reader, WORKERS, i, item, WORKER_KEYS), v) for i, item in enumerate(v[WORKERS]))
    unique_names(reader, WORKERS, [w.name for w in workers])
    return workers


def _worker(item: Item, stack: Mapping[str, Any]) -> WorkerSettings:
    name = check_name(item, worker.AUTONAMED_CHILDREN)
    v = item.v
    if v["stopTimeoutSeconds"] not in FARGATE_STOP_TIMEOUT:
        raise item.bad("stopTimeoutSeconds", f"must be {FARGATE_STOP_TIMEOUT.start}..{FARGATE_STOP_TIMEOUT.stop - 1} "
                                             f"(Fargate's limit)")
    spec = task_spec(item, stop_timeout=v["stopTimeoutSeconds"])
    reserved_environment(item, (worker.QUEUE_ENVIRONMENT,))
    if not 1 <= v["maxCount"] <= 1000:
        raise item.bad("maxCount", "must be 1..1000")
    if not 0 <= v["minCount"] <= v["maxCount"]:
        raise item.bad("minCount", f"must be 0..maxCount ({v['maxCount']})")
    if v["minCount"] == 0 and not stack[SCALE_TO_ZERO]:
        raise item.bad("minCount", f"may be 0 only where {PROJECT}:{SCALE_TO_ZERO} is true")
    if v["visibilityTimeoutSeconds"] not in worker.VISIBILITY_TIMEOUT:
        raise item.bad("visibilityTimeoutSeconds", "must be 0..43200 (SQS's limit, 12 hours)")
    if v["visibilityTimeoutSeconds"] < v["stopTimeoutSeconds"]:
        raise item.bad("visibilityTimeoutSeconds", f"must be at least stopTimeoutSeconds ({v['stopTimeoutSeconds']}): "
                                                   f"a message a stopping task is finishing must not reach another "
                                                   f"task")
    if v["maxReceiveCount"] not in worker.MAX_RECEIVE_COUNT:
        raise item.bad("maxReceiveCount", "must be 1..1000")
    steps = _steps(item)
    if v["backlogPerTask"] is not None and not 1 <= v["backlogPerTask"] <= 100000:
        raise item.bad("backlogPerTask", "must be 1..100000")
    min_healthy = stack["minHealthyPercent"] if v["minHealthyPercent"] is None else v["minHealthyPercent"]
    max_percent = stack["maxPercent"] if v["maxPercent"] is None else v["maxPercent"]
    if not 0 <= min_healthy <= 100:
        raise item.bad("minHealthyPercent", "must be 0..100")
    if not 100 <= max_percent <= 200:
        raise item.bad("maxPercent", "must be 100..200")
    for count in range(max(v["minCount"], 1), v["maxCount"] + 1):
        if rolling_update_deadlocks(count, min_healthy, max_percent):
            raise item.reader.fail(
                item.where, f"cannot roll out with {count} task(s) at minHealthyPercent {min_healthy} and maxPercent "
                            f"{max_percent}: ECS rounds the minimum up and the maximum down, so no task can be "
                            f"replaced; lower minHealthyPercent or raise maxPercent", show_value=False)
    return WorkerSettings(
        name=name, task=spec, min_count=v["minCount"], max_count=v["maxCount"],
        visibility_timeout=v["visibilityTimeoutSeconds"], max_receive_count=v["maxReceiveCount"],
        scale_out_steps=steps, backlog_per_task=v["backlogPerTask"], min_healthy_percent=min_healthy,
        max_percent=max_percent, spot=v["spot"], wait_for_steady_state=stack["waitForSteadyState"])


def _steps(item: Item) -> tuple[ScaleOutStep, ...]:
    raw = item.v["scaleOutSteps"]
    if raw is None:
        return DEFAULT_SCALE_OUT
    steps = []
    for i, step in enumerate(raw):
        if (not isinstance(step, dict) or set(step) != {"messages", "change"}
                or not all(isinstance(step[k], int) and not isinstance(step[k], bool) for k in step)):
            raise item.reader.fail(f"{item.where}.scaleOutSteps[{i}]",
                                   "must be a mapping of exactly messages and change (integers)", step)
        steps.append(ScaleOutStep(messages=step["messages"], change=step["change"]))
    if problem := check_steps(steps):
        raise item.bad("scaleOutSteps", problem)
    return tuple(steps)
