"""What every list of Fargate tasks shares (pipelines, scheduled tasks, workers): their common keys and the checks
of a task's image, size and environment (reading an item, its name and its grants: ``settings.items``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from components.events.task import FARGATE_STOP_TIMEOUT, TaskSpec
from settings.items import IMAGE, REQUIRED, Item, check_environment, check_fargate_size

#: Keys every task item has: name → (type, default or REQUIRED, description).
TASK_KEYS: dict[str, tuple[str, Any, str]] = {
    "name": ("string", REQUIRED, "Name: lowercase letters, digits, hyphens."),
    "image": ("string", REQUIRED, "Image to run (a release tag or digest)."),
    "cpu": ("integer", 256, "Task CPU units (a Fargate size)."),
    "memory": ("integer", 512, "Task memory in MiB (valid with cpu on Fargate)."),
    "environment": ("object", {}, "Plain environment variables (no secrets)."),
    "readOnlyRootFilesystem": ("boolean", True, "Mount the container's root filesystem read-only."),
}


def task_spec(item: Item, stop_timeout: int | None = None) -> TaskSpec:
    """The container of a task item, checked: image, Fargate size, environment."""
    v = item.v
    if not IMAGE.fullmatch(v["image"]):
        raise item.bad("image", "must be an image reference (letters, digits and _ : . / # @ -, up to 255)")
    check_fargate_size(item)
    check_environment(item)
    if stop_timeout is not None and stop_timeout not in FARGATE_STOP_TIMEOUT:
        raise item.bad("stopTimeout", f"must be {FARGATE_STOP_TIMEOUT.start}..{FARGATE_STOP_TIMEOUT.stop - 1} seconds "
                                      f"(Fargate's limit)")
    return TaskSpec(image=v["image"], cpu=v["cpu"], memory=v["memory"], environment=dict(v["environment"]),
                    read_only_root_filesystem=v["readOnlyRootFilesystem"], stop_timeout=stop_timeout)


def reserved_environment(item: Item, reserved: Iterable[str]) -> None:
    if clash := sorted(set(item.v["environment"]) & set(reserved)):
        raise item.bad("environment", f"must not set {clash[0]} (set by the platform: {', '.join(reserved)})",
                       show_value=False)


