"""Hand-made recordings in the shape ``python -m preflight.record`` writes, for the analyzer tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policies"
FIXTURE = REPO / "tests" / "fixtures" / "preflight" / "network"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROJECT = "container-platform"

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG = "aws:ec2/securityGroup:SecurityGroup"


def pack_with_config(where: Path, stack: str, config: str) -> Path:
    """The real pack's files under ``where/pack``, with ``config`` as its only policy configuration, for ``stack``."""
    pack = where / "pack"
    pack.mkdir()
    for item in PACK.iterdir():
        if item.name != "config":
            (pack / item.name).symlink_to(item)
    (pack / "config").mkdir()
    (pack / "config" / f"{stack}.json").write_text(config)
    return pack


def root(stack: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{stack}"


def urn(stack: str, type_: str, name: str, parent_type: str = "") -> str:
    chain = f"{parent_type}${type_}" if parent_type else type_
    return f"urn:pulumi:{stack}::{PROJECT}::{chain}::{name}"


def resource(stack: str, type_: str, name: str, inputs: dict[str, Any], *, id_: str = "", outputs=None,
             deps: dict[str, list[str]] | None = None, parent: str = "", provider: str = "",
             custom: bool = True, parent_type: str = "") -> dict[str, Any]:
    deps = deps or {}
    return {
        "urn": urn(stack, type_, name, parent_type), "type": type_, "name": name, "custom": custom, "remote": False,
        "parent": parent or root(stack), "provider": provider, "protect": False, "id": id_,
        "dependencies": sorted({u for us in deps.values() for u in us}), "propertyDependencies": deps,
        "inputs": inputs, "outputs": outputs if outputs is not None else dict(inputs),
    }


def network(stack: str = "dev", *, preview: bool = False, egress: Any = None, ssh_cidr: Any = "10.20.0.0/16"):
    """A VPC, its adopted default security group (with ``egress`` if given) and one SSH ingress rule."""
    vpc_id = UNKNOWN if preview else "vpc-0a1b2c3d4e5f60718"
    sg_id = UNKNOWN if preview else "sg-0b1c2d3e4f5a60718"
    vpc = resource(stack, VPC, "core", {"cidrBlock": "10.0.0.0/16", "enableDnsSupport": True},
                   id_="" if preview else vpc_id)
    dsg_inputs: dict[str, Any] = {"vpcId": vpc_id}
    if egress is not None:
        dsg_inputs["egress"] = egress
    dsg = resource(stack, DEFAULT_SG, "core-default", dsg_inputs, deps={"vpcId": [vpc["urn"]]})
    group = resource(stack, SG, "bastion", {"vpcId": vpc_id, "description": "SSH"}, id_="" if preview else sg_id,
                     deps={"vpcId": [vpc["urn"]]})
    rule = resource(stack, INGRESS, "bastion-ssh",
                    {"securityGroupId": sg_id, "ipProtocol": "tcp", "fromPort": 22.0, "toPort": 22.0,
                     "cidrIpv4": ssh_cidr}, deps={"securityGroupId": [group["urn"]]})
    return {
        "project": PROJECT, "stack": stack, "preview": preview,
        "config": {"aws:region": "eu-west-1", f"{PROJECT}:azCount": "2"},
        "resources": [vpc, dsg, group, rule],
        "outputs": {"vpcId": vpc_id},
    }
