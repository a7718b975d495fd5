"""A believable answer for any data source, built from the result type the SDK itself declares for it.

Every ``get_*`` function of a Pulumi provider SDK (pulumi_aws, pulumi_awsx, pulumi_eks, ...) returns an
``@pulumi.output_type`` class whose property getters carry the wire name and the return annotation
(``ids: Sequence[str]``, ``cidr_block: str``, ``block_device_mappings: Sequence[GetAmiBlockDeviceMappingResult]``).
``result_class`` finds that class from the invoke token; ``Filler`` walks its fields and gives each one a value of
its shape, so a program never meets ``None`` where the SDK promises a value:

- a field named like an argument echoes the argument (``name``, ``tags``, ``filters``, ``default``);
- strings by name, shaped as AWS shapes them: ids with AWS's prefixes (``vpc-``, ``subnet-``, ``sg-``, ``ami-``),
  ARNs with the partition, service, region and account, zones of the region, CIDR blocks, JSON policy documents for
  ``*policy*`` fields, URLs, dates; lists of ids hold three entries, other lists one; maps one entry (tags: the given
  tags or none); nested output types are filled recursively;
- optional fields too (most are arguments the provider also computes, such as the ``id`` of a lookup by name),
  except ``filter``/``filters``, which are only the arguments echoed (or an empty list).

Values are derived from a hash of the token, the arguments and the field's path: the same call answers the same,
and two different calls do not collide. Every value the filler makes up about the world outside the stack (ids,
ARNs of things it did not name, names, CIDRs, documents, secrets) is reported through ``invent`` so that the
preflight can keep policies from judging it; context values (region, partition, account, zones) and echoes are not.
"""

from __future__ import annotations

import base64
import collections.abc
import functools
import hashlib
import importlib
import json
import re
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ACCOUNT_ID = "123456789012"
_MAX_DEPTH = 6
_ID_LIST_LENGTH = 3

# Id prefixes AWS uses, by the stem of the field or function name (``vpcId`` → ``vpc``, ``getSubnet`` → ``subnet``).
ID_PREFIXES = {
    "vpc": "vpc", "subnet": "subnet", "securitygroup": "sg", "routetable": "rtb", "internetgateway": "igw",
    "natgateway": "nat", "networkinterface": "eni", "instance": "i", "image": "ami", "ami": "ami", "snapshot": "snap",
    "volume": "vol", "networkacl": "acl", "dhcpoptions": "dopt", "vpcendpoint": "vpce", "transitgateway": "tgw",
    "vpcpeeringconnection": "pcx", "allocation": "eipalloc", "eip": "eipalloc", "prefixlist": "pl",
    "launchtemplate": "lt", "keypair": "key", "placementgroup": "pg", "customergateway": "cgw", "vpngateway": "vgw",
    "egressonlyinternetgateway": "eigw", "carriergateway": "cagw", "localgateway": "lgw",
    "capacityreservation": "cr", "kernel": "aki", "ramdisk": "ari", "association": "rtbassoc",
    "managedprefixlist": "pl", "ipam": "ipam", "ipampool": "ipam-pool", "filesystem": "fs", "accesspoint": "fsap",
    "mounttarget": "fsmt", "flowlog": "fl", "trafficmirrorfilter": "tmf", "elasticip": "eipalloc",
}
_UUID_STEMS = {"key", "kmskey", "certificate", "targetkey", "keystore"}
_ACCOUNT_STEMS = {"owner", "account", "registry", "requester", "accepter", "peerowner", "awsaccount"}
# The ARN's service when it is not the SDK module's name.
_SERVICES = {
    "lb": "elasticloadbalancing", "alb": "elasticloadbalancing", "elb": "elasticloadbalancing",
    "applicationloadbalancing": "elasticloadbalancing", "cloudwatch": "logs", "efs": "elasticfilesystem",
    "lambda": "lambda", "cognito": "cognito-idp", "sfn": "states", "ec2transitgateway": "ec2", "vpc": "ec2",
    "ec2clientvpn": "ec2", "index": "iam", "opensearch": "es", "elasticsearch": "es", "apigatewayv2": "apigateway",
    "ecrpublic": "ecr-public", "msk": "kafka", "ses": "ses", "cfg": "config",
}
_GLOBAL_SERVICES = {"iam", "route53", "cloudfront", "organizations", "waf", "globalaccelerator", "s3", "shield"}
_TRUST_STATEMENT = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
_DATE = "2025-01-01T00:00:00Z"


