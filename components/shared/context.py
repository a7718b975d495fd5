"""What every component needs to know about the environment it builds in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
    partition: str = "aws"
    """ARN partition of the region: aws, aws-cn, aws-us-gov, …"""
    tags: Mapping[str, str] = field(default_factory=dict, hash=False)
    """The stack's tags, for what the provider's default tags do not reach (launch template tag specifications)."""

    @property
    def log_group_prefix(self) -> str:
        """Where the stack's log groups are: ``/platform/<stack>/``."""
        return f"/platform/{self.stack}/"

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>`` in the stack's partition."""
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account_id if account else ''}:{resource}")

    def managed_policy(self, name: str) -> str:
        """The ARN of an AWS managed policy, e.g. ``service-role/AmazonEC2ContainerServiceforEC2Role``."""
        return f"arn:{self.partition}:iam::aws:policy/{name}"
