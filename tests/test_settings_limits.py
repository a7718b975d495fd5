"""What AWS would refuse is refused by settings, naming the key: each rule at its documented edge (accepted) and
just past it (refused), and rules that relate two values tested with the two different."""

from __future__ import annotations

import json
from typing import Any

import pytest

import settings
from settings.services import MOVING_TAGS, max_name_length
from tests.test_settings import P, S, _set, error, raw

# ---- Fargate task sizes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cpu", "memory"), [(256, 512), (256, 2048), (512, 1024), (512, 4096), (4096, 30720),
                                             (8192, 61440), (16384, 32768), (16384, 122880)])
def test_fargate_sizes_at_their_edges_are_accepted(cpu: int, memory: int):
    s = settings.load("prod", raw("prod", edit_services=_set("api", cpu=cpu, memory=memory)))
    assert (s.services[1].cpu, s.services[1].memory) == (cpu, memory)


@pytest.mark.parametrize(("cpu", "memory", "allowed"), [
    (256, 256, "512, 1024, 2048 MiB"), (256, 3072, "512, 1024, 2048 MiB"),
    (512, 512, "1024 to 4096 MiB in steps of 1024"), (512, 5120, "1024 to 4096 MiB in steps of 1024"),
    (8192, 63488, "16384 to 61440 MiB in steps of 4096"), (16384, 131072, "32768 to 122880 MiB in steps of 8192"),
    (1024, 2500, "2048 to 8192 MiB in steps of 1024"),
])
def test_fargate_memory_just_past_the_pair_is_refused(cpu: int, memory: int, allowed: str):
    assert error("prod", edit_services=_set("api", cpu=cpu, memory=memory)) == \
        f"Pulumi.prod.yaml: {S}[api].memory must be valid with cpu {cpu} on Fargate: {allowed} (got {memory})"


@pytest.mark.parametrize("cpu", [128, 384, 32768])
def test_fargate_cpu_outside_the_table_is_refused(cpu: int):
    assert error("prod", edit_services=_set("api", cpu=cpu)) == (
        f"Pulumi.prod.yaml: {S}[api].cpu must be a Fargate task size: one of 256, 512, 1024, 2048, 4096, 8192, "
        f"16384 CPU units (got {cpu})")


def test_ec2_tasks_are_not_held_to_fargate_sizes():
    s = settings.load("prod", raw("prod", edit_services=_set("web", cpu=384, memory=700)))
    assert (s.services[0].cpu, s.services[0].memory) == (384, 700)


# ---- names -----------------------------------------------------------------------------------------------------


def test_the_longest_name_leaves_room_for_the_target_group():
    assert max_name_length() == 21  # "<name>-tg-<7 hex>" within the target group's 32 characters
    name = "a" * 21
    s = settings.load("prod", raw("prod", edit_services=_set("api", name=name)))
    assert s.services[1].name == name


def test_a_name_one_longer_is_refused_naming_the_child_that_would_not_fit():
    name = "a" * 22
    assert error("prod", edit_services=_set("api", name=name)) == (
        f'Pulumi.prod.yaml: {S}[{name}].name must be lowercase letters, digits and hyphens, starting with a letter, '
        f'up to 21 characters (its target group would be named {name}-tg-<7 hex digits>, over AWS\'s 32) '
        f'(got "{name}")')


# ---- listener rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "priority"), [("api", 1), ("api", 999), ("web", 49000), ("web", 50000),
                                                  ("api", 49000)])
def test_platform_priorities_at_their_edges(service: str, priority: int):
    s = settings.load("prod", raw("prod", edit_services=_set(service, priority=priority)))
    assert {x.name: x.priority for x in s.services}[service] == priority


@pytest.mark.parametrize("priority", [0, 1000, 48999, 50001])
def test_priorities_left_to_other_projects_or_past_elbs_are_refused(priority: int):
    assert error("prod", edit_services=_set("api", priority=priority)) == (
        f"Pulumi.prod.yaml: {S}[api].priority must be 1..999, or 49000..50000 for a catch-all (1000..48999 are left "
        f"to other projects) (got {priority})")


@pytest.mark.parametrize("path", ["/*", "*"])
def test_a_catch_all_before_the_rules_of_other_projects_is_refused(path: str):
    assert error("prod", edit_services=_set("web", priority=999, path=path)) == (
        f"Pulumi.prod.yaml: {S}[web].priority must be 49000..50000 for a catch-all (path {path!r} on any host): after "
        f"the rules other projects attach (1000..48999), whose traffic it would otherwise take (got 999)")


