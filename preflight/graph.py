"""A picture of a stack (``--graph DIR``): what its resource graph shows, built from the recording
(``preflight.drawing`` writes it as Graphviz DOT and Mermaid).

Drawn from the recording: the component tree (``parent``) as nested boxes, and edges from what the program wired:

- traffic, bold: load balancer → listener → listener rule → target group → service;
- network, labelled with protocol and ports: one edge per security-group rule, from the group (or CIDR block) the
  traffic comes from to the one it goes to. Rules are edges, not boxes;
- use, dashed: every other property dependency between drawn resources, e.g. service → task definition → its task
  and execution roles, role → bucket, table, queue or file system its policy grants, rule → bucket it listens to.

What is drawn: network anchors (VPC, security groups), the load balancer's chain, clusters, services, task
definitions, Auto Scaling groups, EKS clusters and node groups, event rules, roles, KMS keys and data (buckets,
tables, queues, file systems and access points, repositories). What configures one of those is folded into it, its
edges with it: a role's policies and attachments and its instance profile; a bucket's settings; a queue's policies;
a file system's policies and mount targets; an event rule's targets; a service's scaling target, policies and
alarms; a launch template into the group or node group that uses it. Endpoints are counted, one box per component
("15 × VpcEndpoint"). The rest (subnets, routes, gateways, log groups, providers, ...) is left out and counted in
a comment: it would drown the picture and says nothing a reader of the component tree does not know. Values are
never shown, except the CIDR blocks of security-group rules (unknown or secret ones say so).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ROOT_TYPE = "pulumi:pulumi:Stack"

#: Drawn resource types and their kind (shape and colour).
DRAWN = {
    "aws:ec2/vpc:Vpc": "network",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:lb/loadBalancer:LoadBalancer": "traffic",
    "aws:lb/listener:Listener": "traffic",
    "aws:lb/listenerRule:ListenerRule": "traffic",
    "aws:lb/targetGroup:TargetGroup": "traffic",
    "aws:ecs/cluster:Cluster": "compute",
    "aws:ecs/service:Service": "compute",
    "aws:ecs/taskDefinition:TaskDefinition": "compute",
    "aws:autoscaling/group:Group": "compute",
    "aws:cloudwatch/eventRule:EventRule": "compute",
    "eks:index:Cluster": "compute",
    "eks:index:ManagedNodeGroup": "compute",
    "aws:eks/cluster:Cluster": "compute",
    "aws:eks/nodeGroup:NodeGroup": "compute",
    "aws:iam/role:Role": "iam",
    "aws:kms/key:Key": "iam",
    "aws:s3/bucket:Bucket": "data",
    "aws:s3/bucketV2:BucketV2": "data",
    "aws:dynamodb/table:Table": "data",
    "aws:sqs/queue:Queue": "data",
    "aws:efs/fileSystem:FileSystem": "data",
    "aws:efs/accessPoint:AccessPoint": "data",
    "aws:ecr/repository:Repository": "data",
}
#: Folded into the resource its property depends on.
FOLDED = {
    "aws:iam/rolePolicy:RolePolicy": "role",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
    "aws:iam/instanceProfile:InstanceProfile": "role",
    "aws:sqs/queuePolicy:QueuePolicy": "queueUrl",
    "aws:sqs/redrivePolicy:RedrivePolicy": "queueUrl",
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": "queueUrl",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "repository",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "repository",
    "aws:efs/backupPolicy:BackupPolicy": "fileSystemId",
    "aws:efs/fileSystemPolicy:FileSystemPolicy": "fileSystemId",
    "aws:efs/mountTarget:MountTarget": "fileSystemId",
    "aws:cloudwatch/eventTarget:EventTarget": "rule",
    "aws:appautoscaling/target:Target": "resourceId",
    "aws:appautoscaling/policy:Policy": "resourceId",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "alarmActions",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "clusterName",
    "aws:ecs/capacityProvider:CapacityProvider": "autoScalingGroupProvider",
    "aws:eks/addon:Addon": "clusterName",
}
#: Folded into the resource whose property depends on it.
FOLDED_INTO_USER = {"aws:ec2/launchTemplate:LaunchTemplate": "launchTemplate"}
#: Counted, one box per component.
COUNTED = {"aws:ec2/vpcEndpoint:VpcEndpoint"}
SG_RULES = {"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ingress",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "egress"}
#: Dependencies drawn against the flow of traffic: the edge goes from the dependency to the dependent.
REVERSED = {("aws:lb/listener:Listener", "loadBalancerArn"), ("aws:lb/listenerRule:ListenerRule", "listenerArn"),
            ("aws:ecs/service:Service", "loadBalancers")}
TRAFFIC = REVERSED | {("aws:lb/listenerRule:ListenerRule", "actions"), ("aws:lb/listener:Listener", "defaultActions")}
LABELS = {
    "taskRoleArn": "task role", "executionRoleArn": "execution role", "nodeRoleArn": "node role",
    "serviceRole": "cluster role", "roleArn": "role", "iamRoleArn": "role", "serviceAccountRoleArn": "IRSA role",
    "policy": "grants", "containerDefinitions": "env", "volumes": "volume", "eventPattern": "events",
    "deadLetterConfig": "dead letters", "redrivePolicy": "dead letters", "targetBucket": "access logs",
    "accessLogs": "access logs", "dimensions": "scales on", "encryptionConfigKeyArn": "secrets key",
    "capacityProviderStrategies": "capacity", "defaultCapacityProviderStrategies": "capacity",
    "ecsTarget": "runs", "arn": "target", "assumeRolePolicy": "trusts", "redriveAllowPolicy": "redrive from",
    "userData": "joins", "iamInstanceProfile": "instance role",
}
#: Labels by what an edge points at, whatever the property.
TARGET_LABELS = {"sg": "security group"}


@dataclass
class Node:
    id: str
    label: str
    kind: str
    cluster: str  # the component's URN, "" at the top level


@dataclass
class Graph:
    stack: str
    project: str
    nodes: dict[str, Node] = field(default_factory=dict)  # key → node (URN, counted group or CIDR)
    clusters: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # URN → (id, label, parent URN)
    edges: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)  # (from, to, style) → labels
    left_out: Counter = field(default_factory=Counter)  # type → how many are not drawn
    counts: Counter = field(default_factory=Counter)  # drawn, counted, rules, folded, components


def _short_type(type_: str) -> str:
    """``aws:lb/targetGroup:TargetGroup`` → ``lb TargetGroup``; ``eks:index:Cluster`` → ``eks Cluster``."""
    package, module, cls = (type_.split(":") + ["", ""])[:3]
    module = module.split("/")[0]
    return f"{package if module == 'index' else module} {cls}"


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_") or "n"


def _value_label(value: Any) -> str:
    if value == UNKNOWN:
        return "unknown CIDR"
    if isinstance(value, dict) and value.get(_SIG_KEY) == _SECRET_SIG:
        return "secret CIDR"
    return str(value)


def build(recording: Mapping[str, Any]) -> Graph:
    """The stack's graph from a recording (``preflight.record``; pass the one the pack saw, invented values
    concealed)."""
    resources = [r for r in recording.get("resources") or [] if r.get("type") != ROOT_TYPE]
    by_urn = {r["urn"]: r for r in resources}
    graph = Graph(stack=recording.get("stack", ""), project=recording.get("project", ""))
    graph.counts["resources"] = len(resources)

    def deps(res: Mapping[str, Any], prop: str) -> list[str]:
        return sorted(u for u in (res.get("propertyDependencies") or {}).get(prop) or [] if u in by_urn)

    # Where each resource ends up: itself (drawn), its host (folded), a counted group, or nowhere.
    users: dict[str, list[tuple[str, str]]] = {}
    for r in resources:
        for prop, urns in (r.get("propertyDependencies") or {}).items():
            for u in urns:
                users.setdefault(u, []).append((prop, r["urn"]))

    def host(urn: str, seen: frozenset = frozenset()) -> str | None:
        res = by_urn.get(urn)
        if res is None or urn in seen:
            return None
        type_ = res["type"]
        if type_ in DRAWN:
            return urn
        if type_ in COUNTED:
            return f"count:{res.get('parent') or ''}:{type_}"
        candidates: list[str] = []
        if type_ in FOLDED:
            candidates = deps(res, FOLDED[type_])
        elif type_.startswith("aws:s3/bucket"):  # a bucket's settings: versioning, encryption, policy, ...
            candidates = deps(res, "bucket")
        elif type_ in FOLDED_INTO_USER:
            candidates = sorted(u for p, u in users.get(urn, []) if p == FOLDED_INTO_USER[type_])
        # Prefer a resource of the same component (a scaling target names its service and the cluster).
        candidates.sort(key=lambda u: (by_urn[u].get("parent") != res.get("parent"), u))
        for c in candidates:
            found = host(c, seen | {urn})
            if found is not None:
                return found
        return None

    components = {r["urn"] for r in resources if not r.get("custom") and r["type"] not in DRAWN
                  and not r["type"].startswith("pulumi:providers:")}

    def cluster_of(urn: str) -> str:
        parent = by_urn.get(urn, {}).get("parent") or ""
        while parent and parent not in components:
            parent = by_urn.get(parent, {}).get("parent") or ""
        return parent

    used_ids: set[str] = set()

    def new_id(base: str) -> str:
        candidate, n = _ident(base), 2
        while candidate in used_ids:
            candidate, n = f"{_ident(base)}_{n}", n + 1
        used_ids.add(candidate)
        return candidate

    hosts = {r["urn"]: host(r["urn"]) for r in resources}
    counted: Counter = Counter()
    for r in sorted(resources, key=lambda r: r["urn"]):
        key = hosts[r["urn"]]
        if key is None:
            if r["urn"] in components:
                graph.counts["components"] += 1
            elif r["type"] in SG_RULES:
                graph.counts["rules"] += 1
            else:
                graph.left_out[r["type"]] += 1
            continue
        graph.counts["counted" if key.startswith("count:") else "drawn" if key == r["urn"] else "folded"] += 1
        if key.startswith("count:"):
            if key not in graph.nodes:
                graph.nodes[key] = Node(new_id(f"{r['type'].split(':')[-1]}_{by_urn.get(r['parent'], r)['name']}"),
                                        "", "network", cluster_of(r["urn"]))
            counted[key] += 1
            graph.nodes[key].label = f"{counted[key]} × {r['type'].split(':')[-1]}"
            continue
        if key == r["urn"]:
            kind = DRAWN[r["type"]]
            graph.nodes[key] = Node(new_id(f"{r['type'].split(':')[-1]}_{r['name']}"),
                                    f"{r['name']}\n{_short_type(r['type'])}", kind, cluster_of(r["urn"]))

    def add_edge(src: str, dst: str, style: str, label: str = "") -> None:
        if src == dst or src not in graph.nodes or dst not in graph.nodes:
            return
        graph.edges.setdefault((src, dst, style), set())
        if label:
            graph.edges[(src, dst, style)].add(label)

    def cidr_node(value: Any) -> str:
        label = _value_label(value)
        key = f"cidr:{label}"
        if key not in graph.nodes:
            graph.nodes[key] = Node(new_id(f"cidr_{label}"), label, "cidr", "")
        return key

    for r in sorted(resources, key=lambda r: r["urn"]):
        if r["type"] in SG_RULES:
            _rule_edge(r, deps, host, cidr_node, add_edge)
            continue
        src = hosts[r["urn"]]
        if src is None:
            continue
        for prop in sorted(r.get("propertyDependencies") or {}):
            for dep in deps(r, prop):
                dst = hosts.get(dep)
                if dst is None or by_urn[dep]["type"] == "aws:ec2/vpc:Vpc":
                    continue
                if (r["type"], prop) in TRAFFIC and r["urn"] == src:
                    a, b = (dst, src) if (r["type"], prop) in REVERSED else (src, dst)
                    add_edge(a, b, "traffic")
                else:
                    target = graph.nodes.get(dst)
                    label = TARGET_LABELS.get(target.kind, "") if target is not None else ""
                    if by_urn[dep]["type"] == "aws:ecr/repository:Repository" and prop == "containerDefinitions":
                        label = "image"
                    add_edge(src, dst, "use", label or LABELS.get(prop, ""))

    # Components that hold something drawn, with their ancestors.
    needed = {n.cluster for n in graph.nodes.values() if n.cluster}
    for urn in sorted(needed):
        while urn and urn not in graph.clusters:
            res = by_urn[urn]
            parent = cluster_of(urn)
            graph.clusters[urn] = (new_id(f"c_{res['name']}_{res['type'].split(':')[-1]}"),
                                   f"{res['name']} · {res['type'].split(':')[-1]}", parent)
            urn = parent
    return graph


def _port(value: Any) -> str | None:
    """A port as written (8080.0 → "8080"); "?" for a value not known here."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        return str(int(value))
    return "?"


def _rule_edge(r, deps, host, cidr_node, add_edge) -> None:
    """A security-group rule as an edge from where traffic comes from to where it goes."""
    inputs = r.get("inputs") or {}
    own = next((h for h in (host(u) for u in deps(r, "securityGroupId")) if h), None)
    if own is None:
        return
    other = next((h for h in (host(u) for u in deps(r, "referencedSecurityGroupId")) if h), None)
    if other is None:
        for key in ("cidrIpv4", "cidrIpv6", "prefixListId"):
            if key in inputs:
                other = cidr_node(inputs[key] if key != "prefixListId" else "prefix list")
                break
    if other is None:
        return
    protocol = inputs.get("ipProtocol")
    low, high = _port(inputs.get("fromPort")), _port(inputs.get("toPort"))
    if protocol in ("-1", -1, "all") or protocol is None:
        label = "all traffic"
    else:
        ports = "" if low is None else (low if low == high else f"{low}-{high}")
        label = f"{protocol if isinstance(protocol, str) and protocol != UNKNOWN else '?'} {ports}".strip()
    src, dst = (other, own) if SG_RULES[r["type"]] == "ingress" else (own, other)
    add_edge(src, dst, "network", label)
