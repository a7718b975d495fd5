"""Run a Pulumi program under the SDK's mock engine and record every registration the engine would see.

The recording monitor replaces ``MockMonitor.RegisterResource``: the stock one rehydrates resource references
on a worker thread and hangs. Here references are replaced by the referenced resource's id (custom resources) or
URN (components) — what the engine hands to analyzers — and become dependency edges of the property they sit in.

Each registration's resource options are recorded as the engine holds them (``Registration.options``): ``protect``
and the provider inherited from the parent when the request leaves them unset (the engine's ``inheritFromParent``),
``deleteBeforeReplace`` only when the request defines it, custom timeouts parsed to seconds as the engine parses
them (Go durations: ``5m``, ``1h30m``), and aliases collapsed to the URNs they name.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, resource_pb2
from pulumi.runtime.settings import SETTINGS, get_root_resource, set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from preflight import datasources, remote, stackrefs

UNKNOWN = rpc.UNKNOWN
SIG_KEY = rpc._special_sig_key
RESOURCE_SIG = rpc._special_resource_sig
SECRET_SIG = rpc._special_secret_sig
#: What a recording holds for a secret stack output: the wire format's secret marker, without the value.
REDACTED_SECRET = {SIG_KEY: SECRET_SIG, "value": "[secret]"}
ACCOUNT_ID = "123456789012"


def is_secret(value: Any) -> bool:
    """Whether a recorded value is a secret (the wire format's secret marker)."""
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    custom: bool
    remote: bool
    parent: str
    provider: str
    protect: bool
    id: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    transforms: list[Callable[..., Any]] = field(default_factory=list)
    """The resource's transforms (callables): the engine runs them on its children, the mock engine does not."""
    options: dict[str, Any] = field(default_factory=dict)  # see resource_options

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn, "type": self.type, "name": self.name, "custom": self.custom, "remote": self.remote,
            "parent": self.parent, "provider": self.provider, "protect": self.protect, "id": self.id,
            "dependencies": self.dependencies, "propertyDependencies": self.property_dependencies,
            "inputs": self.inputs, "outputs": self.outputs, "options": self.options,
        }


@dataclass
class Recording:
    project: str
    stack: str
    preview: bool
    config: dict[str, str]
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)  # config keys the program got as secrets
    secret_outputs: list[str] = field(default_factory=list)  # exports that are secret
    invented: dict[str, str] = field(default_factory=dict)  # values the data sources made up → where (invented.py)

    def by_type(self, resource_type: str) -> list[Registration]:
        return [r for r in self.resources if r.type == resource_type]

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project, "stack": self.stack, "preview": self.preview, "config": self.config,
            "secretKeys": self.secret_keys, "resources": [r.to_json() for r in self.resources],
            "outputs": self.outputs, "secretOutputs": self.secret_outputs, "invented": self.invented,
        }


# ---- realistic mocked state ---------------------------------------------------------------------------------

_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc", "aws:ec2/subnet:Subnet": "subnet", "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat", "aws:ec2/eip:Eip": "eipalloc", "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc", "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/securityGroup:SecurityGroup": "sg", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr", "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt", "aws:efs/fileSystem:FileSystem": "fs",
    "aws:efs/mountTarget:MountTarget": "fsmt", "aws:efs/accessPoint:AccessPoint": "fsap",
}


