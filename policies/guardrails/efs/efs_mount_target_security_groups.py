"""EFS mount targets admit NFS (TCP 2049) only from the security groups of the tasks and instances that mount their
file system, and every one of those reaches them.

A stack policy over property dependencies (see ``guardrails.efs._mounts``): a file system's mount targets and their
``securityGroups``; the task definitions whose EFS volumes name the file system; the services that run them and
their clients: the task security groups of an awsvpc (Fargate) service, or the container instances' security groups
(launch template of the Auto Scaling group behind the capacity provider) of a bridge-mode (EC2) service, which
mount for their tasks. Rules in every form count alike (``guardrails._sg``): standalone ``aws.vpc`` rules,
``aws.ec2.SecurityGroupRule`` resources and inline ``ingress``/``egress`` blocks.

- every ingress permission of a mount-target group is TCP 2049 exactly, from a client group of that file system: no
  CIDR, no prefix list, no other group, no other port;
- every client group is admitted on 2049 by a mount-target group of the file system, and has an egress rule on 2049
  to it (or to a CIDR containing the mount targets' subnets): otherwise the mount fails when the task starts.

Findings name the URN of the offending rule, group or service.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails._graph import deps, names, of_type
from guardrails._sg import CIDR, EGRESS, GROUP, INGRESS, PREFIX_LIST, Rules
from guardrails.base import stack_policy
from guardrails.efs._mounts import NFS_PORT, SECURITY_GROUP, SUBNET, Mounts, Workload


def _client_label(workload: Workload) -> str:
    return f"the {workload.kind} of ECS service '{workload.service.name}'"


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    mounts = Mounts(args.resources)
    if not mounts.file_systems:
        args.not_applicable("the stack has no EFS file system")
    rules = Rules(mounts.resources)
    workloads = mounts.workloads()
    seen: set[tuple[str, str]] = set()

    def finding(urn: str, message: str) -> None:
        if (urn, message) not in seen:
            seen.add((urn, message))
            report(message, urn)

    for fs in mounts.file_systems:
        targets = mounts.targets_of(fs)
        target_groups = of_type([g for t in targets for g in deps(t, "securityGroups")], SECURITY_GROUP)
        for target in targets:
            if not of_type(deps(target, "securityGroups"), SECURITY_GROUP):
                finding(target.urn, f"EFS mount target '{target.name}' names no security group of this stack "
                                    "(securityGroups), so who reaches it cannot be checked; give the mount targets "
                                    "their own security group.")
        clients = [w for w in workloads
                   if any(m.file_system is not None and m.file_system.urn == fs.urn
                          for m in mounts.mounts_of(w.task_definition))]
        allowed = {g.urn: g for w in clients for g in w.security_groups}
        for group in target_groups:
            _check_group(group, fs, allowed, rules, finding)
        target_subnets = of_type([s for t in targets for s in deps(t, "subnetId")], SUBNET)
        for workload in clients:
            _check_client(workload, fs, target_groups, target_subnets, rules, finding)


def _check_group(group: PolicyResource, fs: PolicyResource, allowed: dict[str, PolicyResource], rules: Rules,
                 finding) -> None:
    only = (f"only NFS (tcp {NFS_PORT}) from the groups of the tasks and instances that mount it "
            f"({names(allowed.values()) or 'none'}) may reach it")
    for permission in rules.of(group, INGRESS):
        where = f"{permission.where(group)} of the mount targets of EFS file system '{fs.name}'"
        if permission.peer.kind in (CIDR, PREFIX_LIST):
            finding(permission.urn, f"{where} admits {permission.describe()} from {permission.peer.text}; {only}.")
            continue
        peers = permission.peer_groups(rules.groups)
        strangers = [g for g in peers if g.urn not in allowed]
        outside = permission.outside_group(rules.groups)
        if strangers or outside:
            source = names(strangers) if strangers else repr(outside)
            finding(permission.urn, f"{where} admits {permission.describe()} from security group {source}, which "
                                    f"mounts nothing of this file system; {only}.")
        elif not permission.covers(NFS_PORT, NFS_PORT) or permission.all_traffic or \
                (permission.from_port, permission.to_port) != (NFS_PORT, NFS_PORT):
            finding(permission.urn, f"{where} admits {permission.describe()}; {only}.")


def _check_client(workload: Workload, fs: PolicyResource, target_groups: list[PolicyResource],
                  target_subnets: list[PolicyResource], rules: Rules, finding) -> None:
    label = _client_label(workload)
    service = workload.service
    if not workload.security_groups:
        finding(service.urn, f"no security group of this stack is known for {label}, which mount EFS file system "
                             f"'{fs.name}', so their NFS path cannot be checked; give them their own security group.")
        return
    if not target_groups:
        return  # reported on the mount targets
    clients = {g.urn for g in workload.security_groups}
    admitted = any(p.covers(NFS_PORT, NFS_PORT) and {g.urn for g in p.peer_groups(rules.groups)} & clients
                   for group in target_groups for p in rules.of(group, INGRESS))
    if not admitted:
        finding(service.urn, f"the mount targets of EFS file system '{fs.name}' (groups {names(target_groups)}) do "
                             f"not admit tcp {NFS_PORT} from {names(workload.security_groups)} of {label}, so the "
                             f"mount fails when a task starts; add an ingress rule on the mount targets' group "
                             f"referencing the clients' group.")
    targets = {g.urn for g in target_groups}
    outbound = [p for g in workload.security_groups for p in rules.of(g, EGRESS) if p.covers(NFS_PORT, NFS_PORT)]
    reaches = any(p.peer.kind == GROUP and {g.urn for g in p.peer_groups(rules.groups)} & targets for p in outbound) \
        or any(p.peer.kind == CIDR and p.peer.covers(target_subnets) for p in outbound)
    if not reaches:
        finding(service.urn, f"{names(workload.security_groups)} of {label} have no egress rule for tcp {NFS_PORT} "
                             f"to the mount targets of EFS file system '{fs.name}' (groups {names(target_groups)}), "
                             f"so the mount fails when a task starts; add an egress rule referencing the mount "
                             f"targets' group.")


POLICY = stack_policy(
    name="efs-mount-target-security-groups",
    description="EFS mount targets admit only TCP 2049, only from the security groups of the tasks (awsvpc) or "
                "container instances (bridge) that mount their file system, and each of those can reach them.",
    service="efs",
    severity=Severity.HIGH,
    remediation="Give the mount targets their own aws.ec2.SecurityGroup; for each client group (Fargate task group, "
                "or container instance group for EC2 services) add aws.vpc.SecurityGroupIngressRule on the mount "
                "targets' group (ip_protocol tcp, from_port/to_port 2049, referenced_security_group_id the client's "
                "group) and the matching aws.vpc.SecurityGroupEgressRule on the client's group; remove CIDR, other "
                "group and other port rules from the mount targets' group.",
    validate=check,
)
