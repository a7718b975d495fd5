"""The recording monitor keeps every resource option the engine would hold, and config secrets stay secret."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from preflight import engine

PROJECT, STACK = "proj", "dev"


def run(program, config=None, secret_keys=()):
    return engine.run(program, project=PROJECT, stack=STACK, config={"aws:region": "eu-west-1", **(config or {})},
                      secret_keys=secret_keys)


def by_name(recording):
    return {r.name: r for r in recording.resources}


def test_every_option_of_the_request_is_recorded():
    def program():
        aws.sqs.Queue("queue", opts=pulumi.ResourceOptions(
            ignore_changes=["tags", "delay_seconds"], delete_before_replace=True, protect=True,
            additional_secret_outputs=["url"], retain_on_delete=True, replace_on_changes=["name"],
            custom_timeouts=pulumi.CustomTimeouts(create="5m", update="1h30m", delete="90s"),
            aliases=[pulumi.Alias(name="old-queue")]))
        aws.sqs.Queue("plain")

    resources = by_name(run(program))
    queue, plain = resources["queue"], resources["plain"]
    assert queue.options == {
        "protect": True, "ignoreChanges": ["tags", "delaySeconds"], "deleteBeforeReplace": True,
        "additionalSecretOutputs": ["url"], "aliases": ["urn:pulumi:dev::proj::aws:sqs/queue:Queue::old-queue"],
        "customTimeouts": {"create": 300.0, "update": 5400.0, "delete": 90.0}, "replaceOnChanges": ["name"],
        "retainOnDelete": True, "deletedWith": "", "importId": "", "version": queue.options["version"],
    }
    assert queue.protect is True and queue.to_json()["options"] == queue.options
    assert (plain.options["protect"], plain.options["ignoreChanges"], plain.options["deleteBeforeReplace"],
            plain.options["customTimeouts"], plain.options["retainOnDelete"]) == (False, [], None, {}, None)


class Box(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("test:index:Box", name, None, opts)
        aws.sqs.Queue(f"{name}-queue", opts=pulumi.ResourceOptions(parent=self))
        aws.sqs.Queue(f"{name}-kept", opts=pulumi.ResourceOptions(parent=self, protect=False))
        self.register_outputs({})


def test_protect_and_provider_are_inherited_from_the_parent():
    def program():
        provider = aws.Provider("explicit", region="eu-west-1")
        Box("box", opts=pulumi.ResourceOptions(protect=True, providers=[provider]))

    resources = by_name(run(program))
    assert resources["box"].options["protect"] and resources["box-queue"].options["protect"]
    assert resources["box-kept"].options["protect"] is False
    assert resources["box-queue"].provider.startswith("urn:pulumi:dev::proj::pulumi:providers:aws::explicit::")


def test_an_alias_spec_collapses_to_the_urn_it_names():
    def program():
        parent = Box("box")
        aws.sqs.Queue("moved", opts=pulumi.ResourceOptions(parent=parent, aliases=[
            pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE), pulumi.Alias(name="renamed", type_="aws:sqs/old:Old")]))

    moved = by_name(run(program))["moved"]
    assert moved.options["aliases"] == [
        "urn:pulumi:dev::proj::aws:sqs/queue:Queue::moved",
        "urn:pulumi:dev::proj::test:index:Box$aws:sqs/old:Old::renamed",
    ]


@pytest.mark.parametrize(("text", "seconds"), [
    ("5m", 300.0), ("1h30m", 5400.0), ("1.5s", 1.5), ("300ms", 0.3), ("0", 0.0), ("-2m", -120.0), ("2h45m30s", 9930.0),
])
def test_custom_timeouts_parse_as_go_durations(text, seconds):
    assert engine.duration_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["5", "m", "", "1d", ".m", "5 m"])
def test_a_bad_duration_is_refused_as_the_engine_refuses_it(text):
    with pytest.raises(ValueError, match="unable to parse customTimeout Value"):
        engine.duration_seconds(text)


def test_secret_config_reaches_the_program_as_a_secret():
    seen = {}

    def program():
        config = pulumi.Config()
        seen["secret"] = pulumi.runtime.is_config_secret("proj:password")
        pulumi.export("password", config.get_secret("password"))
        pulumi.export("plain", config.get("size"))

    recording = run(program, {"proj:password": engine.UNKNOWN, "proj:size": "s"}, secret_keys=["proj:password"])
    assert seen == {"secret": True}
    assert recording.secret_keys == ["proj:password"] and recording.secret_outputs == ["password"]
    assert recording.to_json()["secretKeys"] == ["proj:password"]


PARENT = "urn:pulumi:dev::proj::test:index:Box::box"
PROVIDER = "urn:pulumi:dev::proj::pulumi:providers:aws::explicit::0123"


def options_of(**fields):
    from pulumi.runtime.proto import resource_pb2

    monitor = engine.RecordingMonitor(engine.PlatformMocks("eu-west-1", False), project=PROJECT, stack=STACK)
    monitor._goals[PARENT] = (True, PROVIDER)
    request = resource_pb2.RegisterResourceRequest(parent=PARENT, name="child", **fields)
    return monitor.resource_options(request)


@pytest.mark.parametrize(("fields", "inherits"), [
    ({"type": "aws:sqs/queue:Queue", "custom": True}, True),  # same package as the parent's provider
    ({"type": "random:index/id:Id", "custom": True}, False),  # another package keeps its default provider
    ({"type": "test:index:Inner"}, True),  # a component
    ({"type": "eks:index:Cluster", "remote": True}, False),  # a remote component of another package
])
def test_the_provider_is_inherited_as_the_engine_inherits_it(fields, inherits):
    options, provider, protect = options_of(**fields)
    assert provider == (PROVIDER if inherits else "") and protect is True and options["protect"] is True
    _, own, _ = options_of(provider="urn:pulumi:dev::proj::pulumi:providers:aws::mine::1", **fields)
    assert own == "urn:pulumi:dev::proj::pulumi:providers:aws::mine::1"


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, None), ({"deleteBeforeReplaceDefined": True}, False),
    ({"deleteBeforeReplace": True}, True),  # an SDK that sets the flag without "defined" (Go) still means it
])
def test_delete_before_replace_is_defined_as_the_engine_reads_it(fields, expected):
    assert options_of(type="aws:sqs/queue:Queue", custom=True, **fields)[0]["deleteBeforeReplace"] is expected


def test_alias_specs_and_urns():
    from pulumi.runtime.proto import alias_pb2

    other = "urn:pulumi:dev::proj::test:index:Other::o"
    aliases = [alias_pb2.Alias(spec=alias_pb2.Alias.Spec(noParent=True)),
               alias_pb2.Alias(spec=alias_pb2.Alias.Spec(parentUrn=other, project="old", stack="old")),
               alias_pb2.Alias(spec=alias_pb2.Alias.Spec(stack="prod", project="other")),
               alias_pb2.Alias(urn="urn:pulumi:dev::proj::aws:sqs/queue:Queue::was")]
    options, _, _ = options_of(type="aws:sqs/queue:Queue", custom=True, aliases=aliases,
                               aliasURNs=["urn:pulumi:dev::proj::aws:sqs/queue:Queue::was", "urn:x::y::z::w"])
    assert options["aliases"] == [
        "urn:pulumi:dev::proj::aws:sqs/queue:Queue::child",
        "urn:pulumi:dev::proj::test:index:Other$aws:sqs/queue:Queue::child",
        "urn:pulumi:dev::proj::test:index:Box$aws:sqs/queue:Queue::child",
        "urn:pulumi:dev::proj::aws:sqs/queue:Queue::was",
        "urn:x::y::z::w",
    ]