@dataclass(frozen=True)
class Context:
    """What the preflight knows about the world it pretends to be: one account in one region."""

    region: str
    account: str = ACCOUNT_ID
    partition: str = "aws"

    @property
    def dns_suffix(self) -> str:
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"

    def zones(self, count: int = 3) -> list[str]:
        return [f"{self.region}{chr(ord('a') + i)}" for i in range(count)]

    def zone_id(self, index: int) -> str:
        """AWS's zone id (``euw1-az1``): region's area, direction initials and number."""
        parts = self.region.split("-")
        if len(parts) < 3:
            return f"{self.region}-az{index + 1}"
        area, direction, number = parts[0], parts[-2], parts[-1]
        short = "".join(w[0] for w in re.findall(r"north|south|east|west|central|[a-z]+", direction))
        middle = "".join(p[0] for p in parts[1:-2])  # us-gov-west-1 → usgw1
        return f"{area}{middle}{short}{number}-az{index + 1}"


def _camel_words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]


def kebab(name: str) -> str:
    return "-".join(_camel_words(name)) or name.lower()


def hexdigest(*parts: Any, length: int = 17) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:length]


def uuid_from(*parts: Any) -> str:
    h = hexdigest(*parts, length=32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


# ---- finding the result type -------------------------------------------------------------------------------------


def parse_token(token: str) -> tuple[str, str, str] | None:
    """``aws:ec2/getSubnets:getSubnets`` → (``aws``, ``ec2``, ``getSubnets``); modules ``a/b`` become ``a.b``."""
    parts = token.split(":")
    if len(parts) != 3:
        return None
    package, module, function = parts
    segments = module.split("/")
    if len(segments) > 1 and segments[-1].lower() == function.lower():
        segments = segments[:-1]
    return package, ".".join(s.replace("-", "_") for s in segments), function


def _sdk_attr(package: str, module: str, name: str, module_file: str) -> Any:
    """``name`` from the provider SDK's module (``pulumi_aws.ec2``, ``pulumi_aws.lambda_``, the root for ``index``),
    or from the module file that defines it (``pulumi_aws.ec2.get_ami``)."""
    root = f"pulumi_{package.replace('-', '_')}"
    packages = [root] if module in ("index", "") else [f"{root}.{module}", f"{root}.{module}_", root]
    for candidate in packages + [f"{p}.{module_file}" for p in packages]:
        try:
            found = getattr(importlib.import_module(candidate), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    return None


def _is_result(cls: Any) -> bool:
    return isinstance(cls, type) and hasattr(cls, "_pulumi_output_type")


def result_class(token: str) -> type | None:
    """The SDK's result class for an invoke token (``Get...Result``) or a resource method's call token
    (``eks:index:Cluster/getKubeconfig`` → ``Cluster.GetKubeconfigResult``), when the provider's SDK is installed."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    package, module, function = parsed
    if "/" in function:
        resource, _, method = function.partition("/")
        owner = _sdk_attr(package, module, resource, "_".join(_camel_words(resource)))
        cls = getattr(owner, method[:1].upper() + method[1:] + "Result", None)
    else:
        cls = _sdk_attr(package, module, function[:1].upper() + function[1:] + "Result",
                        "_".join(_camel_words(function)))
    return cls if _is_result(cls) else None


@dataclass(frozen=True)
class Field:
    name: str  # the wire name, as the provider answers
    type: Any
    optional: bool


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    if typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != len(typing.get_args(hint)):
            return (args[0] if len(args) == 1 else str), True
    return hint, False


@functools.cache
def fields(cls: type) -> list[Field]:
    """The output type's properties: wire name, type (``Output[T]`` unwrapped) and whether it is optional."""
    out: list[Field] = []
    seen: set[str] = set()
    globalns = vars(sys.modules[cls.__module__])
    for base in reversed(cls.__mro__):
        for attr in vars(base).values():
            if not isinstance(attr, property) or attr.fget is None:
                continue
            wire = getattr(attr.fget, "_pulumi_name", None)
            if wire is None or wire in seen:
                continue
            seen.add(wire)
            try:
                hint = typing.get_type_hints(attr.fget, globalns=globalns).get("return", Any)
            except Exception:  # noqa: BLE001 - an unresolvable annotation is filled as a string
                hint = str
            if typing.get_origin(hint) is not None and getattr(typing.get_origin(hint), "__name__", "") == "Output":
                hint = typing.get_args(hint)[0]
            hint, optional = _unwrap_optional(hint)
            out.append(Field(wire, hint, optional))
    return out


def _is_output_type(hint: Any) -> bool:
    return isinstance(hint, type) and hasattr(hint, "_pulumi_output_type")


def _sequence_item(hint: Any) -> Any | None:
    if typing.get_origin(hint) in (list, collections.abc.Sequence):
        args = typing.get_args(hint)
        return args[0] if args else str
    return None


def _mapping_value(hint: Any) -> Any | None:
    if typing.get_origin(hint) in (dict, collections.abc.Mapping):
        args = typing.get_args(hint)
        return args[1] if len(args) == 2 else str
    return None


# ---- filling ---------------------------------------------------------------------------------------------------


Invent = Callable[[str, str], None]  # (value, where) for values made up about the world


class Filler:
    """Fills one data source's result. ``invent(value, where)`` hears about every made-up string."""

    def __init__(self, ctx: Context, token: str, args: Mapping[str, Any], invent: Invent) -> None:
        self.ctx, self.token, self.args, self._invent = ctx, token, dict(args), invent
        parsed = parse_token(token) or ("", "", token)
        self.package, self.module, self.function = parsed
        self.kind = kebab(self.function[3:] if self.function.startswith("get") else self.function)
        self.seed = (token, json.dumps(self.args, sort_keys=True, default=str))

    # -- helpers --

    def h(self, path: str, length: int = 17) -> str:
        return hexdigest(*self.seed, path, length=length)

    def invented(self, value: str, path: str) -> str:
        if value:
            self._invent(value, f"{self.token} {path}")
        return value

    def service(self) -> str:
        module = self.module.split(".")[0].rstrip("_")
        return _SERVICES.get(module, module or "iam")

    def arn(self, kind: str, path: str, resource: str | None = None) -> str:
        """An ARN of ``kind``; named after ``resource`` when the program gave it, else invented."""
        service = self.service()
        region = "" if service in _GLOBAL_SERVICES else self.ctx.region
        account = "" if service == "s3" else self.ctx.account
        name = resource or f"{kind}-{self.h(path, 8)}"
        value = f"arn:{self.ctx.partition}:{service}:{region}:{account}:{name if service == 's3' else f'{kind}/{name}'}"
        return value if resource else self.invented(value, path)

    def an_id(self, stem: str, path: str) -> str:
        stem = stem.lower()
        if stem in _ACCOUNT_STEMS:
            return self.ctx.account
        if stem in _UUID_STEMS:
            return self.invented(uuid_from(*self.seed, path), path)
        if stem in ("hostedzone", "zone", "canonicalhostedzone"):
            return self.invented("Z" + self.h(path, 13).upper(), path)
        if stem in ("availabilityzone",):
            return self.ctx.zone_id(0)
        prefix = ID_PREFIXES.get(stem)
        if prefix:
            return self.invented(f"{prefix}-{self.h(path)}", path)
        return self.invented(f"{kebab(stem) or self.kind}-{self.h(path, 12)}", path)

    def given_name(self) -> str | None:
        """The name the program looked the thing up by (``name``, ``function_name``, ...), if any."""
        for key, value in self.args.items():
            if isinstance(value, str) and value and (key == "name" or key.endswith("Name")):
                return value
        return None

    # -- values by shape --

    def result(self, cls: type) -> dict[str, Any]:
        return self._object(cls, "", 0, self.args)

    def _object(self, cls: type, path: str, depth: int, given: Mapping[str, Any] | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if depth > _MAX_DEPTH:
            return out
        given = given or {}
        for f in fields(cls):
            where = f"{path}.{f.name}" if path else f.name
            if f.name in given and given[f.name] is not None:
                out[f.name] = given[f.name]
            elif f.optional and f.name in ("filter", "filters"):
                out[f.name] = [] if _sequence_item(f.type) is not None else None
            else:
                out[f.name] = self.value(f.name, f.type, where, depth)
        return out

    def value(self, name: str, hint: Any, path: str, depth: int) -> Any:
        if _is_output_type(hint):
            return self._object(hint, path, depth + 1, None)
        item = _sequence_item(hint)
        if item is not None:
            return self.sequence(name, item, path, depth)
        mapped = _mapping_value(hint)
        if mapped is not None:
            if name.lower() in ("tags", "tagsall"):
                return dict(self.args.get("tags") or {})
            return {"key": self.value(name, mapped, f"{path}.key", depth)}
        if hint is bool:
            return False
        if hint is int:
            return self.integer(name)
        if hint is float:
            return 1.0
        return self.string(name, path)

    def sequence(self, name: str, item: Any, path: str, depth: int) -> list[Any]:
        lower = name.lower()
        if item is str and lower in ("availabilityzones", "names") and self.kind == "availability-zones":
            return self.ctx.zones()
        if item is str and lower in ("zoneids",):
            return [self.ctx.zone_id(i) for i in range(_ID_LIST_LENGTH)]
        if item is str and lower == "ids":
            stem = self.kind.replace("-", "").removesuffix("s")
            return [self.an_id(stem, f"{path}[{i}]") for i in range(_ID_LIST_LENGTH)]
        count = _ID_LIST_LENGTH if item is str and re.search(r"(ids|arns|names|zones)$", lower) else 1
        singular = name[:-1] if name.endswith("s") else name
        return [self.value(singular, item, f"{path}[{i}]", depth) for i in range(count)]

    def integer(self, name: str) -> int:
        lower = name.lower()
        if lower.endswith("port"):
            return 443
        if "duration" in lower or "seconds" in lower or "ttl" in lower:
            return 3600
        return 1

    def string(self, name: str, path: str) -> str:  # noqa: C901 - one table of shapes
        lower = name.lower()
        words = _camel_words(name)
        if lower == "id":
            stem = self.kind.replace("-", "")
            if self.service() == "ec2" and stem in ID_PREFIXES or stem in _UUID_STEMS:
                return self.an_id(stem, path)
            for key, given in self.args.items():
                if isinstance(given, str) and given and re.search(r"(^name|^arn|^id|Name|Identifier)$", key):
                    return given
            return self.ctx.region
        if lower == "region":
            return self.ctx.region
        if lower == "partition":
            return self.ctx.partition
        if lower in ("dnssuffix", "urlsuffix"):
            return self.ctx.dns_suffix
        if lower in ("accountid", "account", "ownerid", "awsaccountid", "registryid"):
            return self.ctx.account
        if lower == "availabilityzone" or lower.endswith("availabilityzone"):
            return self.ctx.zones(1)[0]
        if lower == "availabilityzoneid" or (lower == "zoneid" and self.kind.startswith("availability")):
            return self.ctx.zone_id(0)
        if lower == "arn" and "." not in path:
            return self.arn(self.kind, path, self.given_name())
        if lower.endswith("arn"):
            return self.arn(kebab(name[:-3]), path)
        if lower.endswith("id") and len(words) > 1:
            return self.an_id("".join(words[:-1]), path)
        if "cidr" in lower:
            octet = int(self.h(path, 2), 16) % 200 + 16
            return self.invented(f"10.{octet}.0.0/16", path)
        if lower == "name":
            given = self.given_name() if path == "name" else None
            if given:
                return given
            return self.invented(f"{self.kind}-{self.h(path, 8)}", path)
        if lower in ("state", "status"):
            return "available"
        if words[-1:] == ["version"]:
            n = int(self.h(path, 6), 16)
            return self.invented(f"{n % 7 + 10}.{n % 10}.{n % 997}", path)
        if any(w in ("date", "time", "timestamp") for w in words) or words[-1:] == ["at"] and len(words) > 1:
            return _DATE
        if lower == "assumerolepolicy":
            doc = {"Version": "2012-10-17", "Id": f"{self.kind}-{self.h(path, 8)}", "Statement": [_TRUST_STATEMENT]}
            return self.invented(json.dumps(doc, separators=(",", ":")), path)
        if "policy" in words or "document" in words or lower.endswith("json"):
            doc = {"Version": "2012-10-17", "Id": f"{self.kind}-{self.h(path, 8)}", "Statement": []}
            return self.invented(json.dumps(doc, separators=(",", ":")), path)
        if lower in ("url", "endpoint") or lower.endswith("url") or lower.endswith("endpoint"):
            host = f"{self.kind}-{self.h(path, 8)}.{self.service()}.{self.ctx.region}.{self.ctx.dns_suffix}"
            return self.invented(f"https://{host}", path)
        if lower.endswith("dnsname") or lower.endswith("domainname") or lower.endswith("hostname"):
            return self.invented(f"{self.kind}-{self.h(path, 8)}.{self.ctx.region}.{self.ctx.dns_suffix}", path)
        if lower == "description":
            return ""
        if "data" in words or "token" in words or "certificate" in words:
            return self.invented(base64.b64encode(f"{self.kind}:{self.h(path)}".encode()).decode(), path)
        if words[-1:] == ["ip"] or lower.endswith("ipaddress"):
            return self.invented(f"10.{int(self.h(path, 2), 16)}.{int(self.h(path + '.', 2), 16)}.10", path)
        return self.invented(f"{kebab(name) or 'value'}-{self.h(path, 12)}", path)


def fill(token: str, args: Mapping[str, Any], ctx: Context, invent: Invent) -> dict[str, Any] | None:
    """The filled result for ``token``, or None when the provider's SDK (and so the result type) is not installed."""
    cls = result_class(token)
    if cls is None:
        return None
    return Filler(ctx, token, args, invent).result(cls)
