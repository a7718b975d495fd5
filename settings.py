"""The stack's configuration, read once into frozen, typed settings.

Every key of the project's namespace is declared in ``SCHEMA`` (type, default, description, check) and in
``Pulumi.yaml`` (a test keeps the two equal). A bad value raises ``ConfigError`` with one message that names the
stack file, the key and what is allowed, e.g. ``Pulumi.prod.yaml: container-platform:azCount must be 2..6 (got 1)``.
``__main__.py`` turns it into ``pulumi.RunError`` before any resource is registered.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from components.ecs.roles import GRANT_ACTIONS, Grant
from components.ecs.service import rolling_update_deadlocks

PROJECT = "container-platform"

#: Retention periods CloudWatch Logs accepts (PutRetentionPolicy).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)
NAT_STRATEGIES = ("none", "single", "per-az")
LAUNCH_TYPES = ("ec2", "fargate")
GRANT_KINDS = tuple(GRANT_ACTIONS)
_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")
_NAME = re.compile(r"[a-z][a-z0-9-]{0,23}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ACM_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+")


class ConfigError(Exception):
    """A stack configuration value is wrong; the message names the stack file and the key."""


# ---- typed settings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSettings:
    cidr: str
    az_count: int
    nat_strategy: str
    flow_logs: bool


@dataclass(frozen=True)
class AlbSettings:
    allowed_cidrs: tuple[str, ...]
    certificate_arn: str | None
    allow_plain_http: bool
    deletion_protection: bool
    access_logs: bool


@dataclass(frozen=True)
class CapacitySettings:
    instance_type: str
    min_size: int
    max_size: int
    target_capacity: int
    managed_termination_protection: bool


@dataclass(frozen=True)
class ServiceSettings:
    name: str
    launch_type: str
    image: str | None
    image_tag: str
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
    environment: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True)
class Settings:
    stack: str
    region: str
    network: NetworkSettings
    log_retention_days: int
    protect: bool
    tags: Mapping[str, str]
    alb: AlbSettings
    capacity: CapacitySettings
    services: tuple[ServiceSettings, ...]


# ---- schema -------------------------------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns what is allowed when the value is wrong, else None


@dataclass(frozen=True)
class Key:
    name: str
    type: str  # string | integer | boolean | array | object
    default: Any
    description: str
    check: Check | None = None


def _between(lo: int, hi: int) -> Check:
    return lambda v: None if lo <= v <= hi else f"must be {lo}..{hi}"


def _one_of(*allowed: Any) -> Check:
    return lambda v: None if v in allowed else f"must be one of {', '.join(map(str, allowed))}"


def _cidr(prefix_lo: int, prefix_hi: int) -> Check:
    def check(v: str) -> str | None:
        try:
            net = ipaddress.ip_network(v, strict=True)
        except ValueError:
            return f"must be an IPv4 CIDR block with a /{prefix_lo}../{prefix_hi} prefix"
        if net.version != 4 or not prefix_lo <= net.prefixlen <= prefix_hi:
            return f"must be an IPv4 CIDR block with a /{prefix_lo}../{prefix_hi} prefix"
        return None

    return check


def _cidr_list(v: list[Any]) -> str | None:
    for item in v:
        try:
            ipaddress.ip_network(item, strict=True)
        except (TypeError, ValueError):
            return f"must be a list of CIDR blocks ({item!r} is not one)"
    return None if v else "must list at least one CIDR block"


def _arn_or_empty(v: str) -> str | None:
    return None if v == "" or _ACM_ARN.fullmatch(v) else "must be an ACM certificate ARN or empty"


def _string_map(v: Mapping[str, Any]) -> str | None:
    bad = [k for k, val in v.items() if not isinstance(val, str)]
    return f"must map names to strings ({bad[0]} is not a string)" if bad else None


SCHEMA: tuple[Key, ...] = (
    Key("vpcCidr", "string", "10.0.0.0/16", "IPv4 CIDR block of the VPC (/16../20).", _cidr(16, 20)),
    Key("azCount", "integer", 2, "Availability zones to spread subnets across (2..6).", _between(2, 6)),
    Key("natStrategy", "string", "single",
        "Egress for private subnets: none, single (one NAT gateway) or per-az (one per zone).",
        _one_of(*NAT_STRATEGIES)),
    Key("flowLogs", "boolean", False, "Record VPC flow logs to CloudWatch Logs."),
    Key("logRetentionDays", "integer", 30, "Retention of every log group the platform creates (a CloudWatch value).",
        _one_of(*LOG_RETENTION_DAYS)),
    Key("protect", "boolean", False, "Protect stateful resources (VPC, load balancer, repositories) from deletion."),
    Key("tags", "object", {}, "Tags added to every resource (name to value).", _string_map),
    Key("albAllowedCidrs", "array", ["0.0.0.0/0"], "CIDR blocks the load balancer's listeners admit.", _cidr_list),
    Key("albCertificateArn", "string", "", "ACM certificate for the HTTPS listener; empty serves plain HTTP.",
        _arn_or_empty),
    Key("albAllowPlainHttp", "boolean", False,
        "Allow serving plain HTTP without a certificate (never in production)."),
    Key("albDeletionProtection", "boolean", False, "Turn on the load balancer's deletion protection."),
    Key("albAccessLogs", "boolean", False, "Write load balancer access logs to an S3 bucket."),
    Key("instanceType", "string", "t3.medium", "EC2 instance type of the ECS container instances."),
    Key("capacityMinSize", "integer", 1, "Minimum number of container instances (0..100).", _between(0, 100)),
    Key("capacityMaxSize", "integer", 4, "Maximum number of container instances (1..100).", _between(1, 100)),
    Key("capacityTargetPercent", "integer", 100,
        "Managed scaling target utilisation of the EC2 capacity provider (1..100).", _between(1, 100)),
    Key("managedTerminationProtection", "boolean", False,
        "Protect instances running tasks from scale-in; `pulumi destroy` then needs the services gone first."),
    Key("minHealthyPercent", "integer", 50, "Default rolling-update minimum healthy percent (0..100).",
        _between(0, 100)),
    Key("maxPercent", "integer", 100, "Default rolling-update maximum percent (100..200).", _between(100, 200)),
    Key("services", "array", [], "The services the platform runs (see README: service spec)."),
)
_BY_NAME = {k.name: k for k in SCHEMA}
_TYPES: dict[str, type | tuple[type, ...]] = {"string": str, "integer": int, "boolean": bool, "array": list,
                                              "object": dict}


# ---- reading ------------------------------------------------------------------------------------------------


class _Reader:
    """Reads raw config strings, naming the stack file and key in every error."""

    def __init__(self, stack: str, raw: Mapping[str, str]) -> None:
        self.file = f"Pulumi.{stack}.yaml"
        self.raw = raw

    def fail(self, key: str, message: str, value: Any = None, show_value: bool = True) -> ConfigError:
        got = f" (got {json.dumps(value)})" if show_value else ""
        return ConfigError(f"{self.file}: {key} {message}{got}")

    def parse(self, key: Key) -> Any:
        full = f"{PROJECT}:{key.name}"
        if full not in self.raw:
            return key.default
        text = self.raw[full]
        if key.type == "string":
            value: Any = text
        else:
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise self.fail(full, f"must be {_article(key.type)}", text) from None
        if not _has_type(value, key.type):
            raise self.fail(full, f"must be {_article(key.type)}", value)
        if key.check and (problem := key.check(value)):
            raise self.fail(full, problem, value)
        return value

    def unknown_keys(self) -> None:
        for full in sorted(self.raw):
            namespace, _, name = full.partition(":")
            if namespace == "aws":
                continue  # provider config, validated by the AWS provider
            if namespace != PROJECT or name not in _BY_NAME:
                known = [f"{PROJECT}:{k}" for k in _BY_NAME] + ["aws:region"]
                hint = difflib.get_close_matches(full, known, n=1)
                suggestion = f"; did you mean {hint[0]}?" if hint else f"; known keys are {', '.join(known)}"
                raise ConfigError(f"{self.file}: unknown key {full}{suggestion}")


def _has_type(value: Any, type_name: str) -> bool:
    """JSON type check; YAML's true/false are not integers here, although Python's bool is an int."""
    return isinstance(value, _TYPES[type_name]) and (type_name == "boolean" or not isinstance(value, bool))


def _article(type_name: str) -> str:
    return {"integer": "an integer", "array": "a list", "object": "a mapping"}.get(type_name, f"a {type_name}")


def load(stack: str, raw: Mapping[str, str]) -> Settings:
    """Validate the stack's raw config (``namespace:key`` → string) and build the settings."""
    reader = _Reader(stack, raw)
    reader.unknown_keys()
    region = raw.get("aws:region", "")
    if not _REGION.fullmatch(region):
        raise reader.fail("aws:region", "must be set to an AWS region such as eu-west-1", region or None)
    v = {k.name: reader.parse(k) for k in SCHEMA}

    network = NetworkSettings(cidr=v["vpcCidr"], az_count=v["azCount"], nat_strategy=v["natStrategy"],
                              flow_logs=v["flowLogs"])
    alb = AlbSettings(allowed_cidrs=tuple(v["albAllowedCidrs"]), certificate_arn=v["albCertificateArn"] or None,
                      deletion_protection=v["albDeletionProtection"], access_logs=v["albAccessLogs"],
                      allow_plain_http=v["albAllowPlainHttp"])
    if alb.certificate_arn is None and not alb.allow_plain_http:
        raise reader.fail(f"{PROJECT}:albCertificateArn",
                          f"must be set unless {PROJECT}:albAllowPlainHttp is true (HTTP only with explicit consent)",
                          show_value=False)
    capacity = CapacitySettings(instance_type=v["instanceType"], min_size=v["capacityMinSize"],
                                max_size=v["capacityMaxSize"], target_capacity=v["capacityTargetPercent"],
                                managed_termination_protection=v["managedTerminationProtection"])
    if capacity.min_size > capacity.max_size:
        raise reader.fail(f"{PROJECT}:capacityMinSize", f"must not exceed {PROJECT}:capacityMaxSize "
                          f"({capacity.max_size})", capacity.min_size)
    services = tuple(_service(reader, i, item, v) for i, item in enumerate(v["services"]))
    names = [s.name for s in services]
    if dup := next((n for n in names if names.count(n) > 1), None):
        raise reader.fail(f"{PROJECT}:services", f"must have unique names ({dup} appears twice)", show_value=False)
    return Settings(stack=stack, region=region, network=network, log_retention_days=v["logRetentionDays"],
                    protect=v["protect"], tags=dict(v["tags"]), alb=alb, capacity=capacity, services=services)