@pytest.mark.parametrize(("path", "host"), [("/*", "www.example.com"), ("/", None), ("/w*", None)])
def test_rules_that_leave_other_paths_or_hosts_may_come_first(path: str, host: str | None):
    changes = {"priority": 999, "path": path, **({"host": host} if host else {})}
    s = settings.load("prod", raw("prod", edit_services=_set("web", **changes)))
    assert {x.name: x.priority for x in s.services}["web"] == 999


def test_priority_is_required():
    def drop(services: list[Any]) -> None:
        services[1].pop("priority")

    assert error("prod", edit_services=drop) == f"Pulumi.prod.yaml: {S}[api].priority is required"


def test_two_services_with_one_priority_are_refused_naming_both():
    assert error("prod", edit_services=_set("api", priority=50000)) == (
        f"Pulumi.prod.yaml: {S}[web] and {S}[api] have the same priority (50000); listener rule priorities must be "
        f"unique")


def test_two_services_on_one_path_and_host_are_refused_naming_both():
    assert error("prod", edit_services=_set("api", path="/*", priority=49000)) == (
        f"Pulumi.prod.yaml: {S}[web] and {S}[api] route the same path '/*' and host (any); one would never get "
        f"traffic")


def test_a_catch_all_before_a_narrower_path_is_refused():
    message = error("prod", edit_services=_set("web", priority=200, path="/api/v1/*"))
    assert message == (f"Pulumi.prod.yaml: {S}[api] (priority 100, path '/api/*') would take all traffic of {S}[web] "
                       f"(priority 200, path '/api/v1/*'); give web the lower priority")


def test_the_same_path_on_different_hosts_is_fine():
    def edit(services: list[Any]) -> None:
        services[0].update(path="/api/*", host="www.example.com")
        services[1].update(host="api.example.com")

    s = settings.load("prod", raw("prod", edit_services=edit))
    assert [(x.path, x.host) for x in s.services] == [("/api/*", "www.example.com"), ("/api/*", "api.example.com")]


def test_a_rule_without_host_before_one_with_a_host_on_its_path_is_refused():
    def edit(services: list[Any]) -> None:
        services[0].update(path="/api/*", priority=50)
        services[1].update(host="api.example.com")

    assert "would take all traffic of" in error("prod", edit_services=edit)


def test_a_host_rule_before_a_hostless_one_is_fine():
    def edit(services: list[Any]) -> None:
        services[0].update(path="/api/*", host="api.example.com", priority=50)

    s = settings.load("prod", raw("prod", edit_services=edit))
    assert s.services[0].priority == 50


@pytest.mark.parametrize(("key", "value", "ok"), [
    ("path", "/" + "a" * 127, True), ("path", "/" + "a" * 128, False), ("path", "/a b", False),
    ("host", "a" * 124 + ".com", True), ("host", "a" * 125 + ".com", False), ("host", "localhost", False),
    ("host", "api.example.c0m", False), ("host", "*.example.com", True),
    ("healthCheckPath", "/" + "h" * 1023, True), ("healthCheckPath", "/" + "h" * 1024, False),
    ("healthCheckPath", "health", False),
])
def test_rule_values_at_and_past_the_elb_limits(key: str, value: str, ok: bool):
    edit = _set("api", **{key: value})
    if ok:
        assert getattr(settings.load("prod", raw("prod", edit_services=edit)).services[1],
                       {"healthCheckPath": "health_check_path"}.get(key, key)) == value
    else:
        assert error("prod", edit_services=edit).startswith(f"Pulumi.prod.yaml: {S}[api].{key} must ")


# ---- images ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", sorted(MOVING_TAGS) + ["prod", "LATEST"])
def test_moving_tags_are_refused_for_the_immutable_repository(tag: str):
    assert error("prod", edit_services=_set("api", imageTag=tag)) == (
        f'Pulumi.prod.yaml: {S}[api].imageTag must name one release (e.g. 1.4.2 or a commit id): the repository\'s '
        f'tags are immutable, so a moving tag such as latest can be pushed only once (got "{tag}")')


