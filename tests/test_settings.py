"""Stack configuration: the three stacks load, every bad value has its exact message, Pulumi.yaml == SCHEMA."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import settings
from preflight import stackconfig

ROOT = Path(__file__).resolve().parents[1]
STACKS = ("dev", "staging", "prod")
P = f"{settings.PROJECT}:"
SERVICES = f"{P}services"


def raw(stack: str, changes: Mapping[str, str | None] | None = None,
        edit_services: Callable[[list[Any]], object] | None = None) -> dict[str, str]:
    """The stack's merged config (as the CLI hands it over), with keys changed (None removes one)."""
    values = dict(stackconfig.load(ROOT, stack).values)
    for key, value in (changes or {}).items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    if edit_services:
        services = json.loads(values[SERVICES])
        edit_services(services)
        values[SERVICES] = json.dumps(services)
    return values


def error(stack: str = "prod", changes: Mapping[str, str | None] | None = None,
          edit_services: Callable[[list[Any]], object] | None = None) -> str:
    with pytest.raises(settings.ConfigError) as info:
        settings.load(stack, raw(stack, changes, edit_services))
    return str(info.value)


def service(services: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(s for s in services if s["name"] == name)


# ---- the stacks load -------------------------------------------------------------------------------------------


def test_dev_loads():
    s = settings.load("dev", raw("dev"))
    assert (s.stack, s.region) == ("dev", "eu-west-1")
    assert s.network == settings.NetworkSettings(cidr="10.10.0.0/16", az_count=2, nat_strategy="single",
                                                 flow_logs=False)
    assert (s.log_retention_days, s.protect, dict(s.tags)) == (7, False, {})
    assert s.alb == settings.AlbSettings(allowed_cidrs=("0.0.0.0/0",), certificate_arn=None, allow_plain_http=True,
                                         deletion_protection=False, access_logs=False)
    assert s.capacity == settings.CapacitySettings(instance_type="t3.medium", min_size=1, max_size=2,
                                                   target_capacity=100, managed_termination_protection=False)
    web, api = s.services
    assert (web.name, web.launch_type, web.image, web.port, web.read_only_root_filesystem) == \
        ("web", "ec2", "public.ecr.aws/nginx/nginx:1.27", 80, False)
    assert (api.name, api.launch_type, api.image, api.image_tag, api.spot) == ("api", "fargate", None, "0.1.0", True)
    assert (web.repository, api.repository) == (None, "api")
    assert (web.priority, api.priority) == (50000, 100)
    assert (api.min_healthy_percent, api.max_percent, api.cpu_target) == (50, 100, 60)
    assert dict(api.environment) == {"LOG_LEVEL": "debug"}
    assert api.grants == (settings.Grant("s3-read", "arn:aws:s3:::container-platform-dev-assets"),)


def test_staging_loads():
    s = settings.load("staging", raw("staging"))
    assert s.network == settings.NetworkSettings(cidr="10.20.0.0/16", az_count=2, nat_strategy="single",
                                                 flow_logs=True)
    assert (s.log_retention_days, s.protect) == (30, False)
    assert s.alb.certificate_arn == \
        "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000001"
    assert (s.alb.allow_plain_http, s.alb.deletion_protection, s.alb.access_logs) == (False, False, False)
    assert (s.capacity.min_size, s.capacity.max_size) == (2, 4)
    assert [x.name for x in s.services] == ["web", "api"]
    assert [g.kind for g in s.services[1].grants] == ["s3-read", "sqs-consume"]
    assert s.services[1].spot is False


def test_prod_loads():
    s = settings.load("prod", raw("prod"))
    assert s.network == settings.NetworkSettings(cidr="10.30.0.0/16", az_count=3, nat_strategy="per-az",
                                                 flow_logs=True, interface_endpoints=True)
    assert (s.log_retention_days, s.protect, dict(s.tags)) == (365, True, {"cost-center": "platform"})
    assert s.alb == settings.AlbSettings(
        allowed_cidrs=("0.0.0.0/0",),
        certificate_arn="arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000002",
        allow_plain_http=False, deletion_protection=True, access_logs=True)
    assert s.capacity == settings.CapacitySettings(instance_type="m6i.large", min_size=3, max_size=12,
                                                   target_capacity=100, managed_termination_protection=True)
    web, api = s.services
    assert (web.desired_count, web.min_count, web.max_count) == (4, 4, 12)
    assert (api.image_tag, api.cpu, api.memory, api.max_count, api.health_check_path) == \
        ("1.0.0", 1024, 2048, 16, "/api/health")
    assert dict(api.secrets) == {
        "DATABASE_URL": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/database-url-AbCdEf"}


def test_settings_are_frozen():
    s = settings.load("dev", raw("dev"))
    with pytest.raises(AttributeError):
        s.network.az_count = 6  # type: ignore[misc]


# ---- Pulumi.yaml and the stack files against SCHEMA --------------------------------------------------------------


def _declared() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]


def test_pulumi_yaml_declares_exactly_the_schema_keys():
    declared, schema = set(_declared()), {k.name for k in settings.SCHEMA}
    assert declared == schema, f"only in Pulumi.yaml: {declared - schema}; only in SCHEMA: {schema - declared}"


@pytest.mark.parametrize("key", settings.SCHEMA, ids=lambda k: k.name)
def test_pulumi_yaml_declaration_matches_schema(key: settings.Key):
    spec = _declared()[key.name]
    expected = {"type", "description", "default"} | ({"items"} if key.type == "array" else set())
    assert set(spec) == expected, key.name
    assert spec["type"] == key.type, key.name
    assert spec["description"] == key.description, key.name
    # json.dumps tells 1 from true and "2" from 2, which == does not.
    assert json.dumps(spec["default"]) == json.dumps(key.default), key.name
    if key.type == "array":
        assert spec["items"] == {"type": key.items}, key.name
        item_type = settings.TYPES[spec["items"]["type"]]
        assert all(isinstance(item, item_type) for item in key.default), key.name


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_stack_files_hold_only_what_differs(stack: str):
    config = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    defaults = {k.name: k.default for k in settings.SCHEMA}
    redundant = [key for key, value in config.items() if key.startswith(P)
                 and json.dumps(value) == json.dumps(defaults[key.removeprefix(P)])]
    assert redundant == [], f"Pulumi.{stack}.yaml sets keys to their default: {redundant}"


# ---- stack-level errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "expected"), [
    # wrong type
    ({f"{P}azCount": "three"}, 'container-platform:azCount must be an integer (got "three")'),
    ({f"{P}azCount": "true"}, "container-platform:azCount must be an integer (got true)"),
    ({f"{P}azCount": "2.5"}, "container-platform:azCount must be an integer (got 2.5)"),
    ({f"{P}flowLogs": "yes"}, 'container-platform:flowLogs must be a boolean (got "yes")'),
    ({f"{P}protect": "1"}, "container-platform:protect must be a boolean (got 1)"),
    ({f"{P}tags": "[1]"}, "container-platform:tags must be a mapping (got [1])"),
    ({f"{P}tags": '{"team": 7}'}, 'container-platform:tags must map names to strings (team is not a string) '
                                  '(got {"team": 7})'),
    ({f"{P}albAllowedCidrs": '"0.0.0.0/0"'}, 'container-platform:albAllowedCidrs must be a list (got "0.0.0.0/0")'),
    ({SERVICES: "{}"}, "container-platform:services must be a list (got {})"),
    # out of range
    ({f"{P}azCount": "1"}, "container-platform:azCount must be 2..6 (got 1)"),
    ({f"{P}azCount": "7"}, "container-platform:azCount must be 2..6 (got 7)"),
    ({f"{P}capacityMaxSize": "0"}, "container-platform:capacityMaxSize must be 1..100 (got 0)"),
    ({f"{P}capacityTargetPercent": "101"}, "container-platform:capacityTargetPercent must be 1..100 (got 101)"),
    ({f"{P}minHealthyPercent": "-1"}, "container-platform:minHealthyPercent must be 0..100 (got -1)"),
    ({f"{P}maxPercent": "99"}, "container-platform:maxPercent must be 100..200 (got 99)"),
    # not an allowed value
    ({f"{P}natStrategy": "multi"}, 'container-platform:natStrategy must be one of none, single, per-az (got "multi")'),
    ({f"{P}natStrategy": "Single"},
     'container-platform:natStrategy must be one of none, single, per-az (got "Single")'),
    ({f"{P}logRetentionDays": "10"},
     "container-platform:logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, "
     "731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got 10)"),
    # CIDRs
    ({f"{P}vpcCidr": "10.0.0.0/8"},
     'container-platform:vpcCidr must be an IPv4 CIDR block with a /16../20 prefix (got "10.0.0.0/8")'),
    ({f"{P}vpcCidr": "10.0.0.0/24"},
     'container-platform:vpcCidr must be an IPv4 CIDR block with a /16../20 prefix (got "10.0.0.0/24")'),
    ({f"{P}vpcCidr": "10.0.0.1/16"},
     'container-platform:vpcCidr must be an IPv4 CIDR block with a /16../20 prefix (got "10.0.0.1/16")'),
    ({f"{P}vpcCidr": "fd00::/16"},
     'container-platform:vpcCidr must be an IPv4 CIDR block with a /16../20 prefix (got "fd00::/16")'),
    ({f"{P}vpcCidr": "ten"},
     'container-platform:vpcCidr must be an IPv4 CIDR block with a /16../20 prefix (got "ten")'),
    ({f"{P}albAllowedCidrs": '["0.0.0.0/0", "office"]'},
     "container-platform:albAllowedCidrs must be a list of CIDR blocks ('office' is not one) "
     '(got ["0.0.0.0/0", "office"])'),
    ({f"{P}albAllowedCidrs": '["192.0.2.1/24"]'},
     "container-platform:albAllowedCidrs must be a list of CIDR blocks ('192.0.2.1/24' is not one) "
     '(got ["192.0.2.1/24"])'),
    ({f"{P}albAllowedCidrs": "[]"}, "container-platform:albAllowedCidrs must list at least one CIDR block (got [])"),
    # unknown keys and namespaces
    ({f"{P}azcount": "3"}, "unknown key container-platform:azcount; did you mean container-platform:azCount?"),
    ({f"{P}natStrategey": "none"},
     "unknown key container-platform:natStrategey; did you mean container-platform:natStrategy?"),
    ({"container-platfrom:azCount": "3"},
     "unknown key container-platfrom:azCount; did you mean container-platform:azCount?"),
    ({"kubernetes:context": "x"},
     "unknown key kubernetes:context; known keys are " + ", ".join(f"{P}{k.name}" for k in settings.SCHEMA)
     + ", aws:region"),
    # region
    ({"aws:region": None}, "aws:region must be set to an AWS region such as eu-west-1 (one botocore knows) (got null)"),
    ({"aws:region": "eu-west"},
     'aws:region must be set to an AWS region such as eu-west-1 (one botocore knows) (got "eu-west")'),
    ({"aws:region": "EU-WEST-1"},
     'aws:region must be set to an AWS region such as eu-west-1 (one botocore knows) (got "EU-WEST-1")'),
    ({"aws:region": "eu-west-9"},
     'aws:region must be set to an AWS region such as eu-west-1 (one botocore knows) (got "eu-west-9")'),
    # certificate
    ({f"{P}albCertificateArn": None},
     "container-platform:albCertificateArn must be set unless container-platform:albAllowPlainHttp is true "
     "(HTTP only with explicit consent)"),
    ({f"{P}albCertificateArn": ""},
     "container-platform:albCertificateArn must be set unless container-platform:albAllowPlainHttp is true "
     "(HTTP only with explicit consent)"),
    ({f"{P}albCertificateArn": "my-cert"},
     'container-platform:albCertificateArn must be an ACM certificate ARN or empty (got "my-cert")'),
    # capacity
    ({f"{P}capacityMinSize": "13"},
     "container-platform:capacityMinSize must not exceed container-platform:capacityMaxSize (12) (got 13)"),
], ids=lambda v: json.dumps(v) if isinstance(v, dict) else None)
def test_stack_value_errors(changes: dict[str, str | None], expected: str):
    assert error("prod", changes) == f"Pulumi.prod.yaml: {expected}"


