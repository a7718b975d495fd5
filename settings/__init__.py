"""The stack's configuration, read once into frozen, typed settings.

Every key of the project's namespace is declared in one area module (``network``, ``alb``, ``capacity``,
``services``, ``general``, ``storage``, ``events``, ``workers``, ``eks``) with its type, default, description and
check, and in ``Pulumi.yaml`` (a test keeps the two equal). A bad value raises ``ConfigError`` with one message that
names the stack file, the key and what is allowed, e.g. ``Pulumi.prod.yaml: container-platform:azCount must be
2..6 (got 1)``. ``__main__.py`` turns it into ``pulumi.RunError`` before any resource is registered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from components.ecs.roles import Grant
from components.ecs.service import rolling_update_deadlocks
from settings import alb, aws, capacity, eks, events, general, network, services, storage, workers
from settings.alb import AlbSettings
from settings.capacity import CapacitySettings
from settings.eks import EksSettings, NodeGroupSettings
from settings.events import PipelineSettings, ScheduledTaskSettings
from settings.items import names_distinct_across
from settings.network import NetworkSettings
from settings.schema import PROJECT, SECRET_UNKNOWN, TYPES, ConfigError, Key, Reader
from settings.services import ServiceSettings
from settings.storage import StorageSettings
from settings.workers import WorkerSettings

__all__ = [
    "PROJECT", "SCHEMA", "SECRET_UNKNOWN", "TYPES", "AlbSettings", "CapacitySettings", "ConfigError", "EksSettings",
    "Grant", "Key", "NetworkSettings", "NodeGroupSettings", "PipelineSettings", "ScheduledTaskSettings",
    "ServiceSettings", "Settings", "StorageSettings", "WorkerSettings", "load", "raw_config",
    "rolling_update_deadlocks",
]


@dataclass(frozen=True)
class Settings:
    stack: str
    region: str
    partition: str
    network: NetworkSettings
    log_retention_days: int
    protect: bool
    tags: Mapping[str, str]
    alb: AlbSettings
    capacity: CapacitySettings
    services: tuple[ServiceSettings, ...]
    eks: EksSettings
    storage: StorageSettings
    pipelines: tuple[PipelineSettings, ...] = ()
    scheduled_tasks: tuple[ScheduledTaskSettings, ...] = ()
    workers: tuple[WorkerSettings, ...] = ()


#: Stack names become part of physical names (ECR repositories ``<stack>/<service>`` take lowercase only, task
#: families ``<stack>-<service>``, log groups ``/platform/<stack>/…``).
_STACK_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")

#: Every key of the project's namespace, area by area.
SCHEMA: tuple[Key, ...] = (*network.KEYS, *general.KEYS, *alb.KEYS, *capacity.KEYS, *services.KEYS,
                           *storage.KEYS, *events.KEYS, *workers.KEYS, *eks.KEYS)


def load(stack: str, raw: Mapping[str, str]) -> Settings:
    """Validate the stack's raw config (``namespace:key`` → string) and build the settings."""
    reader = Reader(stack, raw)
    if not _STACK_NAME.fullmatch(stack):
        raise ConfigError(f"{reader.file}: the stack name {stack!r} must be lowercase letters, digits and hyphens, "
                          f"starting with a letter, up to 32 characters: it becomes part of repository, task family "
                          f"and log group names")
    reader.unknown_keys(SCHEMA)
    region = raw.get("aws:region", "")
    partition = aws.partition_of(region)
    if partition is None:
        raise reader.fail("aws:region", "must be set to an AWS region such as eu-west-1 (one botocore knows)",
                          region or None)
    v = {k.name: reader.parse(k) for k in SCHEMA}
    service_settings = services.read(reader, v, partition)
    config = Settings(
        stack=stack, region=region, partition=partition, network=network.read(v),
        log_retention_days=v["logRetentionDays"], protect=v["protect"], tags=dict(v["tags"]),
        alb=alb.read(reader, v, region, partition), capacity=capacity.read(reader, v),
        services=service_settings, storage=storage.read(reader, v, service_settings),
        eks=eks.read(reader, v, partition),
        pipelines=events.read_pipelines(reader, v), scheduled_tasks=events.read_scheduled_tasks(reader, v, partition),
        workers=workers.read(reader, v),
    )
    # Their log groups (/platform/<stack>/<name>) and task families (<stack>-<name>) share one namespace.
    names_distinct_across(reader, {"services": [x.name for x in config.services],
                                   events.PIPELINES: [x.name for x in config.pipelines],
                                   events.SCHEDULED_TASKS: [x.name for x in config.scheduled_tasks],
                                   workers.WORKERS: [x.name for x in config.workers]})
    return config


def raw_config() -> dict[str, str]:
    """Every config value the engine handed the program (``namespace:key`` → string).

    ``pulumi.Config`` only answers for keys it is asked about; rejecting typos needs the whole map, which the SDK
    keeps in its runtime config (values set in-process) and the ``PULUMI_CONFIG`` environment variable.
    """
    from pulumi.runtime import config as runtime_config

    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
