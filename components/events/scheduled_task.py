"""A Fargate task EventBridge runs on a schedule (``cron(...)`` or ``rate(...)``), with exactly the grants it
declares. Everything but the trigger comes from ``RuleTaskBase``."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

from components.ecs.roles import Grant, grant_statements
from components.events.rule_task import AUTONAMED_CHILDREN, RuleTaskArgs, RuleTaskBase, Trigger

__all__ = ["AUTONAMED_CHILDREN", "SCHEDULE", "TYPE", "ScheduledTask", "ScheduledTaskArgs"]

TYPE = "platform:events:ScheduledTask"
#: EventBridge schedule expressions: rate(1 unit) / rate(N units), or cron with six fields.
_RATE = re.compile(r"rate\((?:1 (?:minute|hour|day)|(?:[2-9]|[1-9]\d+) (?:minutes|hours|days))\)")
_CRON = re.compile(r"cron\(\S+(?: \S+){5}\)")
SCHEDULE = "rate(N minutes|hours|days) (rate(1 minute|hour|day) for one) or cron(<six fields>)"


def valid_schedule(expression: str) -> bool:
    return bool(_RATE.fullmatch(expression) or _CRON.fullmatch(expression))


@dataclass(frozen=True)
class ScheduledTaskArgs(RuleTaskArgs):
    schedule: str = ""
    """When the task runs: cron(...) or rate(...) (UTC)."""
    grants: tuple[Grant, ...] = ()
    """What the task role may do."""


class ScheduledTask(RuleTaskBase):
    def __init__(self, name: str, args: ScheduledTaskArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if not valid_schedule(args.schedule):
            raise ValueError(f"ScheduledTask {name}: schedule must be {SCHEDULE} (got {args.schedule!r})")
        super().__init__(TYPE, name, args, opts)

    def _trigger(self, name: str, args: RuleTaskArgs) -> Trigger:
        assert isinstance(args, ScheduledTaskArgs)
        return Trigger(description=f"Runs {name} on {args.schedule}", schedule_expression=args.schedule,
                       statements=grant_statements(args.grants))