@pytest.mark.parametrize("tag", ["1.4.2", "3f2c1ab", "v2025.11.29-1", "dev-3f2c1ab", "a" * 128])
def test_release_tags_are_accepted(tag: str):
    assert settings.load("prod", raw("prod", edit_services=_set("api", imageTag=tag))).services[1].image_tag == tag


@pytest.mark.parametrize("tag", ["a" * 129, "-rc1", ".hidden", "1.0/2"])
def test_malformed_tags_are_refused(tag: str):
    assert error("prod", edit_services=_set("api", imageTag=tag)).startswith(
        f"Pulumi.prod.yaml: {S}[api].imageTag must be an image tag")


def test_a_repository_needs_a_tag():
    def drop(services: list[Any]) -> None:
        services[1].pop("imageTag")

    assert error("prod", edit_services=drop) == (
        f"Pulumi.prod.yaml: {S}[api].imageTag is required with repository (the release to run)")


def test_a_tag_beside_an_external_image_is_refused():
    assert error("prod", edit_services=_set("web", imageTag="1.0.0")) == (
        f'Pulumi.prod.yaml: {S}[web].imageTag is only for an image from repository; put the tag in image '
        f'(got "1.0.0")')


def test_a_service_needs_an_image_or_a_repository():
    """A service no longer builds a repository of its own: it names one of container-platform:repositories."""
    def drop(services: list[Any]) -> None:
        services[1].pop("repository")

    assert error("prod", edit_services=drop) == (
        f"Pulumi.prod.yaml: {S}[api] needs image, or repository (one of {P}repositories) with imageTag")


def test_an_image_and_a_repository_are_refused_together():
    assert error("prod", edit_services=_set("web", repository="api")) == (
        f'Pulumi.prod.yaml: {S}[web].repository is only for services without image; the image comes from one or the '
        f'other (got "api")')


# ---- exec, keys, egress -----------------------------------------------------------------------------------------


def test_exec_needs_a_writable_root_filesystem():
    assert error("prod", edit_services=_set("api", enableExecuteCommand=True)) == (
        f"Pulumi.prod.yaml: {S}[api].enableExecuteCommand needs readOnlyRootFilesystem: false (the SSM agent ECS "
        f"Exec runs in the container writes to its filesystem) (got true)")
    s = settings.load("prod", raw("prod", edit_services=_set("web", enableExecuteCommand=True)))
    assert [x.enable_execute_command for x in s.services] == [True, False]


KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_secrets_kms_keys_are_key_arns():
    s = settings.load("prod", raw("prod", edit_services=_set("api", secretsKmsKeys=[KEY])))
    assert s.services[1].secrets_kms_keys == (KEY,)
    alias = "arn:aws:kms:eu-west-1:123456789012:alias/app"
    assert error("prod", edit_services=_set("api", secretsKmsKeys=[alias])) == (
        f'Pulumi.prod.yaml: {S}[api].secretsKmsKeys[0] must be the ARN of a KMS key in partition aws (key/<id>; '
        f'aliases do not work in IAM policies) (got "{alias}")')
    assert error("prod", edit_services=_set("web", secretsKmsKeys=[KEY])).endswith(
        "secretsKmsKeys is only needed with secrets (got [\"" + KEY + "\"])")


DB_SG = "sg-0123456789abcdef0"


@pytest.mark.parametrize(("rule", "expected"), [
    ({"port": 5432, "securityGroupId": DB_SG}, ("tcp", 5432, 5432, DB_SG)),
    ({"port": 1, "cidr": "10.0.0.0/8"}, ("tcp", 1, 1, "10.0.0.0/8")),
    ({"port": 65535, "cidr": "10.0.0.0/8"}, ("tcp", 65535, 65535, "10.0.0.0/8")),
    ({"fromPort": 6379, "toPort": 6380, "protocol": "tcp", "cidr": "10.0.0.0/16"}, ("tcp", 6379, 6380, "10.0.0.0/16")),
    ({"port": 53, "protocol": "udp", "cidr": "10.0.0.2/32"}, ("udp", 53, 53, "10.0.0.2/32")),
    ({"port": 443, "prefixListId": "pl-6ea54007"}, ("tcp", 443, 443, "pl-6ea54007")),
    ({"port": 443, "cidr": "2001:db8::/32"}, ("tcp", 443, 443, "2001:db8::/32")),
])
def test_egress_rules_name_ports_and_one_destination(rule: dict, expected: tuple):
    s = settings.load("prod", raw("prod", edit_services=_set("api", egress=[rule])))
    [got] = s.services[1].egress
    assert (got.protocol, got.from_port, got.to_port, got.destination) == expected


