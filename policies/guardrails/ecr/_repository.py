"""Type tokens and small readers shared by the ECR policies."""

from __future__ import annotations

from typing import Any

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy"


def shown(value: Any) -> str:
    """A property value for a message: "not set", "true", "false" or the value."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)
