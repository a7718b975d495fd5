"""Update safety: an ECS service whose task count an autoscaler owns must leave ``desiredCount`` to it.

A stack policy over every ``aws:ecs/service:Service`` that an ``aws:appautoscaling/target:Target`` scales (its
``resourceId`` ``service/<cluster>/<service>`` computed from the service, or naming it; see ``_task.scales``). The
scaler changes the service's desired count in AWS; the program's ``desiredCount`` (or the provider's default of 0
when the program sets none) is only the count at creation. Unless the service's resource options list
``desiredCount`` in ``ignoreChanges``, every ``pulumi up`` sees the difference and sets the count back, scaling the
service in (or to zero) until the alarms fire again. The options come from the engine (``PolicyResource.opts``):
``ignoreChanges`` holds property paths, so ``desiredCount`` (or ``["desiredCount"]``, or ``*`` for every property)
counts. A DAEMON service runs one task per instance and has no desired count to protect.
"""

from __future__ import annotations

from collections.abc import Iterable

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared
from guardrails.base import as_int, stack_policy
from guardrails.ecs._task import SCALING_TARGET, SERVICE, scaling_index

_IGNORING_DESIRED_COUNT = {"desiredCount", '["desiredCount"]', "*"}


def ignores_desired_count(ignore_changes: Iterable[str] | None) -> bool:
    """Whether an ``ignoreChanges`` list keeps ``desiredCount`` out of updates."""
    return any(isinstance(path, str) and path.strip() in _IGNORING_DESIRED_COUNT for path in ignore_changes or ())


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    targets_of = scaling_index(by_type(resources, SCALING_TARGET))
    scaled = [(s, next(iter(targets_of(s)), None)) for s in by_type(resources, SERVICE)]
    scaled = [(s, t) for s, t in scaled if t is not None]
    if not scaled:
        args.not_applicable("no Application Auto Scaling target scales an ECS service's desired count")
    for service, target in scaled:
        if declared(service, "schedulingStrategy") == "DAEMON":
            continue
        if ignores_desired_count(service.opts.ignore_changes if service.opts else None):
            continue
        desired = as_int(declared(service, "desiredCount"))
        count = f"desiredCount {desired}" if desired is not None else "the provider's default desiredCount 0"
        report(
            f'service "{service.name}" is scaled by "{target.name}" but does not ignore changes to desiredCount: '
            f"every pulumi up resets the count the scaler chose to {count}; add ignore_changes=[\"desiredCount\"] "
            "to the service's resource options.",
            service.urn,
        )


POLICY = stack_policy(
    name="ecs-scaled-service-ignores-desired-count",
    description="ECS services scaled by Application Auto Scaling ignore changes to desiredCount.",
    service="ecs",
    severity=Severity.HIGH,
    remediation=(
        'Pass opts=pulumi.ResourceOptions(ignore_changes=["desiredCount"]) to every aws.ecs.Service that an '
        "aws.appautoscaling.Target scales, so that pulumi up leaves the scaler's count alone; desired_count then "
        "only sets the count at creation."
    ),
    validate=check,
)
