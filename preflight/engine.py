"""Run a Pulumi program under the SDK's mock engine and record every registration the engine would see.

The recording monitor replaces ``MockMonitor.RegisterResource``: the stock one rehydrates resource references
on a worker thread and hangs. Here references are replaced by the referenced resource's id (custom resources) or
URN (components) — what the engine hands to analyzers — and become dependency edges of the property they sit in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import SETTINGS, get_root_resource, set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

UNKNOWN = rpc.UNKNOWN
SIG_KEY = rpc._special_sig_key
RESOURCE_SIG = rpc._special_resource_sig
ACCOUNT_ID = "123456789012"


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

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn, "type": self.type, "name": self.name, "custom": self.custom, "remote": self.remote,
            "parent": self.parent, "provider": self.provider, "protect": self.protect, "id": self.id,
            "dependencies": self.dependencies, "propertyDependencies": self.property_dependencies,
            "inputs": self.inputs, "outputs": self.outputs,
        }


@dataclass
class Recording:
    project: str
    stack: str
    preview: bool
    config: dict[str, str]
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def by_type(self, resource_type: str) -> list[Registration]:
        return [r for r in self.resources if r.type == resource_type]

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project, "stack": self.stack, "preview": self.preview, "config": self.config,
            "resources": [r.to_json() for r in self.resources], "outputs": self.outputs,
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

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict]:
        state = dict(args.inputs)
        if self.preview:
            return "", state
        prefix = _ID_PREFIX.get(args.typ)
        rid = f"{prefix}-{_hex(_urn(args))}" if prefix else _physical_name(args)
        computed = _computed(args.typ, args, rid, self.region)
        state.update({k: v for k, v in computed.items() if k not in state or k == "arn"})
        state.setdefault("id", rid)
        return rid, state

    def call(self, args: pulumi_mocks.MockCallArgs) -> dict:
        token = args.token
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/preflight",
                    "userId": "AIDAPREFLIGHT", "id": ACCOUNT_ID}
        if token == "aws:index/getRegion:getRegion":
            return {"name": self.region, "region": self.region, "id": self.region}
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{self.region}{s}" for s in "abcdef"]
            return {"names": names, "zoneIds": [f"euw1-az{i + 1}" for i in range(len(names))],
                    "id": self.region}
        if token == "aws:elb/getServiceAccount:getServiceAccount":
            # The regional ELB log-delivery account (eu-west-1's; the data source knows each region's).
            return {"arn": "arn:aws:iam::156460612806:root", "id": "156460612806"}
        if token == "aws:ec2/getVpcEndpointService:getVpcEndpointService":
            service = args.args.get("service", "")
            name = f"com.amazonaws.{self.region}.{service}"
            return {"serviceName": name, "service": service, "serviceType": args.args.get("serviceType", "Interface"),
                    "id": name, "owner": "amazon", "serviceId": f"vpce-svc-{_hex(name)}",
                    "availabilityZones": [f"{self.region}{z}" for z in "abc"], "privateDnsName": ""}
        if token == "aws:ssm/getParameter:getParameter":
            name = args.args.get("name", "")
            return {"name": name, "value": f"ami-{_hex(name)}", "type": "String", "arn": "", "id": name,
                    "version": 1, "insecureValue": f"ami-{_hex(name)}"}
        return {}


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


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: PlatformMocks, registrations: list[Registration] | None = None) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = [] if registrations is None else registrations

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine leaves the root stack out of its children's type chain.
        if parent.split("::")[2:3] == ["pulumi:pulumi:Stack"]:
            parent = ""
        return super().make_urn(parent, type_, name)

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)

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
            typ=request.type, name=request.name, inputs=plain_inputs, provider=request.provider,
            resource_id=request.importId, custom=request.custom or False,
        )
        args.urn = urn  # type: ignore[attr-defined]
        rid, state = self.mocks.new_resource(args)
        rid = rid or ""
        state_struct = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, rid, state)
        self.registrations.append(Registration(
            urn=urn, type=request.type, name=request.name, custom=bool(request.custom), remote=bool(request.remote),
            parent=request.parent, provider=request.provider, protect=bool(request.protect), id=rid,
            dependencies=dependencies, property_dependencies=property_dependencies, inputs=inputs,
            outputs=json.loads(json.dumps(json_format.MessageToDict(state_struct), default=str)),
        ))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=rid, object=state_struct)


def run(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    config: Mapping[str, str],
    preview: bool = False,
    registrations: list[Registration] | None = None,
) -> Recording:
    """Run ``program`` as the body of a fresh root stack and return what it registered.

    Re-entrant within one process (tests run many programs): the root stack, config and pending outputs are reset
    before each run. Errors raised by the program, or inside ``apply``, propagate to the caller; pass your own
    ``registrations`` list to see what was registered before one was raised.
    """
    region = config.get("aws:region", "us-east-1")
    mocks = PlatformMocks(region=region, preview=preview)
    monitor = RecordingMonitor(mocks, registrations)
    pulumi.runtime.set_all_config(dict(config))
    SETTINGS.rpc_manager.clear()
    SETTINGS.outputs.clear()
    set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    root = get_root_resource()

    _sync_await(run_pulumi_func(program))
    exported = dict(getattr(root, "outputs", {}) or {})
    outputs = _sync_await(pulumi.Output.from_input(exported).future(with_unknowns=True)) if exported else {}
    recording = Recording(project=project, stack=stack, preview=preview, config=dict(config),
                          resources=monitor.registrations)
    recording.outputs = json.loads(json.dumps(outputs or {}, default=lambda v: None))
    return recording
