"""Kubernetes on EKS: whether the stack has a cluster, its version, who administers it, how its API is reached, and
its managed node groups. Everything EKS would refuse is refused here, naming the key."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from settings import aws
from settings.general import MAX_TAGS
from settings.schema import PROJECT, ConfigError, Key, Reader, article, did_you_mean, has_type

#: EKS cluster names: 1..100 letters, digits, hyphens and underscores, starting with a letter or digit.
_VERSION = re.compile(r"1\.(0|[1-9][0-9]*)")
_NODE_GROUP = re.compile(r"[a-z][a-z0-9-]*")
#: EKS node group names have at most 63 characters; a name prefix gets 26 characters of unique suffix from the
#: provider (a timestamp and a counter), so the prefix "<name>-" leaves 36 for the name.
NODE_GROUP_NAME_MAX = 63 - 26 - len("-")
#: EKS allows up to 450 nodes in one managed node group.
MAX_NODES = 450
#: EKS accepts up to 40 CIDR blocks for the public endpoint.
MAX_PUBLIC_CIDRS = 40
#: Root volume sizes a gp3 volume accepts (GiB); AL2023 EKS AMIs need 20.
DISK_SIZES = range(20, 16385)


@dataclass(frozen=True)
class NodeGroupSettings:
    name: str
    instance_types: tuple[str, ...]
    min_size: int
    desired_size: int
    max_size: int
    disk_size: int
    spot: bool
    arm64: bool
    """Graviton instance types (the AL2023 arm64 AMI) rather than x86_64."""


@dataclass(frozen=True)
class EksSettings:
    enabled: bool
    cluster_name: str = ""
    version: str = ""
    admin_role_arn: str = ""
    public_access_cidrs: tuple[str, ...] = ()
    node_groups: tuple[NodeGroupSettings, ...] = ()


#: Node group spec keys: name → (type, default or REQUIRED, description). The README documents each one.
REQUIRED = object()
NODE_GROUP_KEYS: dict[str, tuple[str, Any, str]] = {
    "name": ("string", REQUIRED, f"Lowercase letters, digits, hyphens; up to {NODE_GROUP_NAME_MAX} characters."),
    "instanceTypes": ("array", REQUIRED, "EC2 instance types, all x86_64 or all Graviton (arm64)."),
    "minSize": ("integer", REQUIRED, f"Fewest nodes (0..{MAX_NODES})."),
    "desiredSize": ("integer", REQUIRED, "Nodes at creation and after each update (minSize..maxSize)."),
    "maxSize": ("integer", REQUIRED, f"Most nodes (1..{MAX_NODES})."),
    "diskSize": ("integer", 50, f"Encrypted gp3 root volume in GiB ({DISK_SIZES.start}..{DISK_SIZES.stop - 1})."),
    "spot": ("boolean", False, "Run on Spot capacity."),
}


def _public_cidrs(v: list[Any]) -> str | None:
    for item in v:
        try:
            net = ipaddress.ip_network(item, strict=True)
        except (TypeError, ValueError):
            return f"must be a list of IPv4 CIDR blocks ({item!r} is not one)"
        if net.version != 4:
            return f"must be a list of IPv4 CIDR blocks ({item!r} is not one)"
        if net.prefixlen == 0:
            return "must name the networks that may reach the public endpoint, not 0.0.0.0/0 (leave it empty to " \
                   "turn the public endpoint off)"
    if len(v) > MAX_PUBLIC_CIDRS:
        return f"must have at most {MAX_PUBLIC_CIDRS} CIDR blocks (EKS's limit)"
    return None


def _version(v: str) -> str | None:
    return None if _VERSION.fullmatch(v) else "must be a Kubernetes minor version such as 1.35"


KEYS: tuple[Key, ...] = (
    Key("eksEnabled", "boolean", False, "Run an EKS cluster with managed node groups in the VPC's private subnets."),
    Key("eksVersion", "string", "1.35",
        "Kubernetes version of the cluster and its nodes; raise it one minor version per update.", _version),
    Key("eksAdminRoleArn", "string", "",
        "IAM role given the cluster admin access policy (an access entry); required with eksEnabled."),
    Key("eksPublicAccessCidrs", "array", [],
        "IPv4 CIDR blocks that may reach the cluster's public API endpoint; empty turns the public endpoint off.",
        _public_cidrs, items="string"),
    Key("eksNodeGroups", "array", [], "The cluster's managed node groups (see README: node group spec).",
        items="object"),
)


def read(reader: Reader, v: Mapping[str, Any], partition: str) -> EksSettings:
    if not v["eksEnabled"]:
        return EksSettings(enabled=False)
    admin = v["eksAdminRoleArn"]
    role_arn = re.compile(rf"arn:{re.escape(partition)}:iam::\d{{12}}:role/([\w+=,.@-]+/)*[\w+=,.@-]{{1,64}}")
    if not admin:
        raise reader.fail(f"{PROJECT}:eksAdminRoleArn", f"must be set when {PROJECT}:eksEnabled is true (the IAM "
                          "role that administers the cluster)", show_value=False)
    if not role_arn.fullmatch(admin):
        raise reader.fail(f"{PROJECT}:eksAdminRoleArn",
                          f"must be the ARN of an IAM role in partition {partition} (arn:{partition}:iam::<account>:"
                          "role/<name>)", admin)
    if len(v["tags"]) > MAX_TAGS - 1:
        raise reader.fail(f"{PROJECT}:tags", f"must have at most {MAX_TAGS - 1} tags when {PROJECT}:eksEnabled is "
                          "true: private subnets also carry a Kubernetes load balancer tag (AWS allows 50 per "
                          "resource)", show_value=False)
    groups = tuple(_node_group(reader, i, item) for i, item in enumerate(v["eksNodeGroups"]))
    where = f"{PROJECT}:eksNodeGroups"
    if not groups:
        raise reader.fail(where, f"must list at least one node group when {PROJECT}:eksEnabled is true", [])
    names = [g.name for g in groups]
    if dup := next((n for n in names if names.count(n) > 1), None):
        raise reader.fail(where, f"must have unique names ({dup} appears twice)", show_value=False)
    # Stack names are up to 32 lowercase letters, digits and hyphens: well within EKS's 100 characters.
    return EksSettings(enabled=True, cluster_name=f"{PROJECT}-{reader.stack}", version=v["eksVersion"],
                       admin_role_arn=admin, public_access_cidrs=tuple(v["eksPublicAccessCidrs"]), node_groups=groups)


def _node_group(reader: Reader, index: int, item: Any) -> NodeGroupSettings:
    where = f"{PROJECT}:eksNodeGroups[{index}]"
    if not isinstance(item, dict):
        raise reader.fail(where, "must be a mapping of node group keys", item)
    if isinstance(item.get("name"), str):
        where = f"{PROJECT}:eksNodeGroups[{item['name']}]"
    for key in item:
        if key not in NODE_GROUP_KEYS:
            raise ConfigError(f"{reader.file}: unknown key {where}.{key}{did_you_mean(key, NODE_GROUP_KEYS)}")
    v: dict[str, Any] = {}
    for key, (type_name, default, _) in NODE_GROUP_KEYS.items():
        if key not in item:
            if default is REQUIRED:
                raise ConfigError(f"{reader.file}: {where}.{key} is required")
            v[key] = default
        elif not has_type(item[key], type_name):
            raise reader.fail(f"{where}.{key}", f"must be {article(type_name)}", item[key])
        else:
            v[key] = item[key]

    def bad(key: str, message: str) -> ConfigError:
        return reader.fail(f"{where}.{key}", message, v[key])

    if not _NODE_GROUP.fullmatch(v["name"]) or len(v["name"]) > NODE_GROUP_NAME_MAX:
        raise bad("name", f"must be lowercase letters, digits and hyphens, starting with a letter, up to "
                          f"{NODE_GROUP_NAME_MAX} characters (EKS's 63 less the provider's unique suffix)")
    types = v["instanceTypes"]
    if not types or len(set(types)) != len(types):
        raise bad("instanceTypes", "must list one or more distinct EC2 instance types")
    for instance_type in types:
        if not isinstance(instance_type, str) or instance_type not in aws.instance_types():
            hint = did_you_mean(instance_type, aws.instance_types()) if isinstance(instance_type, str) else ""
            raise bad("instanceTypes", f"must list EC2 instance types ({instance_type!r} is not one{hint})")
    arm64 = {aws.is_arm64(t) for t in types}
    if len(arm64) > 1:
        raise bad("instanceTypes", "must be all x86_64 or all Graviton (arm64): a node group runs one AMI")
    if not 0 <= v["minSize"] <= MAX_NODES:
        raise bad("minSize", f"must be 0..{MAX_NODES}")
    if not 1 <= v["maxSize"] <= MAX_NODES:
        raise bad("maxSize", f"must be 1..{MAX_NODES} (EKS's limit per managed node group)")
    if v["minSize"] > v["maxSize"]:
        raise bad("minSize", f"must not exceed maxSize ({v['maxSize']})")
    if not v["minSize"] <= v["desiredSize"] <= v["maxSize"]:
        raise bad("desiredSize", f"must be between minSize ({v['minSize']}) and maxSize ({v['maxSize']})")
    if v["diskSize"] not in DISK_SIZES:
        raise bad("diskSize", f"must be {DISK_SIZES.start}..{DISK_SIZES.stop - 1} GiB")
    return NodeGroupSettings(name=v["name"], instance_types=tuple(types), min_size=v["minSize"],
                             desired_size=v["desiredSize"], max_size=v["maxSize"], disk_size=v["diskSize"],
                             spot=v["spot"], arm64=arm64 == {True})
