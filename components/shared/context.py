"""What every component needs to know about the environment it builds in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformContext:
    stack: str
    """Stack (environment) name: dev, staging, prod."""
    region: str
    """AWS region the stack deploys to."""
    account_id: str
    """AWS account id, for ARNs and confused-deputy conditions."""
    log_retention_days: int
    """Retention of every log group."""
    protect: bool
    """Protect stateful resources from deletion."""
