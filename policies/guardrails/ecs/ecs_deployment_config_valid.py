"""Deploy-time validity: an ECS service's deployment settings must be accepted by AWS and let deployments finish.

A stack policy over every ``aws:ecs/service:Service``.

1. Launch type vs capacity providers: a service may set ``launchType`` or ``capacityProviderStrategies``, not both;
   AWS rejects the pair.

2. Rolling-update deadlock. During a rolling deployment of a service with N desired tasks, ECS keeps at least
   ``M = ceil(N * minimumHealthyPercent / 100)`` tasks RUNNING (the minimum is rounded up) and allows at most
   ``X = floor(N * maximumPercent / 100)`` tasks RUNNING or PENDING (the maximum is rounded down). It may stop old
   tasks while more than M remain and start new ones while fewer than X exist. Stopping old tasks can bring the
   count down to M, and then a new task can start only if M + 1 <= X. So:

       the deployment can make progress  <=>  floor(N * max / 100) > ceil(N * min / 100)
       it deadlocks (never starts a replacement)  <=>  floor(N * max / 100) <= ceil(N * min / 100)

   Example: N = 1, min 50, max 100: M = ceil(0.5) = 1 must stay, X = floor(1.0) = 1 may run, so the old task can
   be neither stopped nor joined by a new one. With X > M each round replaces at least one task, so the deployment
   completes. N = 0 has nothing to replace and is never a deadlock.

   Defaults when unset (REPLICA services): ``deploymentMinimumHealthyPercent`` 100, ``deploymentMaximumPercent``
   200. N is ``desiredCount`` when the service sets it; when an ``aws:appautoscaling/target:Target`` scales the
   service (its ``resourceId`` is computed from the service, or reads ``service/<cluster>/<service name>``), every
   count from its ``minCapacity`` to its ``maxCapacity`` is checked too, since the scaler sets ``desiredCount``
   anywhere in that range. A service with neither starts with no task and is not judged.

   The rule applies to the ECS rolling update only: services with a DAEMON scheduling strategy, a CODE_DEPLOY or
   EXTERNAL deployment controller, or a BLUE_GREEN, LINEAR or CANARY ``deploymentConfiguration.strategy`` are
   skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import by_type, declared
from guardrails.base import as_int, as_list, stack_policy
from guardrails.ecs._task import SCALING_TARGET, SERVICE, scaling_index, uses_rolling_update

DEFAULT_MINIMUM_HEALTHY_PERCENT = 100
DEFAULT_MAXIMUM_PERCENT = 200
MAX_COUNTS_CHECKED = 10_000


def keeps_running(count: int, minimum_percent: int) -> int:
    """Tasks a rolling deployment must keep RUNNING: ceil(count * minimum / 100)."""
    return -(-count * minimum_percent // 100)


def may_run(count: int, maximum_percent: int) -> int:
    """Tasks a rolling deployment may have RUNNING or PENDING: floor(count * maximum / 100)."""
    return count * maximum_percent // 100


def deadlocks(count: int, minimum_percent: int, maximum_percent: int) -> bool:
    """Whether a rolling deployment of ``count`` tasks can never start a replacement (see the module docstring)."""
    return count > 0 and may_run(count, maximum_percent) <= keeps_running(count, minimum_percent)


def _counts(service: PolicyResource, targets_of: Callable[[PolicyResource], list[PolicyResource]]
            ) -> Iterator[tuple[int, str]]:
    """(task count, where it comes from) for every count the service may be deployed at."""
    desired = as_int(declared(service, "desiredCount"))
    if desired is not None:
        yield desired, f"desiredCount {desired}"
    for target in targets_of(service):
        low, high = as_int(target.props.get("minCapacity")), as_int(target.props.get("maxCapacity"))
        if low is None:
            continue
        high = low if high is None or high < low else min(high, low + MAX_COUNTS_CHECKED)
        for count in range(low, high + 1):
            yield count, f'scaling target "{target.name}" ({low} to {high} tasks)'


def _percent(service: PolicyResource, prop: str, default: int) -> tuple[int, str]:
    value = as_int(declared(service, prop))
    return (default, f"{prop} {default} (default)") if value is None else (value, f"{prop} {value}")


def _check_launch(service: PolicyResource, report: ReportViolation) -> None:
    launch_type = declared(service, "launchType")
    strategies = as_list(declared(service, "capacityProviderStrategies"))
    if launch_type and strategies:
        report(
            f'service "{service.name}" sets both launchType "{launch_type}" and capacityProviderStrategies; AWS '
            "accepts only one of them: drop launchType to use the capacity provider strategy.",
            service.urn,
        )


def _check_deadlock(service: PolicyResource, targets_of: Callable[[PolicyResource], list[PolicyResource]],
                    report: ReportViolation) -> None:
    if declared(service, "schedulingStrategy") == "DAEMON" or not uses_rolling_update(partial(declared, service)):
        return
    minimum, minimum_text = _percent(service, "deploymentMinimumHealthyPercent", DEFAULT_MINIMUM_HEALTHY_PERCENT)
    maximum, maximum_text = _percent(service, "deploymentMaximumPercent", DEFAULT_MAXIMUM_PERCENT)
    for count, source in _counts(service, targets_of):
        if deadlocks(count, minimum, maximum):
            keep, allowed = keeps_running(count, minimum), may_run(count, maximum)
            report(
                f'service "{service.name}" cannot finish a rolling deployment at {count} task(s) ({source}): '
                f"{minimum_text} keeps ceil({count}*{minimum}/100) = {keep} running and {maximum_text} allows "
                f"floor({count}*{maximum}/100) = {allowed}, so no replacement task can start; raise "
                "deploymentMaximumPercent or lower deploymentMinimumHealthyPercent.",
                service.urn,
            )
            return


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    services = by_type(resources, SERVICE)
    if not services:
        args.not_applicable("no ECS service in the stack")
    for service in services:
        _check_launch(service, report)
    targets_of = scaling_index(by_type(resources, SCALING_TARGET))
    for service in services:
        _check_deadlock(service, targets_of, report)


POLICY = stack_policy(
    name="ecs-deployment-config-valid",
    description="ECS services use one launch mechanism and deployment percentages that let rolling updates finish.",
    service="ecs",
    severity=Severity.HIGH,
    remediation=(
        "Set either launch_type or capacity_provider_strategies on aws.ecs.Service, not both. Choose "
        "deployment_minimum_healthy_percent and deployment_maximum_percent so that floor(N*max/100) > "
        "ceil(N*min/100) for every task count N the service runs at (e.g. min 100 / max 200, or min 50 / max 200)."
    ),
    validate=check,
)
