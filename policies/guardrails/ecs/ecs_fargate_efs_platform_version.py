"""Fargate services that mount EFS run on platform version 1.4.0 or later.

A stack policy: an ``aws:ecs/service:Service`` on Fargate (launch type FARGATE, a FARGATE/FARGATE_SPOT capacity
provider, or a task definition that requires FARGATE) whose task definition has an EFS volume must leave
``platformVersion`` unset or LATEST, or pin 1.4.0 or later: Fargate supports EFS volumes from Linux platform version
1.4.0 on, and ECS refuses to place the tasks otherwise. A literal version that is not a version number is reported
too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import known
from guardrails.base import as_list, stack_policy
from guardrails.ecs._task import FARGATE_CAPACITY_PROVIDERS, requires_fargate
from guardrails.efs._mounts import Mounts

MINIMUM = (1, 4, 0)
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def _on_fargate(service: PolicyResource, task: PolicyResource) -> bool:
    """Launch type FARGATE, a FARGATE/FARGATE_SPOT capacity provider, or a task definition that requires FARGATE.
    Capacity provider names computed from other resources (EC2 capacity providers) are unknown in a preview and
    never name Fargate's."""
    if requires_fargate(task.props) or known(service.props, "launchType") == "FARGATE":
        return True
    strategies = as_list(known(service.props, "capacityProviderStrategies"))
    return any(isinstance(entry, Mapping) and known(entry, "capacityProvider") in FARGATE_CAPACITY_PROVIDERS
               for entry in (known(strategies, i) for i in range(len(strategies))))


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    mounts = Mounts(args.resources)
    workloads = mounts.workloads()
    if not workloads:
        args.not_applicable("no ECS service mounts an EFS volume")
    for workload in workloads:
        service = workload.service
        if not _on_fargate(service, workload.task_definition):
            continue
        version = known(service.props, "platformVersion")
        if version in (None, "", "LATEST"):
            continue
        found = _VERSION.fullmatch(str(version))
        if found and tuple(int(x) for x in found.groups()) >= MINIMUM:
            continue
        report(f"Fargate service '{service.name}' mounts EFS but pins platformVersion {version!r}; Fargate mounts "
               "EFS volumes from platform version 1.4.0 on: use LATEST (or leave it unset) or 1.4.0 or later.",
               service.urn)


POLICY = stack_policy(
    name="ecs-fargate-efs-platform-version",
    description="Fargate services whose tasks mount EFS run on platform version 1.4.0 or later (LATEST or unset).",
    service="ecs",
    severity=Severity.HIGH,
    remediation="Set platform_version=\"LATEST\" on aws.ecs.Service (or remove it), or pin \"1.4.0\" or later.",
    validate=check,
)
