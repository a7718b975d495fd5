"""The services the platform runs: one spec per service in ``container-platform:services``, and the rolling-update
defaults they share. Every value ECS, ELB, ECR or IAM would refuse is refused here, naming the key. Repositories
and file systems are declared in ``settings.storage``, which checks the references to them."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from components.ecs.roles import Grant
from components.ecs.service import AUTONAMED_CHILDREN, rolling_update_deadlocks
from components.lb.alb import CATCH_ALL_RULE_PRIORITIES, PLATFORM_RULE_PRIORITIES, SHARED_RULE_PRIORITIES
from components.network.egress import HTTPS_ANYWHERE, EgressRule
from contract.routing import hides
from settings import aws, items
from settings.items import (
    IMAGE,
    REQUIRED,
    Item,
    check_environment,
    check_fargate_size,
    check_name,
    grants,
    unique_names,
)
from settings.schema import PROJECT, ConfigError, Key, Reader, between, did_you_mean, has_type
from settings.storage import VolumeSettings, parse_volumes

SERVICES = "services"
LAUNCH_TYPES = ("ec2", "fargate")
#: Tags that name a moving target rather than one build: an immutable repository accepts each tag once, so a
#: second push of "latest" is refused. Releases use a unique tag (a version or a commit id).
MOVING_TAGS = frozenset({"latest", "dev", "develop", "development", "test", "qa", "stage", "staging", "prod",
                         "production", "main", "master", "stable", "edge", "nightly", "release", "current"})
_IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
#: ELB path-pattern conditions: up to 128 of these characters (* and ? are wildcards).
_PATH = re.compile(r"/[A-Za-z0-9_\-.$/~\"'@:+&*?]{0,127}")
#: ELB host-header conditions: up to 128 characters, at least one ".", only letters after the last one.
_HOST = re.compile(r"(?=.{1,128}$)[A-Za-z0-9\-.*?]*\.[A-Za-z*?]+")
_SG_ID = re.compile(r"sg-([0-9a-f]{8}|[0-9a-f]{17})")
_PREFIX_LIST_ID = re.compile(r"pl-([0-9a-f]{8}|[0-9a-f]{17})")


@dataclass(frozen=True)
class ServiceSettings:
    name: str
    launch_type: str
    image: str | None
    image_tag: str | None
    priority: int
    cpu: int
    memory: int
    port: int
    path: str
    host: str | None
    health_check_path: str
    desired_count: int
    min_count: int
    max_count: int
    cpu_target: int
    min_healthy_percent: int
    max_percent: int
    spot: bool
    read_only_root_filesystem: bool
    enable_execute_command: bool = False
    wait_for_steady_state: bool = False
    environment: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)
    secrets_kms_keys: tuple[str, ...] = ()
    grants: tuple[Grant, ...] = ()
    egress: tuple[EgressRule, ...] = ()
    repository: str | None = None
    volumes: tuple[VolumeSettings, ...] = ()


KEYS: tuple[Key, ...] = (
    Key("minHealthyPercent", "integer", 50, "Default rolling-update minimum healthy percent (0..100).",
        between(0, 100)),
    Key("maxPercent", "integer", 100, "Default rolling-update maximum percent (100..200).", between(100, 200)),
    Key("waitForSteadyState", "boolean", False,
        "Make `pulumi up` wait for every deployment to finish, and fail when the circuit breaker rolls one back."),
    Key("services", "array", [], "The services the platform runs (see README: service spec).", items="object"),
)

#: Service spec keys: name → (type, default or REQUIRED, description). The README documents each one.
SERVICE_KEYS: dict[str, tuple[str, Any, str]] = {
    "name": ("string", REQUIRED, "Service name: lowercase letters, digits, hyphens; up to 21 characters."),
    "launchType": ("string", REQUIRED, "ec2 (bridge mode, dynamic host ports) or fargate (awsvpc, one ENI per task)."),
    "image": ("string", None, "Image to run from another registry; absent means repository at imageTag."),
    "repository": ("string", None, "One of container-platform:repositories the image comes from (without image)."),
    "imageTag": ("string", None, "Release tag in repository (required with it)."),
    "priority": ("integer", REQUIRED, "Listener rule priority, unique per stack (1..999, a catch-all 49000..50000; "
                                      "lower is evaluated first)."),
    "cpu": ("integer", 256, "Task CPU units (Fargate needs a valid cpu/memory pair)."),
    "memory": ("integer", 512, "Task memory in MiB."),
    "port": ("integer", 8080, "Container port the load balancer forwards to."),
    "path": ("string", REQUIRED, "Listener rule path pattern, e.g. /api/*."),
    "host": ("string", None, "Optional listener rule host header, e.g. api.example.com."),
    "healthCheckPath": ("string", "/", "Target group health check path."),
    "desiredCount": ("integer", 2, "Tasks at creation; the scaler owns the count afterwards."),
    "minCount": ("integer", 2, "Scaling minimum."),
    "maxCount": ("integer", 4, "Scaling maximum."),
    "cpuTarget": ("integer", 60, "Target average CPU utilisation in percent for scaling (10..90)."),
    "minHealthyPercent": ("integer", None, "Rolling update minimum healthy percent (default: the stack's)."),
    "maxPercent": ("integer", None, "Rolling update maximum percent (default: the stack's)."),
    "spot": ("boolean", False, "Fargate only: run on Fargate Spot."),
    "readOnlyRootFilesystem": ("boolean", True, "Mount the container's root filesystem read-only."),
    "enableExecuteCommand": ("boolean", False, "Allow ECS Exec sessions into the tasks (logged to the cluster's "
                                               "exec log group)."),
    "environment": ("object", {}, "Plain environment variables (no secrets: use secrets)."),
    "secrets": ("object", {}, "Environment variable name to SSM parameter or Secrets Manager ARN."),
    "secretsKmsKeys": ("array", [], "Customer-managed KMS keys (key ARNs) that encrypt the secrets."),
    "grants": ("array", [], "What the task role may do: [{kind: s3-read|s3-write|sqs-consume|sqs-send|"
                            "dynamodb-read|dynamodb-write, arn: <resource ARN>}]."),
    "egress": ("array", [], "Extra outbound rules: [{port | fromPort+toPort, protocol: tcp|udp, cidr | "
                            "securityGroupId | prefixListId, description}]; HTTPS to anywhere is always there."),
    "volumes": ("array", [], "EFS mounts: [{fileSystem, accessPoint, containerPath, readOnly}]."),
}


def read(reader: Reader, v: Mapping[str, Any], partition: str) -> tuple[ServiceSettings, ...]:
    services = tuple(_service(reader, i, item, v, partition) for i, item in enumerate(v[SERVICES]))
    unique_names(reader, SERVICES, [s.name for s in services])
    _check_routing(reader, services)
    return services


# ---- one service ----------------------------------------------------------------------------------------------


def _service(reader: Reader, index: int, item: Any, stack_values: Mapping[str, Any],
             partition: str) -> ServiceSettings:
    s = Item(reader, SERVICES, index, item, SERVICE_KEYS)
    v, bad = s.v, s.bad
    name = check_name(s, AUTONAMED_CHILDREN)
    if v["launchType"] not in LAUNCH_TYPES:
        raise bad("launchType", f"must be one of {', '.join(LAUNCH_TYPES)}")
    _check_image(s)
    if v["priority"] not in PLATFORM_RULE_PRIORITIES and v["priority"] not in CATCH_ALL_RULE_PRIORITIES:
        raise bad("priority", f"must be {_span(PLATFORM_RULE_PRIORITIES)}, or {_span(CATCH_ALL_RULE_PRIORITIES)} for a "
                              f"catch-all ({_span(SHARED_RULE_PRIORITIES)} are left to other projects)")
    if v["priority"] in PLATFORM_RULE_PRIORITIES and v["host"] is None and _catch_all(v["path"]):
        raise bad("priority", f"must be {_span(CATCH_ALL_RULE_PRIORITIES)} for a catch-all (path {v['path']!r} on any "
                              f"host): after the rules other projects attach ({_span(SHARED_RULE_PRIORITIES)}), whose "
                              f"traffic it would otherwise take")
    if not 1 <= v["port"] <= 65535:
        raise bad("port", "must be 1..65535")
    if not _PATH.fullmatch(v["path"]):
        raise bad("path", "must start with / and have at most 128 characters: letters, digits and _ - . $ / ~ \" ' "
                          "@ : + & * ?")
    if v["host"] is not None and not _HOST.fullmatch(v["host"]):
        raise bad("host", "must be a host name of at most 128 characters (letters, digits, - . * ?) with at least "
                          "one \".\" and only letters after the last one")
    if not v["healthCheckPath"].startswith("/") or len(v["healthCheckPath"]) > 1024:
        raise bad("healthCheckPath", "must start with / and have at most 1024 characters")
    _check_size(s)
    if not 10 <= v["cpuTarget"] <= 90:
        raise bad("cpuTarget", "must be 10..90")
    if not 1 <= v["minCount"] <= v["maxCount"]:
        raise bad("minCount", f"must be 1..maxCount ({v['maxCount']})")
    if not v["minCount"] <= v["desiredCount"] <= v["maxCount"]:
        raise bad("desiredCount", f"must be between minCount ({v['minCount']}) and maxCount ({v['maxCount']})")
    if v["spot"] and v["launchType"] != "fargate":
        raise bad("spot", "is only for fargate services")
    if v["enableExecuteCommand"] and v["readOnlyRootFilesystem"]:
        raise bad("enableExecuteCommand", "needs readOnlyRootFilesystem: false (the SSM agent ECS Exec runs in the "
                                          "container writes to its filesystem)")
    for key in ("environment", "secrets"):
        check_environment(s, key)
    secret_arn = aws.arn_pattern(partition, "(ssm|secretsmanager)")
    for env, arn in v["secrets"].items():
        if not secret_arn.fullmatch(arn):
            # The value may be a secret itself (a connection string pasted in by mistake): never show it.
            raise reader.fail(f"{s.where}.secrets.{env}",
                              f"must be the ARN of an SSM parameter or a Secrets Manager secret in partition "
                              f"{partition} (the value is not shown: it may be a secret)", show_value=False)
    if clash := sorted(set(v["environment"]) & set(v["secrets"])):
        raise bad("environment", f"must not repeat a secret's name ({clash[0]})", show_value=False)
    kms_key = aws.arn_pattern(partition, "kms", r"key/[0-9a-f-]{36}|key/mrk-[0-9a-f]{32}")
    for i, arn in enumerate(v["secretsKmsKeys"]):
        if not isinstance(arn, str) or not kms_key.fullmatch(arn):
            raise reader.fail(f"{s.where}.secretsKmsKeys[{i}]", f"must be the ARN of a KMS key in partition "
                              f"{partition} (key/<id>; aliases do not work in IAM policies)", arn)
    if v["secretsKmsKeys"] and not v["secrets"]:
        raise bad("secretsKmsKeys", "is only needed with secrets")

    min_healthy = v["minHealthyPercent"] if v["minHealthyPercent"] is not None else stack_values["minHealthyPercent"]
    max_percent = v["maxPercent"] if v["maxPercent"] is not None else stack_values["maxPercent"]
    _check_rolling_update(s, v["minCount"], min_healthy, max_percent)
    return ServiceSettings(
        name=name, launch_type=v["launchType"], image=v["image"], image_tag=v["imageTag"], priority=v["priority"],
        cpu=v["cpu"], memory=v["memory"], port=v["port"], path=v["path"], host=v["host"],
        health_check_path=v["healthCheckPath"], desired_count=v["desiredCount"], min_count=v["minCount"],
        max_count=v["maxCount"], cpu_target=v["cpuTarget"], min_healthy_percent=min_healthy,
        max_percent=max_percent, spot=v["spot"], read_only_root_filesystem=v["readOnlyRootFilesystem"],
        enable_execute_command=v["enableExecuteCommand"], wait_for_steady_state=stack_values["waitForSteadyState"],
        environment=dict(v["environment"]), secrets=dict(v["secrets"]),
        secrets_kms_keys=tuple(v["secretsKmsKeys"]), grants=grants(s, partition), egress=_egress(s),
        repository=v["repository"], volumes=parse_volumes(reader, s.where, v["volumes"]),
    )


def max_name_length() -> int:
    """The longest service name whose auto-named children all fit AWS's name limits."""
    return items.max_name_length(AUTONAMED_CHILDREN)


