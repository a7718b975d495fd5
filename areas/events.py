"""The events area: object pipelines and scheduled tasks EventBridge starts on the cluster, and the queue workers that
run beside the services."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from areas.ecs import EcsArea
from components.events.object_pipeline import ObjectPipeline, ObjectPipelineArgs
from components.events.scheduled_task import ScheduledTask, ScheduledTaskArgs
from components.network.vpc import Vpc
from components.queue.worker import QueueWorker, QueueWorkerArgs
from components.shared.context import PlatformContext
from settings import Settings


@dataclass(frozen=True)
class EventsArea:
    pipelines: dict[str, ObjectPipeline]
    scheduled_tasks: dict[str, ScheduledTask]
    workers: dict[str, QueueWorker]


def build(config: Settings, context: PlatformContext, network: Vpc, ecs: EcsArea,
          opts: pulumi.ResourceOptions) -> EventsArea:
    # Tasks start once the cluster's capacity providers (FARGATE ones too) are associated, and on `pulumi destroy`
    # what starts them goes first.
    placement = {
        "context": context, "cluster_arn": ecs.cluster.arn, "cluster_name": ecs.cluster.name,
        "vpc_id": network.vpc_id, "subnet_ids": network.private_subnet_ids,
        "endpoints_security_group_id": network.endpoints_security_group_id, "depends_on": (ecs.capacity,),
    }
    pipelines = {
        p.name: ObjectPipeline(p.name, ObjectPipelineArgs(
            task=p.task, prefix=p.prefix, versioning=p.versioning, noncurrent_version_days=p.noncurrent_version_days,
            point_in_time_recovery=p.point_in_time_recovery, deletion_protection=p.deletion_protection,
            retry_attempts=p.retry_attempts, max_event_age=p.max_event_age, **placement), opts=opts)
        for p in config.pipelines
    }
    scheduled = {
        t.name: ScheduledTask(t.name, ScheduledTaskArgs(
            task=t.task, schedule=t.schedule, grants=t.grants, retry_attempts=t.retry_attempts,
            max_event_age=t.max_event_age, **placement), opts=opts)
        for t in config.scheduled_tasks
    }
    workers = {
        w.name: QueueWorker(w.name, QueueWorkerArgs(
            task=w.task, min_count=w.min_count, max_count=w.max_count, visibility_timeout=w.visibility_timeout,
            max_receive_count=w.max_receive_count, scale_out_steps=w.scale_out_steps,
            backlog_per_task=w.backlog_per_task, min_healthy_percent=w.min_healthy_percent,
            max_percent=w.max_percent, spot=w.spot, wait_for_steady_state=w.wait_for_steady_state, **placement),
            opts=opts)
        for w in config.workers
    }
    return EventsArea(pipelines=pipelines, scheduled_tasks=scheduled, workers=workers)