def test_error_names_the_stack_file():
    assert error("dev", {f"{P}azCount": "1"}) == "Pulumi.dev.yaml: container-platform:azCount must be 2..6 (got 1)"
    assert error("staging", {f"{P}natStrategy": "two"}).startswith("Pulumi.staging.yaml: container-platform:")


def test_plain_http_only_with_consent():
    assert settings.load("prod", raw("prod", {f"{P}albCertificateArn": None, f"{P}albAllowPlainHttp": "true"})) \
        .alb.certificate_arn is None
    assert error("dev", {f"{P}albAllowPlainHttp": None}) == (
        "Pulumi.dev.yaml: container-platform:albCertificateArn must be set unless container-platform:albAllowPlainHttp "
        "is true (HTTP only with explicit consent)")


def test_capacity_min_equal_to_max_is_fine():
    assert settings.load("prod", raw("prod", {f"{P}capacityMinSize": "12"})).capacity.min_size == 12


@pytest.mark.parametrize(("region", "partition"), [
    ("us-east-1", "aws"), ("ap-southeast-5", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn"),
    ("us-isob-east-1", "aws-iso-b"),
])
def test_regions_accepted_with_their_partition(region: str, partition: str):
    s = settings.load("dev", raw("dev", {"aws:region": region}, edit_services=_in_partition(partition, region)))
    assert (s.region, s.partition) == (region, partition)


def _in_partition(partition: str, region: str) -> Callable[[list[Any]], None]:
    """Move the services' ARNs into another partition and region, as a stack there would have them."""
    def edit(services: list[Any]) -> None:
        text = json.dumps(services).replace("arn:aws:", f"arn:{partition}:").replace("eu-west-1", region)
        services[:] = json.loads(text)
    return edit


def test_region_with_trailing_newline_rejected():
    assert error("prod", {"aws:region": "eu-west-1\n"}) == \
        'Pulumi.prod.yaml: aws:region must be set to an AWS region such as eu-west-1 (one botocore knows) ' \
        '(got "eu-west-1\\n")'


def test_certificate_must_be_an_acm_certificate():
    assert error("prod", {f"{P}albCertificateArn": "arn:aws:s3:::bucket"}) == \
        'Pulumi.prod.yaml: container-platform:albCertificateArn must be an ACM certificate ARN or empty ' \
        '(got "arn:aws:s3:::bucket")'


# ---- service errors ----------------------------------------------------------------------------------------------

S = f"{P}services"


def _set(which: str, **changes: Any) -> Callable[[list[Any]], None]:
    return lambda services: service(services, which).update(changes)


def _drop(which: str, key: str) -> Callable[[list[Any]], None]:
    return lambda services: service(services, which).pop(key)


@pytest.mark.parametrize(("edit", "expected"), [
    # required keys and unknown keys
    (_drop("web", "path"), f"{S}[web].path is required"),
    (_drop("web", "launchType"), f"{S}[web].launchType is required"),
    (lambda s: s[0].pop("name"), f"{S}[0].name is required"),
    (_set("api", imageTg="x"), f"unknown key {S}[api].imageTg; did you mean imageTag?"),
    (_set("api", desiredcount=2), f"unknown key {S}[api].desiredcount; did you mean desiredCount?"),
    (_set("api", zzz=1), f"unknown key {S}[api].zzz"),
    (lambda s: s.append("web"), f'{S}[2] must be a mapping (got "web")'),
    # values
    (_set("web", name="Web"), f'{S}[Web].name must be lowercase letters, digits and hyphens, starting with a letter, '
                              'up to 21 characters (got "Web")'),
    (_set("web", launchType="lambda"), f'{S}[web].launchType must be one of ec2, fargate (got "lambda")'),
    (_set("web", launchType="EC2"), f'{S}[web].launchType must be one of ec2, fargate (got "EC2")'),
    (_set("web", port=0), f"{S}[web].port must be 1..65535 (got 0)"),
    (_set("web", port=65536), f"{S}[web].port must be 1..65535 (got 65536)"),
    (_set("web", port="80"), f'{S}[web].port must be an integer (got "80")'),
    (_set("web", port=True), f"{S}[web].port must be an integer (got true)"),
    (_set("web", path="api/*"), f'{S}[web].path must start with / and have at most 128 characters: letters, digits '
                                'and _ - . $ / ~ " \' @ : + & * ? (got "api/*")'),
    (_set("web", cpu=127), f"{S}[web].cpu must be 128..196608 CPU units (got 127)"),
    (_set("web", cpu=196609), f"{S}[web].cpu must be 128..196608 CPU units (got 196609)"),
    (_set("web", memory=127), f"{S}[web].memory must be 128..1048576 MiB (got 127)"),
    (_set("web", memory=1048577), f"{S}[web].memory must be 128..1048576 MiB (got 1048577)"),
    (_set("web", cpuTarget=95), f"{S}[web].cpuTarget must be 10..90 (got 95)"),
    (_set("web", minCount=0), f"{S}[web].minCount must be 1..maxCount (12) (got 0)"),
    (_set("web", desiredCount=13), f"{S}[web].desiredCount must be between minCount (4) and maxCount (12) (got 13)"),
    (_set("web", spot=True), f"{S}[web].spot is only for fargate services (got true)"),
    (_set("web", environment={"1X": "y"}), f"{S}[web].environment must use environment variable names ('1X' is "
                                           "not one)"),
    (_set("web", environment={"X": 1}), f"{S}[web].environment must map names to strings (X is not a string)"),
    (_set("web", environment="X=1"), f"{S}[web].environment must be a mapping"),
    (_set("api", secrets="postgres://u:p@db/app"), f"{S}[api].secrets must be a mapping"),
    # secrets
    (_set("api", secrets={"DATABASE_URL": "postgres://db/app"}),
     f"{S}[api].secrets.DATABASE_URL must be the ARN of an SSM parameter or a Secrets Manager secret in partition "
     "aws (the value is not shown: it may be a secret)"),
    (_set("api", secrets={"KEY": "arn:aws:kms:eu-west-1:123456789012:key/abc"}),
     f"{S}[api].secrets.KEY must be the ARN of an SSM parameter or a Secrets Manager secret in partition aws "
     "(the value is not shown: it may be a secret)"),
    (_set("api", secrets={"KEY": "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/x"}),
     f"{S}[api].secrets.KEY must be the ARN of an SSM parameter or a Secrets Manager secret in partition aws "
     "(the value is not shown: it may be a secret)"),
    (_set("api", environment={"DATABASE_URL": "x"}),
     f"{S}[api].environment must not repeat a secret's name (DATABASE_URL)"),
    # grants
    (_set("api", grants=[{"kind": "s3-read", "arn": "arn:aws:s3:::container-platform-prod-assets/*"}]),
     f'{S}[api].grants[0].arn must be the ARN of one s3 resource in partition aws, without wildcards '
     '(got "arn:aws:s3:::container-platform-prod-assets/*")'),
    (_set("api", grants=[{"kind": "dynamodb-read", "arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/*"}]),
     f'{S}[api].grants[0].arn must be the ARN of one dynamodb resource in partition aws, without wildcards '
     '(got "arn:aws:dynamodb:eu-west-1:123456789012:table/*")'),
    (_set("api", grants=[{"kind": "sqs-consume", "arn": "arn:aws:s3:::container-platform-prod-assets"}]),
     f'{S}[api].grants[0].arn must be the ARN of one sqs resource in partition aws, without wildcards '
     '(got "arn:aws:s3:::container-platform-prod-assets")'),
    (_set("api", grants=[{"kind": "s3-admin", "arn": "arn:aws:s3:::b"}]),
     f'{S}[api].grants[0].kind must be one of s3-read, s3-write, sqs-consume, sqs-send, dynamodb-read, '
     'dynamodb-write (got "s3-admin")'),
    (_set("api", grants=[{"kind": "s3-read"}]),
     f'{S}[api].grants[0] must be a mapping with exactly kind and arn (got {{"kind": "s3-read"}})'),
    # names and rollout
    (_set("api", name="web"), f"{S} must have unique names (web appears twice)"),
    (_set("web", minCount=1, desiredCount=1),
     f"{S}[web] cannot roll out with 1 task(s) at minHealthyPercent 50 and maxPercent 100: ECS rounds the minimum up "
     "and the maximum down, so no task can be replaced; raise minCount, lower minHealthyPercent or raise maxPercent"),
    (_set("web", minHealthyPercent=100),
     f"{S}[web] cannot roll out with 4 task(s) at minHealthyPercent 100 and maxPercent 100: ECS rounds the minimum up "
     "and the maximum down, so no task can be replaced; raise minCount, lower minHealthyPercent or raise maxPercent"),
    (_set("web", minHealthyPercent=101), f"{S}[web].minHealthyPercent must be 0..100 (got 101)"),
    (_set("web", maxPercent=201), f"{S}[web].maxPercent must be 100..200 (got 201)"),
], ids=lambda v: None if callable(v) else v.removeprefix(S)[:50])
def test_service_errors(edit: Callable[[list[Any]], object], expected: str):
    assert error("prod", edit_services=edit) == f"Pulumi.prod.yaml: {expected}"


def test_rollout_with_two_tasks_at_50_100_is_fine():
    s = settings.load("prod", raw("prod", edit_services=_set("web", minCount=2, desiredCount=2)))
    web = s.services[0]
    assert (web.min_count, web.min_healthy_percent, web.max_percent) == (2, 50, 100)


def test_rollout_with_one_task_is_fine_with_room_above():
    s = settings.load("prod", raw("prod", edit_services=_set("web", minCount=1, desiredCount=1, maxPercent=200)))
    assert s.services[0].max_percent == 200


def test_stack_rollout_defaults_apply_to_services():
    s = settings.load("prod", raw("prod", {f"{P}minHealthyPercent": "0", f"{P}maxPercent": "200"}))
    assert {(x.min_healthy_percent, x.max_percent) for x in s.services} == {(0, 200)}


def test_stack_rollout_defaults_that_deadlock_name_the_service():
    assert error("prod", {f"{P}minHealthyPercent": "100"}).startswith(
        f"Pulumi.prod.yaml: {S}[web] cannot roll out with 4 task(s) at minHealthyPercent 100 and maxPercent 100")


def test_grant_kinds_accept_their_own_service():
    grants = [{"kind": "dynamodb-write", "arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"},
              {"kind": "sqs-send", "arn": "arn:aws:sqs:eu-west-1:123456789012:jobs"},
              {"kind": "s3-write", "arn": "arn:aws:s3:::uploads"}]
    s = settings.load("prod", raw("prod", edit_services=_set("api", grants=grants)))
    assert [g.kind for g in s.services[1].grants] == ["dynamodb-write", "sqs-send", "s3-write"]


def test_service_name_with_trailing_newline_rejected():
    message = error("prod", edit_services=_set("web", name="web\n"))
    assert message.endswith('up to 21 characters (got "web\\n")')


# ---- the rolling-update deadlock against a brute-force model --------------------------------------------------


def can_roll_out(count: int, min_healthy: int, max_percent: int) -> bool:
    """Replace ``count`` old tasks by new ones, one start or stop at a time, as ECS's rolling update does: never
    fewer than ceil(count*min/100) running, never more than floor(count*max/100). Bounds by counting, no rounding
    arithmetic; new tasks are taken to be healthy at once."""
    keep = min(k for k in range(count + 1) if 100 * k >= count * min_healthy)
    most = max(k for k in range(2 * count + 1) if 100 * k <= count * max_percent)
    seen, frontier = {(count, 0)}, [(count, 0)]
    while frontier:
        old, new = frontier.pop()
        if (old, new) == (0, count):
            return True
        steps = []
        if new < count and old + new + 1 <= most:
            steps.append((old, new + 1))  # start a new task
        if old > 0 and old + new - 1 >= keep:
            steps.append((old - 1, new))  # stop an old one
        for step in steps:
            if step not in seen:
                seen.add(step)
                frontier.append(step)
    return False


@hypothesis.settings(max_examples=400, deadline=None)
@given(count=st.integers(1, 40), min_healthy=st.integers(0, 100), max_percent=st.integers(100, 200))
def test_rolling_update_deadlocks_matches_brute_force(count: int, min_healthy: int, max_percent: int):
    assert settings.rolling_update_deadlocks(count, min_healthy, max_percent) == \
        (not can_roll_out(count, min_healthy, max_percent))


@pytest.mark.parametrize(("count", "min_healthy", "max_percent", "deadlocks"), [
    (1, 50, 100, True), (2, 50, 100, False), (1, 0, 100, False), (1, 100, 200, False), (1, 100, 199, True),
    (3, 100, 133, True), (3, 100, 134, False), (3, 67, 100, True), (3, 66, 100, False), (10, 100, 100, True),
])
def test_rolling_update_deadlocks_examples(count: int, min_healthy: int, max_percent: int, deadlocks: bool):
    assert settings.rolling_update_deadlocks(count, min_healthy, max_percent) is deadlocks
    assert can_roll_out(count, min_healthy, max_percent) is not deadlocks