@pytest.mark.parametrize(("rule", "problem"), [
    ({"port": 0, "cidr": "10.0.0.0/8"}, "must have ports 1..65535 with fromPort <= toPort"),
    ({"port": 65536, "cidr": "10.0.0.0/8"}, "must have ports 1..65535 with fromPort <= toPort"),
    ({"fromPort": 6380, "toPort": 6379, "cidr": "10.0.0.0/8"}, "must have ports 1..65535 with fromPort <= toPort"),
    ({"fromPort": 6380, "cidr": "10.0.0.0/8"}, "must give its port (port, or fromPort and toPort)"),
    ({"port": 5432, "fromPort": 5432, "toPort": 5432, "cidr": "10.0.0.0/8"},
     "must give port, or fromPort and toPort, not both"),
    ({"port": 5432}, "must name exactly one destination: cidr, securityGroupId or prefixListId"),
    ({"port": 5432, "cidr": "10.0.0.0/8", "securityGroupId": DB_SG},
     "must name exactly one destination: cidr, securityGroupId or prefixListId"),
    ({"port": 443, "cidr": "0.0.0.0/0"}, "repeats a rule the service already has (HTTPS to 0.0.0.0/0 is always there)"),
])
def test_egress_rules_refused(rule: dict, problem: str):
    assert error("prod", edit_services=_set("api", egress=[rule])) == \
        f"Pulumi.prod.yaml: {S}[api].egress[0] {problem} (got {json.dumps(rule)})"


@pytest.mark.parametrize(("rule", "key", "problem"), [
    ({"port": 5432, "protocol": "all", "cidr": "10.0.0.0/8"}, "protocol",
     'must be tcp or udp (every rule names its ports) (got "all")'),
    ({"port": 5432, "cidr": "10.0.0.1/8"}, "cidr", 'must be a CIDR block (got "10.0.0.1/8")'),
    ({"port": 5432, "securityGroupId": "db"}, "securityGroupId", 'must be a security group id (sg-…) (got "db")'),
])
def test_egress_rule_values_refused(rule: dict, key: str, problem: str):
    assert error("prod", edit_services=_set("api", egress=[rule])) == \
        f"Pulumi.prod.yaml: {S}[api].egress[0].{key} {problem}"


def test_the_same_egress_rule_twice_is_refused():
    rule = {"port": 5432, "securityGroupId": DB_SG}
    assert error("prod", edit_services=_set("api", egress=[rule, dict(rule, description="again")])).startswith(
        f"Pulumi.prod.yaml: {S}[api].egress[1] repeats a rule the service already has")


# ---- stack-level values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "ok"), [("m6i.large", True), ("t3.nano", True), ("m6i.huge", False),
                                           ("m7g.large", False), ("t4g.small", False), ("a1.medium", False)])
def test_instance_types_come_from_the_ec2_model(value: str, ok: bool):
    changes = {f"{P}instanceType": value}
    if ok:
        assert settings.load("prod", raw("prod", changes)).capacity.instance_type == value
    else:
        assert error("prod", changes).startswith(f'Pulumi.prod.yaml: {P}instanceType must be an ')


def test_an_instance_type_typo_gets_a_hint():
    assert error("prod", {f"{P}instanceType": "m6i.larg"}) == \
        f'Pulumi.prod.yaml: {P}instanceType must be an EC2 instance type; did you mean m6i.large? (got "m6i.larg")'


@pytest.mark.parametrize(("value", "ok"), [("", True), ("ami-0123abcd", True), ("ami-0123456789abcdef0", True),
                                           ("ami-0123abc", False), ("ami-0123456789abcdef", False),
                                           ("0123abcd", False)])
def test_pinned_amis(value: str, ok: bool):
    changes = {f"{P}ecsAmiId": value}
    if ok:
        assert settings.load("prod", raw("prod", changes)).capacity.ami_id == (value or None)
    else:
        assert error("prod", changes) == (f'Pulumi.prod.yaml: {P}ecsAmiId must be an AMI id (ami- and 8 or 17 hex '
                                          f'digits) or empty (got "{value}")')


