"""A platform stack as another project reads it: ``PlatformOutputs.from_stack_reference(ref)``.

Every output of the contract becomes a typed field (``pulumi.Output[str]``, ``pulumi.Output[list[str]]``,
``pulumi.Output[range]``, …). Before any of them resolves, the referenced stack's outputs are checked against the
contract (version, presence, shapes) and against what the reading project claims on the platform (its listener
rules, its workload names, its region and account); the first field used fails the run with every problem found,
each naming the stack reference and the output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from contract.outputs import ALWAYS, BY_NAME, OUTPUTS, VERSION
from contract.routing import hides


class ContractError(Exception):
    """The referenced stack does not give what the contract promises, or what the reading project needs."""


@dataclass(frozen=True)
class ListenerRule:
    """A rule the reading project attaches to the platform's listener."""

    priority: int
    """In ``reservedListenerPriorities``."""
    path: str
    """Path pattern, e.g. ``/orders/*``."""
    host: str | None = None
    """Host header condition; None matches any host."""


@dataclass(frozen=True)
class Claims:
    """What the reading project is about to put on the platform, checked against the referenced stack."""

    listener_rules: Sequence[ListenerRule] = ()
    """Its rules on ``albListenerArn``: in the reserved range, not hidden by the platform's rules, hiding none."""
    workload_names: Sequence[str] = ()
    """Names of its services: their log groups ``<logGroupPrefix><name>`` must not be the platform's."""
    region: str | None = None
    """The region it deploys to: the stack's ``region``."""
    account_id: str | None = None
    """The account it deploys to: the stack's ``accountId``."""
    endpoints: bool | None = None
    """Whether it expects interface endpoints (``endpointsSecurityGroupId``); None: no expectation."""


@dataclass(frozen=True)
class PlatformOutputs:
    """The contract's outputs as typed values (fields named after the outputs, snake_case); an output a stack may
    lack (``eks*``, ``endpointsSecurityGroupId``) resolves to None there."""

    reference: str
    contract_version: pulumi.Output[str]
    region: pulumi.Output[str]
    partition: pulumi.Output[str]
    account_id: pulumi.Output[str]
    vpc_id: pulumi.Output[str]
    vpc_cidr: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    endpoints_security_group_id: pulumi.Output[str | None]
    alb_arn: pulumi.Output[str]
    alb_dns_name: pulumi.Output[str]
    alb_zone_id: pulumi.Output[str]
    alb_security_group_id: pulumi.Output[str]
    alb_listener_arn: pulumi.Output[str]
    alb_listener_protocol: pulumi.Output[str]
    reserved_listener_priorities: pulumi.Output[range]
    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    capacity_provider_name: pulumi.Output[str]
    fargate_capacity_providers: pulumi.Output[list[str]]
    instance_security_group_id: pulumi.Output[str]
    exec_log_group_name: pulumi.Output[str]
    exec_log_group_arn: pulumi.Output[str]
    log_group_prefix: pulumi.Output[str]
    services: pulumi.Output[dict[str, dict[str, Any]]]
    repository_urls: pulumi.Output[dict[str, str]]
    file_system_ids: pulumi.Output[dict[str, str]]
    file_system_security_group_ids: pulumi.Output[dict[str, str]]
    access_point_ids: pulumi.Output[dict[str, dict[str, str]]]
    pipelines: pulumi.Output[dict[str, dict[str, str]]]
    scheduled_tasks: pulumi.Output[dict[str, dict[str, str]]]
    workers: pulumi.Output[dict[str, dict[str, str]]]
    eks_cluster_name: pulumi.Output[str | None]
    eks_cluster_endpoint: pulumi.Output[str | None]
    eks_oidc_provider_arn: pulumi.Output[str | None]
    eks_oidc_provider_url: pulumi.Output[str | None]
    eks_node_role_arn: pulumi.Output[str | None]
    eks_kubeconfig: pulumi.Output[str | None]
    """Secret."""

    @classmethod
    def from_stack_reference(cls, ref: pulumi.StackReference, claims: Claims | None = None) -> PlatformOutputs:
        """The outputs of the platform stack ``ref`` names (``<org>/container-platform/<stack>``), checked."""
        name = ref.pulumi_resource_name
        claims = claims or Claims()
        checked = ref.outputs.apply(lambda outputs: check(name, outputs or {}, claims))
        fields: dict[str, Any] = {}
        for spec in OUTPUTS:
            value = checked.apply(lambda values, key=spec.name: values.get(key))
            # The stack's outputs arrive as one value, secret when any output is: each keeps its own secrecy.
            fields[spec.attribute] = value if spec.secret else pulumi.Output.unsecret(value)
        return cls(reference=name, **fields)


