"""The stack fixture of the scaling policy tests: a real queue worker with target tracking, recorded once, and the
names of its scaling resources."""

from __future__ import annotations

import functools

from components.events.task import TaskSpec
from components.queue.worker import QueueWorker, QueueWorkerArgs
from tests.components._events import IMAGE, placement
from tests.mocks import record
from tests.policies.harness import Res
from tests.policies.recorded import resources

SCALE_OUT, SCALE_IN, TRACKING = "jobs-scale-out", "jobs-scale-in", "jobs-backlog-per-task"
BACKLOG, IDLE = "jobs-backlog", "jobs-idle"
QUEUE, TARGET, SERVICE = "jobs (Queue)", "jobs (Target)", "jobs (Service)"


@functools.cache
def _worker(preview: bool) -> tuple[Res, ...]:
    args = QueueWorkerArgs(task=TaskSpec(image=IMAGE, stop_timeout=60), visibility_timeout=600, backlog_per_task=20,
                           **placement())
    return tuple(resources(record(lambda: QueueWorker("jobs", args), preview=preview)))


def worker(preview: bool = False) -> list[Res]:
    return list(_worker(preview))


def without_deps(fixture: list[Res], name: str, *props: str) -> list[Res]:
    """``fixture`` where the resource ``name`` no longer records where ``props`` came from (literal values)."""
    return [Res(r.type, r.name, r.props, {k: v for k, v in r.deps.items() if not (r.name == name and k in props)})
            for r in fixture]