def test_the_certificate_must_be_in_the_stack_region():
    other = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000002"
    assert error("prod", {f"{P}albCertificateArn": other}) == (
        f"Pulumi.prod.yaml: {P}albCertificateArn must be a certificate in the stack's region eu-west-1 (partition "
        f"aws): a load balancer uses ACM certificates of its own region only (got \"{other}\")")


def _tags(n: int) -> str:
    return json.dumps({f"k{i}": "v" for i in range(n)})


@pytest.mark.parametrize(("tags", "ok"), [
    (_tags(45), True), (_tags(46), False),
    (json.dumps({"k" * 128: "v"}), True), (json.dumps({"k" * 129: "v"}), False),
    (json.dumps({"k": "v" * 256}), True), (json.dumps({"k": "v" * 257}), False),
    (json.dumps({"team": ""}), True), (json.dumps({"": "v"}), False),
    (json.dumps({"aws:team": "x"}), False), (json.dumps({"AWS:team": "x"}), False),
    (json.dumps({"stack": "x"}), False), (json.dumps({"Name": "x"}), False), (json.dumps({"team": "a|b"}), False),
    (json.dumps({"cost-center": "Zürich 4/2"}), True),
])
def test_tags_within_what_aws_accepts(tags: str, ok: bool):
    # Without EKS, whose subnet tag takes one more (tests/test_settings_eks.py).
    changes = {f"{P}tags": tags, f"{P}eksEnabled": "false"}
    if ok:
        assert dict(settings.load("prod", raw("prod", changes)).tags) == json.loads(tags)
    else:
        assert error("prod", changes).startswith(f"Pulumi.prod.yaml: {P}tags must ")


def test_wait_for_steady_state_reaches_every_service():
    s = settings.load("staging", raw("staging", {f"{P}waitForSteadyState": "true"}))
    assert [x.wait_for_steady_state for x in s.services] == [True, True]
    prod = settings.load("prod", raw("prod"))
    assert [x.wait_for_steady_state for x in prod.services] == [True, True]
    dev = settings.load("dev", raw("dev"))
    assert [x.wait_for_steady_state for x in dev.services] == [False, False]


# ---- secrets are never shown -------------------------------------------------------------------------------------

CANARY = "postgres://canary-7d1f:hunter2@db/app"


@pytest.mark.parametrize("edit", [
    _set("api", secrets={"DATABASE_URL": CANARY}),
    _set("api", secrets={"1BAD": CANARY}),
    _set("api", secrets=CANARY),
    _set("api", secrets={"DATABASE_URL": 7, "OTHER": CANARY}),
    _set("api", environment={"DATABASE_URL": CANARY, "1X": CANARY}),
    _set("api", environment=CANARY),
], ids=["malformed-arn", "bad-name", "not-a-map", "not-a-string", "env-bad-name", "env-not-a-map"])
def test_no_message_shows_a_value_that_may_be_secret(edit):
    message = error("prod", edit_services=edit)
    assert CANARY not in message and "hunter2" not in message, message


def test_a_secure_string_value_is_unknown_and_passes_unchecked():
    s = settings.load("prod", raw("prod", {f"{P}albCertificateArn": settings.SECRET_UNKNOWN}))
    assert s.alb.certificate_arn == settings.SECRET_UNKNOWN


def test_a_secure_value_of_another_type_is_refused_without_showing_it():
    assert error("prod", {f"{P}azCount": settings.SECRET_UNKNOWN}) == \
        f"Pulumi.prod.yaml: {P}azCount is secure (encrypted), but it is an integer, not a secret string"


@pytest.mark.parametrize(("stack", "ok"), [("dev", True), ("feature-42", True), ("a" * 32, True), ("a" * 33, False),
                                           ("Prod", False), ("feature_x", False), ("1dev", False)])
def test_stack_names_fit_the_physical_names_they_become_part_of(stack: str, ok: bool):
    values = raw("dev")
    if ok:
        assert settings.load(stack, values).stack == stack
    else:
        with pytest.raises(settings.ConfigError) as info:
            settings.load(stack, values)
        assert str(info.value) == (
            f"Pulumi.{stack}.yaml: the stack name {stack!r} must be lowercase letters, digits and hyphens, starting "
            f"with a letter, up to 32 characters: it becomes part of repository, task family and log group names")