# ---- services -----------------------------------------------------------------------------------------------

#: Service spec keys: name → (type, default or REQUIRED, description). The README documents each one.
REQUIRED = object()
SERVICE_KEYS: dict[str, tuple[str, Any, str]] = {
    "name": ("string", REQUIRED, "Service name: lowercase letters, digits, hyphens; up to 24 characters."),
    "launchType": ("string", REQUIRED, "ec2 (bridge mode, dynamic host ports) or fargate (awsvpc, one ENI per task)."),
    "image": ("string", None, "Image to run; absent means the service's own ECR repository at imageTag."),
    "imageTag": ("string", "latest", "Tag in the service's ECR repository when image is absent."),
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
    "environment": ("object", {}, "Plain environment variables (no secrets: use secrets)."),
    "secrets": ("object", {}, "Environment variable name to SSM parameter or Secrets Manager ARN."),
    "grants": ("array", [], "What the task role may do: [{kind: s3-read|s3-write|sqs-consume|sqs-send|"
                            "dynamodb-read|dynamodb-write, arn: <resource ARN>}]."),
}


def _service(reader: _Reader, index: int, item: Any, stack_values: Mapping[str, Any]) -> ServiceSettings:
    where = f"{PROJECT}:services[{index}]"
    if not isinstance(item, dict):
        raise reader.fail(where, "must be a mapping of service keys", item)
    if isinstance(item.get("name"), str):
        where = f"{PROJECT}:services[{item['name']}]"
    for key in item:
        if key not in SERVICE_KEYS:
            hint = difflib.get_close_matches(key, SERVICE_KEYS, n=1)
            raise ConfigError(f"{reader.file}: unknown key {where}.{key}"
                              + (f"; did you mean {hint[0]}?" if hint else ""))
    v: dict[str, Any] = {}
    for key, (type_name, default, _) in SERVICE_KEYS.items():
        if key not in item:
            if default is REQUIRED:
                raise ConfigError(f"{reader.file}: {where}.{key} is required")
            v[key] = default
            continue
        value = item[key]
        if not _has_type(value, type_name):
            raise reader.fail(f"{where}.{key}", f"must be {_article(type_name)}", value)
        v[key] = value

    def bad(key: str, message: str) -> ConfigError:
        return reader.fail(f"{where}.{key}", message, v[key])

    if not _NAME.fullmatch(v["name"]):
        raise bad("name", "must be lowercase letters, digits and hyphens, starting with a letter, up to 24 characters")
    if v["launchType"] not in LAUNCH_TYPES:
        raise bad("launchType", "must be one of ec2, fargate")
    if not 1 <= v["port"] <= 65535:
        raise bad("port", "must be 1..65535")
    if not v["path"].startswith("/"):
        raise bad("path", "must start with /")
    if not 128 <= v["cpu"] <= 16384:
        raise bad("cpu", "must be 128..16384 CPU units")
    if not 128 <= v["memory"] <= 122880:
        raise bad("memory", "must be 128..122880 MiB")
    if not 10 <= v["cpuTarget"] <= 90:
        raise bad("cpuTarget", "must be 10..90")
    if not 1 <= v["minCount"] <= v["maxCount"]:
        raise bad("minCount", f"must be 1..maxCount ({v['maxCount']})")
    if not v["minCount"] <= v["desiredCount"] <= v["maxCount"]:
        raise bad("desiredCount", f"must be between minCount ({v['minCount']}) and maxCount ({v['maxCount']})")
    if v["spot"] and v["launchType"] != "fargate":
        raise bad("spot", "is only for fargate services")
    for key in ("environment", "secrets"):
        if problem := _string_map(v[key]):
            raise bad(key, problem)
        if name := next((n for n in v[key] if not _ENV_NAME.fullmatch(n)), None):
            raise bad(key, f"must use environment variable names ({name!r} is not one)")
    for name, arn in v["secrets"].items():
        if not re.match(r"^arn:aws[a-z-]*:(ssm|secretsmanager):", arn):
            raise reader.fail(f"{where}.secrets.{name}", "must be an SSM parameter or Secrets Manager ARN", arn)
    if clash := sorted(set(v["environment"]) & set(v["secrets"])):
        raise bad("environment", f"must not repeat a secret's name ({clash[0]})")
    grants = []
    for i, grant in enumerate(v["grants"]):
        gwhere = f"{where}.grants[{i}]"
        if not isinstance(grant, dict) or set(grant) != {"kind", "arn"}:
            raise reader.fail(gwhere, "must be a mapping with exactly kind and arn", grant)
        if grant["kind"] not in GRANT_KINDS:
            raise reader.fail(f"{gwhere}.kind", f"must be one of {', '.join(GRANT_KINDS)}", grant["kind"])
        service = grant["kind"].split("-")[0]
        if not isinstance(grant["arn"], str) or not re.match(rf"^arn:aws[a-z-]*:{service}:", grant["arn"]) \
                or "*" in grant["arn"]:
            raise reader.fail(f"{gwhere}.arn", f"must be the ARN of one {service} resource, without wildcards",
                              grant["arn"])
        grants.append(Grant(kind=grant["kind"], arn=grant["arn"]))

    min_healthy = v["minHealthyPercent"] if v["minHealthyPercent"] is not None else stack_values["minHealthyPercent"]
    max_percent = v["maxPercent"] if v["maxPercent"] is not None else stack_values["maxPercent"]
    _check_rolling_update(reader, where, v["minCount"], min_healthy, max_percent)
    return ServiceSettings(
        name=v["name"], launch_type=v["launchType"], image=v["image"], image_tag=v["imageTag"], cpu=v["cpu"],
        memory=v["memory"], port=v["port"], path=v["path"], host=v["host"], health_check_path=v["healthCheckPath"],
        desired_count=v["desiredCount"], min_count=v["minCount"], max_count=v["maxCount"], cpu_target=v["cpuTarget"],
        min_healthy_percent=min_healthy, max_percent=max_percent, spot=v["spot"],
        read_only_root_filesystem=v["readOnlyRootFilesystem"], environment=dict(v["environment"]),
        secrets=dict(v["secrets"]), grants=tuple(grants),
    )


def _check_rolling_update(reader: _Reader, where: str, count: int, min_healthy: int, max_percent: int) -> None:
    if not 0 <= min_healthy <= 100:
        raise reader.fail(f"{where}.minHealthyPercent", "must be 0..100", min_healthy)
    if not 100 <= max_percent <= 200:
        raise reader.fail(f"{where}.maxPercent", "must be 100..200", max_percent)
    if rolling_update_deadlocks(count, min_healthy, max_percent):
        raise ConfigError(
            f"{reader.file}: {where} cannot roll out with {count} task(s) at minHealthyPercent {min_healthy} and "
            f"maxPercent {max_percent}: ECS rounds the minimum up and the maximum down, so no task can be replaced; "
            f"raise minCount, lower minHealthyPercent or raise maxPercent")


def raw_config() -> dict[str, str]:
    """Every config value the engine handed the program (``namespace:key`` → string).

    ``pulumi.Config`` only answers for keys it is asked about; rejecting typos needs the whole map, which the SDK
    keeps in its runtime config (values set in-process) and the ``PULUMI_CONFIG`` environment variable.
    """
    from pulumi.runtime import config as runtime_config

    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