def _check_image(s: Item) -> None:
    v = s.v
    if v["image"] is not None:
        if not IMAGE.fullmatch(v["image"]):
            raise s.bad("image", "must be an image reference (letters, digits and _ : . / # @ -, up to 255)")
        if v["repository"] is not None:
            raise s.bad("repository", "is only for services without image; the image comes from one or the other")
        if v["imageTag"] is not None:
            raise s.bad("imageTag", "is only for an image from repository; put the tag in image")
        return
    if v["repository"] is None:
        raise ConfigError(f"{s.reader.file}: {s.where} needs image, or repository (one of {PROJECT}:repositories) "
                          f"with imageTag")
    tag = v["imageTag"]
    if tag is None:
        raise ConfigError(f"{s.reader.file}: {s.where}.imageTag is required with repository (the release to run)")
    if not _IMAGE_TAG.fullmatch(tag):
        raise s.bad("imageTag", "must be an image tag: up to 128 letters, digits, _ . -, not starting with . or -")
    if tag.lower() in MOVING_TAGS or tag == s.reader.stack:
        raise s.bad("imageTag", "must name one release (e.g. 1.4.2 or a commit id): the repository's tags are "
                                "immutable, so a moving tag such as latest can be pushed only once")


def _check_size(s: Item) -> None:
    v = s.v
    cpu, memory = v["cpu"], v["memory"]
    if v["launchType"] == "fargate":
        check_fargate_size(s)
        return
    if not 128 <= cpu <= 196608:
        raise s.bad("cpu", "must be 128..196608 CPU units")
    if not 128 <= memory <= 1048576:
        raise s.bad("memory", "must be 128..1048576 MiB")


