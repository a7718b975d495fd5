"""The stack fixtures of the events policy tests: a real object pipeline and scheduled task, recorded once."""

from __future__ import annotations

import functools

from components.events.object_pipeline import ObjectPipeline, ObjectPipelineArgs
from components.events.scheduled_task import ScheduledTask, ScheduledTaskArgs
from components.events.task import TaskSpec
from tests.components._events import IMAGE, placement
from tests.mocks import record
from tests.policies.harness import Res
from tests.policies.recorded import resources

CLUSTER_ARN = placement()["cluster_arn"]
TARGET = "aws:cloudwatch/eventTarget:EventTarget"


@functools.cache
def _pipeline(preview: bool) -> tuple[Res, ...]:
    args = ObjectPipelineArgs(task=TaskSpec(image=IMAGE), prefix="incoming/", **placement())
    return tuple(resources(record(lambda: ObjectPipeline("ingest", args), preview=preview)))


def pipeline(preview: bool = False) -> list[Res]:
    """The resources of a pipeline named ingest; its target is "ingest (EventTarget)", its roles "ingest-events",
    "ingest-task" and "ingest-exec", their inline policies "... (RolePolicy)"."""
    return list(_pipeline(preview))


@functools.cache
def _scheduled() -> tuple[Res, ...]:
    args = ScheduledTaskArgs(task=TaskSpec(image=IMAGE), schedule="rate(1 hour)", **placement())
    return tuple(resources(record(lambda: ScheduledTask("cleanup", args))))


def scheduled() -> list[Res]:
    return list(_scheduled())


def named(fixture: list[Res], name: str) -> Res:
    [found] = [r for r in fixture if r.name == name]
    return found