def check(reference: str, outputs: Mapping[str, Any], claims: Claims) -> dict[str, Any]:
    """The outputs converted to their typed values; ``ContractError`` with one line per problem when the stack does
    not meet the contract or the claims."""
    where = f"stack reference {reference!r}"
    version = outputs.get("contractVersion")
    if version != VERSION:
        found = "no output 'contractVersion'" if version is None else f"contractVersion {version!r}"
        raise ContractError(f"{where} has {found}, and this code reads contract {VERSION}: use the release of "
                            "container-platform that matches the stack")
    required = {o.name for o in OUTPUTS if o.when == ALWAYS} | ({"endpointsSecurityGroupId"} if claims.endpoints
                                                               else set())
    problems = [f"{where} has no output {name!r}" for name in BY_NAME if name in required and name not in outputs]
    for name, value in outputs.items():
        spec = BY_NAME.get(name)
        if spec is not None:
            problems += [f"{where}: output {p}" for p in spec.shape.problems(value, name)]
    if not problems:
        problems = _claim_problems(where, outputs, claims)
    if problems:
        raise ContractError("\n".join(problems))
    values = {name: spec.shape.normalized(outputs[name]) if name in outputs else None for name, spec in BY_NAME.items()}
    priorities = values["reservedListenerPriorities"]
    values["reservedListenerPriorities"] = range(int(priorities["min"]), int(priorities["max"]) + 1)
    values["services"] = {k: {**v, "priority": int(v["priority"])} for k, v in values["services"].items()}
    return values


def _claim_problems(where: str, outputs: Mapping[str, Any], claims: Claims) -> list[str]:
    problems = []
    for key, claimed in (("region", claims.region), ("accountId", claims.account_id)):
        if claimed is not None and outputs[key] != claimed:
            problems.append(f"{where}: output {key} is {outputs[key]!r}, but this stack deploys to {claimed!r}")
    if claims.endpoints is False and "endpointsSecurityGroupId" in outputs:
        problems.append(f"{where} has output 'endpointsSecurityGroupId': the stack's interface endpoints take its "
                        "tasks' ECR and CloudWatch Logs calls (private DNS) and admit only the SGs added to them; "
                        "expect them (Claims.endpoints=True) and admit your tasks")
    span = outputs["reservedListenerPriorities"]
    low, high = int(span["min"]), int(span["max"])
    rules = {name: (int(s["priority"]), s["path"], s.get("host")) for name, s in outputs["services"].items()}
    for rule in claims.listener_rules:
        mine = f"listener rule {rule.priority} ({rule.path} on {rule.host or 'any host'})"
        if not low <= rule.priority <= high:
            problems.append(f"{where}: {mine} is outside output reservedListenerPriorities ({low}..{high})")
        for service, (priority, path, host) in sorted(rules.items()):
            theirs = f"services.{service} ({priority}: {path} on {host or 'any host'})"
            if priority < rule.priority and hides((path, host), (rule.path, rule.host)):
                problems.append(f"{where}: {mine} would get no traffic: output {theirs} takes it first")
            if rule.priority < priority and hides((rule.path, rule.host), (path, host)):
                problems.append(f"{where}: {mine} would take all traffic of output {theirs}")
    prefix = outputs["logGroupPrefix"]
    taken = {f"{kind}.{name}": name for kind in ("services", "pipelines", "scheduledTasks", "workers")
             for name in outputs[kind]}
    for name in claims.workload_names:
        for owner, other in sorted(taken.items()):
            if other == name:
                problems.append(f"{where}: workload name {name!r} is taken by output {owner}, which logs to "
                                f"{prefix}{name}: choose another")
    return problems