_EGRESS_KEYS = {"port", "fromPort", "toPort", "protocol", "cidr", "securityGroupId", "prefixListId", "description"}


def _egress(s: Item) -> tuple[EgressRule, ...]:
    rules: list[EgressRule] = []
    for i, item in enumerate(s.v["egress"]):
        where = f"{s.where}.egress[{i}]"
        if not isinstance(item, dict):
            raise s.reader.fail(where, "must be a mapping", item)
        if unknown := sorted(set(item) - _EGRESS_KEYS):
            raise ConfigError(f"{s.reader.file}: unknown key {where}.{unknown[0]}"
                              f"{did_you_mean(unknown[0], _EGRESS_KEYS)}")
        protocol = item.get("protocol", "tcp")
        if protocol not in ("tcp", "udp"):
            raise s.reader.fail(f"{where}.protocol", "must be tcp or udp (every rule names its ports)", protocol)
        if "port" in item:
            if "fromPort" in item or "toPort" in item:
                raise s.reader.fail(where, "must give port, or fromPort and toPort, not both", item)
            low = high = item["port"]
        elif "fromPort" in item and "toPort" in item:
            low, high = item["fromPort"], item["toPort"]
        else:
            raise s.reader.fail(where, "must give its port (port, or fromPort and toPort)", item)
        if not all(has_type(p, "integer") and 1 <= p <= 65535 for p in (low, high)) or low > high:
            raise s.reader.fail(where, "must have ports 1..65535 with fromPort <= toPort", item)
        targets = [k for k in ("cidr", "securityGroupId", "prefixListId") if k in item]
        if len(targets) != 1:
            raise s.reader.fail(where, "must name exactly one destination: cidr, securityGroupId or prefixListId",
                                item)
        target = item[targets[0]]
        if targets[0] == "cidr":
            try:
                ipaddress.ip_network(target, strict=True)
            except (TypeError, ValueError):
                raise s.reader.fail(f"{where}.cidr", "must be a CIDR block", target) from None
        elif not isinstance(target, str) or not (_SG_ID if targets[0] == "securityGroupId"
                                                 else _PREFIX_LIST_ID).fullmatch(target):
            raise s.reader.fail(f"{where}.{targets[0]}", "must be a security group id (sg-…)"
                                if targets[0] == "securityGroupId" else "must be a prefix list id (pl-…)", target)
        description = item.get("description", "")
        if not isinstance(description, str) or len(description) > 255:
            raise s.reader.fail(f"{where}.description", "must be text of up to 255 characters", description)
        rule = EgressRule(protocol, low, high, cidr=item.get("cidr"), security_group_id=item.get("securityGroupId"),
                          prefix_list_id=item.get("prefixListId"), description=description)
        if any(_same_rule(rule, other) for other in [HTTPS_ANYWHERE, *rules]):
            # AWS refuses a second rule with the same protocol, ports and destination (InvalidPermission.Duplicate).
            raise s.reader.fail(where, "repeats a rule the service already has (HTTPS to 0.0.0.0/0 is always there)",
                                item)
        rules.append(rule)
    return tuple(rules)