def _hex(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _urn(args: pulumi_mocks.MockResourceArgs) -> str:
    """The registration's URN (set by the monitor): unique where the logical name alone is not."""
    return getattr(args, "urn", args.name)


def _physical_name(args: pulumi_mocks.MockResourceArgs) -> str:
    """The provider's auto-name: the logical name plus a random-looking suffix, unless a name is given."""
    for key in ("name", "family", "bucket", "roleName"):
        value = args.inputs.get(key)
        if isinstance(value, str) and value:
            return value
    return f"{args.name}-{_hex(_urn(args), length=7)}"


def _computed(type_: str, args: pulumi_mocks.MockResourceArgs, rid: str, region: str) -> dict[str, Any]:
    """Computed attributes shaped as AWS returns them, so policies can relate ARNs to the resources they name."""
    name = _physical_name(args)
    acct, h = ACCOUNT_ID, _hex(_urn(args))
    arn = f"arn:aws:{type_.split(':')[1].split('/')[0]}:{region}:{acct}:{name}"
    out: dict[str, Any] = {}
    if type_.startswith("aws:iam/"):
        kind = {"aws:iam/role:Role": "role", "aws:iam/instanceProfile:InstanceProfile": "instance-profile",
                "aws:iam/policy:Policy": "policy"}.get(type_)
        if kind:
            arn = f"arn:aws:iam::{acct}:{kind}/{name}"
            out.update(name=name, uniqueId=f"AROA{h[:17].upper()}")
    elif type_ == "aws:cloudwatch/logGroup:LogGroup":
        arn = f"arn:aws:logs:{region}:{acct}:log-group:{name}"
        out["name"] = name
    elif type_.startswith("aws:lb/"):
        elb = f"arn:aws:elasticloadbalancing:{region}:{acct}"
        if type_ == "aws:lb/loadBalancer:LoadBalancer":
            lb_name = name[:32]
            arn = f"{elb}:loadbalancer/app/{lb_name}/{h[:16]}"
            out.update(name=lb_name, dnsName=f"{lb_name}-{int(h[:8], 16)}.{region}.elb.amazonaws.com",
                       zoneId="Z32O12XQLNTSW2", arnSuffix=f"app/{lb_name}/{h[:16]}")
        elif type_ == "aws:lb/targetGroup:TargetGroup":
            tg_name = name[:32]
            arn = f"{elb}:targetgroup/{tg_name}/{h[:16]}"
            out.update(name=tg_name, arnSuffix=f"targetgroup/{tg_name}/{h[:16]}")
        elif type_ == "aws:lb/listener:Listener":
            arn = f"{elb}:listener/app/{name[:32]}/{h[:16]}/{_hex(_urn(args), 'l', length=16)}"
        elif type_ == "aws:lb/listenerRule:ListenerRule":
            arn = f"{elb}:listener-rule/app/{name[:32]}/{h[:16]}/{_hex(_urn(args), 'r', length=16)}"
    elif type_ == "aws:ecs/cluster:Cluster":
        arn = f"arn:aws:ecs:{region}:{acct}:cluster/{name}"
        out["name"] = name
    elif type_ == "aws:ecs/taskDefinition:TaskDefinition":
        arn = f"arn:aws:ecs:{region}:{acct}:task-definition/{name}:1"
        out.update(revision=1, arnWithoutRevision=f"arn:aws:ecs:{region}:{acct}:task-definition/{name}")
    elif type_ == "aws:ecs/service:Service":
        arn = f"arn:aws:ecs:{region}:{acct}:service/{name}"
        out["name"] = name
    elif type_ == "aws:ecs/capacityProvider:CapacityProvider":
        arn = f"arn:aws:ecs:{region}:{acct}:capacity-provider/{name}"
        out["name"] = name
    elif type_ == "aws:ecr/repository:Repository":
        arn = f"arn:aws:ecr:{region}:{acct}:repository/{name}"
        out.update(name=name, repositoryUrl=f"{acct}.dkr.ecr.{region}.amazonaws.com/{name}", registryId=acct)
    elif type_ == "aws:s3/bucket:Bucket" or type_ == "aws:s3/bucketV2:BucketV2":
        arn = f"arn:aws:s3:::{name}"
        out.update(bucket=name, bucketDomainName=f"{name}.s3.amazonaws.com",
                   bucketRegionalDomainName=f"{name}.s3.{region}.amazonaws.com")
    elif type_ == "aws:sqs/queue:Queue":
        arn = f"arn:aws:sqs:{region}:{acct}:{name}"
        out.update(name=name, url=f"https://sqs.{region}.amazonaws.com/{acct}/{name}")
    elif type_ == "aws:dynamodb/table:Table":
        arn = f"arn:aws:dynamodb:{region}:{acct}:table/{name}"
        out.update(name=name, streamArn=f"{arn}/stream/2026-01-01T00:00:00.000")
    elif type_ == "aws:autoscaling/group:Group":
        arn = f"arn:aws:autoscaling:{region}:{acct}:autoScalingGroup:{_hex(name, length=8)}:autoScalingGroupName/{name}"
        out["name"] = name
    elif type_ == "aws:ec2/launchTemplate:LaunchTemplate":
        arn = f"arn:aws:ec2:{region}:{acct}:launch-template/{rid}"
        out.update(latestVersion=1, defaultVersion=1)
    elif type_.startswith("aws:ec2/") or type_.startswith("aws:vpc/"):
        kind = type_.split(":")[-1]
        arn = f"arn:aws:ec2:{region}:{acct}:{kind[0].lower() + kind[1:]}/{rid}"
        if type_ == "aws:ec2/vpc:Vpc":
            out.update(defaultSecurityGroupId=f"sg-{_hex(_urn(args), 'default')}", mainRouteTableId=f"rtb-{h}",
                       defaultNetworkAclId=f"acl-{h}")
        elif type_ == "aws:ec2/eip:Eip":
            out.update(publicIp=f"203.0.113.{int(h[:2], 16) % 254 + 1}", allocationId=rid)
    elif type_ == "aws:efs/fileSystem:FileSystem":
        arn = f"arn:aws:elasticfilesystem:{region}:{acct}:file-system/{rid}"
        out["dnsName"] = f"{rid}.efs.{region}.amazonaws.com"
    elif type_ == "aws:efs/accessPoint:AccessPoint":
        arn = f"arn:aws:elasticfilesystem:{region}:{acct}:access-point/{rid}"
    elif type_ == "aws:kms/key:Key":
        arn = f"arn:aws:kms:{region}:{acct}:key/{rid}"
        out["keyId"] = rid
    elif type_ == "aws:cloudwatch/eventRule:EventRule":
        arn = f"arn:aws:events:{region}:{acct}:rule/{name}"
        out["name"] = name
    elif type_ == "aws:cloudwatch/eventTarget:EventTarget":
        arn = args.inputs.get("arn", "")  # an input: what the target invokes (a cluster, a queue, a function)
    elif type_ == "aws:cloudwatch/metricAlarm:MetricAlarm":
        arn = f"arn:aws:cloudwatch:{region}:{acct}:alarm:{name}"
    elif type_ == "aws:appautoscaling/policy:Policy":
        uuid = "-".join((h[:8], h[8:12], h[12:16], _hex(_urn(args), "p", length=4), _hex(_urn(args), "q", length=12)))
        arn = (f"arn:aws:autoscaling:{region}:{acct}:scalingPolicy:{uuid}:resource/"
               f"{args.inputs.get('serviceNamespace', 'ecs')}/{args.inputs.get('resourceId', '')}:policyName/{name}")
        out["name"] = name
    out["arn"] = arn
    return out


class PlatformMocks(pulumi.runtime.Mocks):
    """Mocks that answer like AWS: ids with AWS's prefixes and ARNs in AWS's formats.

    In a preview, a new resource's computed attributes are not known: the mocks return only the inputs, and the
    SDK turns every output the program reads from them into an unknown value — as a real preview of a new stack.
    """

    def __init__(self, region: str, preview: bool) -> None:
        self.region = region
        self.preview = preview
        self.data = datasources.DataSources(region)
        self.children: remote.Children = {}
        """Children of remote components that their outputs refer to, for the monitor to look up by URN."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict]:
        if args.typ == stackrefs.TYPE:
            return stackrefs.read(args.inputs.get("name") or args.resource_id or args.name)
        state = dict(args.inputs)
        if self.preview:
            return "", state
        if args.typ in remote.COMPONENTS:
            state.update(remote.COMPONENTS[args.typ](_urn(args), args.name, state, self.region, self.children))
            return "", state
        prefix = _ID_PREFIX.get(args.typ)
        rid = f"{prefix}-{_hex(_urn(args))}" if prefix else _physical_name(args)
        computed = _computed(args.typ, args, rid, self.region)
        state.update({k: v for k, v in computed.items() if k not in state or k == "arn"})
        state.setdefault("id", rid)
        return rid, state

    def call(self, args: pulumi_mocks.MockCallArgs) -> dict | tuple[dict, list[tuple[str, str]]]:
        if args.token in remote.CALLS:
            return remote.CALLS[args.token](dict(args.args))
        result, failures = self.data.call(args.token, args.args)
        return (result, failures) if failures else result


# ---- the recording monitor ----------------------------------------------------------------------------------


def _replace_references(value: Any, preview: bool, found: list[str]) -> Any:
    """Replace resource references (wire-format JSON) by id or URN, collecting the referenced URNs."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == RESOURCE_SIG:
            urn = value.get("urn", "")
            found.append(urn)
            if "id" in value:  # a custom resource
                rid = value.get("id") or ""
                return rid if rid and rid != UNKNOWN else UNKNOWN
            return urn
        return {k: _replace_references(v, preview, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_references(v, preview, found) for v in value]
    return value


_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def duration_seconds(text: str) -> float:
    """Go's ``time.ParseDuration`` in seconds, as the engine reads a custom timeout (``5m``, ``1h30m``, ``1.5s``)."""
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0.0
    seconds, position = 0.0, 0
    while position < len(body):
        match = _DURATION_PART.match(body, position)
        if match is None or match.group(1) in ("", "."):
            raise ValueError(f"unable to parse customTimeout Value {text}")
        seconds += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if not body:
        raise ValueError(f"unable to parse customTimeout Value {text}")
    return -seconds if text.startswith("-") else seconds


def _alias_urn(alias: Any, request: Any, parent: str, project: str, stack: str) -> str:
    """The URN an alias names, collapsed as the engine's step generator does (defaults from the resource)."""
    if alias.WhichOneof("alias") == "urn":
        return alias.urn
    spec = alias.spec
    alias_parent = spec.parentUrn if spec.WhichOneof("parent") == "parentUrn" and spec.parentUrn else parent
    if spec.WhichOneof("parent") == "noParent" and spec.noParent:
        alias_parent = ""
    if alias_parent.split("::")[2:3] == ["pulumi:pulumi:Stack"]:
        alias_parent = ""
    type_, name = spec.type or request.type, spec.name or request.name
    prefix = (f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::" if not alias_parent
              else alias_parent[:alias_parent.rindex("::")] + "$")
    return f"{prefix}{type_}::{name}"


Listener = Callable[[Registration, Mapping[str, str]], None]
"""Told of each registration as it is recorded, with the invented values so far (see ``run``)."""


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: PlatformMocks, registrations: list[Registration] | None = None, *,
                 project: str = "", stack: str = "", listener: Listener | None = None) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = [] if registrations is None else registrations
        self.project, self.stack = project, stack
        self.listener = listener
        self._goals: dict[str, tuple[bool | None, str]] = {}  # urn → (protect as requested or inherited, provider)

    def resource_options(self, request: Any) -> tuple[dict[str, Any], str, bool | None]:
        """The resource's options as the engine holds them, its provider reference and its ``protect`` (both
        inherited from the parent when unset)."""
        protect: bool | None = request.protect if request.HasField("protect") else None
        provider = request.provider
        parent_protect, parent_provider = self._goals.get(request.parent, (None, ""))
        if protect is None:
            protect = parent_protect
        if not provider and parent_provider:
            # The engine inherits the parent's provider for components, and for resources of the provider's package.
            package = parent_provider.split("::")[2].split(":")[-1] if parent_provider.count("::") >= 3 else ""
            if (not request.custom and not request.remote) or package == request.type.split(":", 1)[0]:
                provider = parent_provider
        defined = request.deleteBeforeReplaceDefined or request.deleteBeforeReplace
        timeouts: dict[str, float] = {}
        if request.HasField("customTimeouts"):
            for which in ("create", "update", "delete", "read"):
                text = getattr(request.customTimeouts, which)
                if text:
                    timeouts[which] = duration_seconds(text)
        aliases = [_alias_urn(a, request, request.parent, self.project, self.stack) for a in request.aliases]
        aliases += [u for u in request.aliasURNs if u not in aliases]
        options = {
            "protect": bool(protect),
            "ignoreChanges": list(request.ignoreChanges),
            "deleteBeforeReplace": bool(request.deleteBeforeReplace) if defined else None,
            "additionalSecretOutputs": list(request.additionalSecretOutputs),
            "aliases": aliases,
            "customTimeouts": timeouts,
            "replaceOnChanges": list(request.replaceOnChanges),
            "retainOnDelete": request.retainOnDelete if request.HasField("retainOnDelete") else None,
            "deletedWith": request.deletedWith,
            "importId": request.importId,
            "version": request.version,
        }
        return options, provider, protect

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine leaves the root stack out of its children's type chain.
        if parent.split("::")[2:3] == ["pulumi:pulumi:Stack"]:
            parent = ""
        return super().make_urn(parent, type_, name)

    def Call(self, request):  # noqa: N802 - gRPC method name
        """A resource method (``eks.Cluster.get_kubeconfig()``), answered like a data source; the stock mock
        monitor has none. ``__self__`` arrives as the resource's id or URN."""
        args = _replace_references(json_format.MessageToDict(request.args), self.mocks.preview, [])
        struct = struct_pb2.Struct()
        json_format.ParseDict(args, struct)
        result, failures = self.mocks.data.call(request.tok, rpc.deserialize_properties(struct))
        return provider_pb2.CallResponse(
            failures=[provider_pb2.CheckFailure(property=p, reason=r) for p, r in failures],
            **{"return": _sync_await(rpc.serialize_properties(result, {}))})

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            self._goals[urn] = (request.protect if request.HasField("protect") else None, request.provider)
            return resource_pb2.RegisterResourceResponse(urn=urn)
        options, provider, protect = self.resource_options(request)
        self._goals[urn] = (protect, provider)

        wire = json_format.MessageToDict(request.object)
        inputs: dict[str, Any] = {}
        property_dependencies = {k: list(v.urns) for k, v in request.propertyDependencies.items()}
        dependencies = list(request.dependencies)
        for key, value in wire.items():
            referenced: list[str] = []
            inputs[key] = _replace_references(value, self.mocks.preview, referenced)
            for ref in referenced:
                property_dependencies.setdefault(key, [])
                if ref not in property_dependencies[key]:
                    property_dependencies[key].append(ref)
                if ref not in dependencies:
                    dependencies.append(ref)

        struct = struct_pb2.Struct()
        json_format.ParseDict(inputs, struct)
        plain_inputs = rpc.deserialize_properties(struct)
        args = pulumi_mocks.MockResourceArgs(
            typ=request.type, name=request.name, inputs=plain_inputs, provider=provider,
            resource_id=request.importId, custom=request.custom or False,
        )
        args.urn = urn  # type: ignore[attr-defined]
        rid, state = self.mocks.new_resource(args)
        rid = rid or ""
        state_struct = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, rid, state)
        for child, (child_id, child_state) in self.mocks.children.items():  # read by URN, never registered
            self.resources[child] = pulumi_mocks.MockMonitor.ResourceRegistration(child, child_id, child_state)
        self.mocks.children.clear()
        registration = Registration(
            urn=urn, type=request.type, name=request.name, custom=bool(request.custom), remote=bool(request.remote),
            parent=request.parent, provider=provider, protect=options["protect"], id=rid,
            dependencies=dependencies, property_dependencies=property_dependencies, inputs=inputs,
            outputs=json.loads(json.dumps(json_format.MessageToDict(state_struct), default=str)), options=options,
            # The SDK's own mock monitor resolves transform callbacks the same way.
            transforms=pulumi_mocks._resolve_callbacks(request.transforms),
        )
        self.registrations.append(registration)
        if self.listener is not None:
            self.listener(registration, self.mocks.data.invented.values)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=rid, object=state_struct)


def run(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    config: Mapping[str, str],
    preview: bool = False,
    registrations: list[Registration] | None = None,
    secret_keys: Sequence[str] = (),
    listener: Listener | None = None,
) -> Recording:
    """Run ``program`` as the body of a fresh root stack and return what it registered.

    Re-entrant within one process (tests run many programs): the root stack, config and pending outputs are reset
    before each run. Errors raised by the program, or inside ``apply``, propagate to the caller; pass your own
    ``registrations`` list to see what was registered before one was raised. ``secret_keys`` are the config keys
    the program gets as secrets (the CLI's secure values). ``listener`` is called with each registration as it is
    recorded, and the values the data sources have invented so far (registrations may come from several threads).
    """
    region = config.get("aws:region", "us-east-1")
    mocks = PlatformMocks(region=region, preview=preview)
    monitor = RecordingMonitor(mocks, registrations, project=project, stack=stack, listener=listener)
    pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    SETTINGS.rpc_manager.clear()
    SETTINGS.outputs.clear()
    set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    root = get_root_resource()

    _sync_await(run_pulumi_func(program))
    exported = dict(getattr(root, "outputs", {}) or {})
    outputs: dict[str, Any] = {}
    secret_outputs: list[str] = []
    for key, value in exported.items():
        output = pulumi.Output.from_input(value)
        # A secret export is recorded as a secret, and its value never reaches the recording.
        if _sync_await(output.is_secret()):
            outputs[key] = REDACTED_SECRET
            secret_outputs.append(key)
        else:
            outputs[key] = _sync_await(output.future(with_unknowns=True))
    recording = Recording(project=project, stack=stack, preview=preview, config=dict(config),
                          resources=monitor.registrations, secret_keys=sorted(secret_keys))
    recording.outputs = json.loads(json.dumps(outputs or {}, default=lambda v: UNKNOWN if isinstance(
        v, pulumi.output.Unknown) else None))
    recording.secret_outputs = secret_outputs
    recording.invented = dict(mocks.data.invented.values)
    return recording