def _same_rule(a: EgressRule, b: EgressRule) -> bool:
    return (a.protocol, a.from_port, a.to_port, a.destination) == (b.protocol, b.from_port, b.to_port, b.destination)


def _check_rolling_update(s: Item, count: int, min_healthy: int, max_percent: int) -> None:
    if not 0 <= min_healthy <= 100:
        raise s.reader.fail(f"{s.where}.minHealthyPercent", "must be 0..100", min_healthy)
    if not 100 <= max_percent <= 200:
        raise s.reader.fail(f"{s.where}.maxPercent", "must be 100..200", max_percent)
    if rolling_update_deadlocks(count, min_healthy, max_percent):
        raise ConfigError(
            f"{s.reader.file}: {s.where} cannot roll out with {count} task(s) at minHealthyPercent {min_healthy} and "
            f"maxPercent {max_percent}: ECS rounds the minimum up and the maximum down, so no task can be replaced; "
            f"raise minCount, lower minHealthyPercent or raise maxPercent")


# ---- listener rules across services ---------------------------------------------------------------------------


def _span(priorities: range) -> str:
    return f"{priorities.start}..{priorities.stop - 1}"


def _catch_all(path: str) -> bool:
    """Whether path pattern ``path`` matches every request path (``/*`` or ``*``)."""
    return path in ("/*", "*")


def _check_routing(reader: Reader, services: Sequence[ServiceSettings]) -> None:
    """Priorities are unique, and no rule hides another: ALB evaluates rules by priority, so a service whose rule
    matches everything another's does, at a lower priority, takes all of that service's traffic."""
    where = f"{PROJECT}:services"
    for i, a in enumerate(services):
        for b in services[i + 1:]:
            if a.priority == b.priority:
                raise ConfigError(f"{reader.file}: {where}[{a.name}] and {where}[{b.name}] have the same priority "
                                  f"({a.priority}); listener rule priorities must be unique")
            if a.path == b.path and (a.host or "").lower() == (b.host or "").lower():
                raise ConfigError(f"{reader.file}: {where}[{a.name}] and {where}[{b.name}] route the same path "
                                  f"{a.path!r} and host {a.host or '(any)'}; one would never get traffic")
            first, second = (a, b) if a.priority < b.priority else (b, a)
            if hides((first.path, first.host), (second.path, second.host)):
                raise ConfigError(
                    f"{reader.file}: {where}[{first.name}] (priority {first.priority}, path {first.path!r}) would "
                    f"take all traffic of {where}[{second.name}] (priority {second.priority}, path "
                    f"{second.path!r}); give {second.name} the lower priority")
