"""Answers for data sources (invokes) under the mock engine, shaped like AWS's answers.

Every invoke, and every resource method call (``eks.Cluster.get_kubeconfig()``, which the engine sends to the
monitor's ``Call``), gets an answer in three layers:

1. the SDK's own result type filled by ``resultfill`` (every field the SDK promises, of its shape), for any
   provider whose SDK the program has installed;
2. over it, a hand-written answer for the common AWS data sources, consistent with each other: one default VPC
   (``172.31.0.0/16``) with one default subnet per zone (``172.31.0.0/20``, ``172.31.16.0/20``, ...); ``get_subnets``
   filtered by a VPC id answers that VPC's subnets, one per zone, and ``get_subnet`` of one of them answers its VPC,
   zone and CIDR; the region's zones; the caller's account; the region's ELB log-delivery account; an SSM parameter
   of an AMI id an ``ami-`` id; an EKS cluster's endpoint, CA and token; an ECR login; KMS keys and aliases; a Route 53
   zone; an ACM certificate; secrets; an EKS cluster's kubeconfig;
3. ``aws.iam.get_policy_document`` is computed exactly (``policydoc``), so policies judge the real document.

Whatever is invented about the world outside the stack is registered with ``invented.Invented`` (see there for
why it reaches the policy pack as an unknown). Arguments the provider would reject come back as invoke failures,
which the SDK raises in the program with the provider's message.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from preflight import policydoc, resultfill, stackrefs
from preflight.invented import Invented
from preflight.resultfill import Context, hexdigest, uuid_from

Answer = tuple[dict[str, Any], list[tuple[str, str]]]

# Availability zone letters per region where they are not a, b, c (the zones most accounts see).
_ZONE_LETTERS = {"us-east-1": "abcdef", "us-west-1": "ac", "us-west-2": "abcd", "ap-northeast-1": "acd",
                 "ap-northeast-2": "abcd", "ca-central-1": "abd"}
# The regional Elastic Load Balancing account that delivers access logs (AWS documents one per older region).
ELB_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
    "us-west-2": "797873946194", "af-south-1": "098369216593", "ca-central-1": "985666609251",
    "eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416",
    "eu-south-1": "635631232127", "eu-west-3": "009996457667", "eu-north-1": "897822967062",
    "ap-east-1": "754344448648", "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ap-south-1": "718504428378", "me-south-1": "076674570225", "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635", "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
}
DEFAULT_VPC_CIDR = "172.31.0.0/16"
_AMAZON_OWNER = "137112412989"


@dataclass
class Subnet:
    id: str
    vpc_id: str
    zone: str
    zone_id: str
    cidr: str
    default: bool


def _filters(args: Mapping[str, Any]) -> dict[str, list[str]]:
    """``filters=[{"name": ..., "values": [...]}]`` as a dict."""
    out: dict[str, list[str]] = {}
    for f in args.get("filters") or []:
        if isinstance(f, Mapping) and f.get("name"):
            out.setdefault(str(f["name"]), []).extend(str(v) for v in f.get("values") or [])
    return out


class DataSources:
    """The world one stack's program looks up: one account in one region, answered consistently."""

    def __init__(self, region: str, account: str = resultfill.ACCOUNT_ID) -> None:
        self.ctx = Context(region=region, account=account,
                           partition="aws-cn" if region.startswith("cn-") else
                           "aws-us-gov" if region.startswith("us-gov-") else "aws")
        self.invented = Invented()
        stackrefs.seed(self.invented)
        self.subnets: dict[str, Subnet] = {}
        self._hand: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
            "aws:index/getCallerIdentity:getCallerIdentity": self.caller_identity,
            "aws:index/getRegion:getRegion": self.region,
            "aws:index/getPartition:getPartition": self.partition,
            "aws:index/getAvailabilityZones:getAvailabilityZones": self.availability_zones,
            "aws:index/getAvailabilityZone:getAvailabilityZone": self.availability_zone,
            "aws:ec2/getVpc:getVpc": self.vpc,
            "aws:ec2/getVpcs:getVpcs": self.vpcs,
            "aws:ec2/getSubnets:getSubnets": self.subnet_ids,
            "aws:ec2/getSubnetIds:getSubnetIds": self.subnet_ids,
            "aws:ec2/getSubnet:getSubnet": self.subnet,
            "aws:ec2/getSecurityGroup:getSecurityGroup": self.security_group,
            "aws:ec2/getAmi:getAmi": self.ami,
            "aws:ssm/getParameter:getParameter": self.ssm_parameter,
            "aws:elb/getServiceAccount:getServiceAccount": self.elb_service_account,
            "aws:ec2/getVpcEndpointService:getVpcEndpointService": self.vpc_endpoint_service,
            "aws:iam/getPolicy:getPolicy": self.iam_policy,
            "aws:iam/getRole:getRole": self.iam_role,
            "aws:eks/getCluster:getCluster": self.eks_cluster,
            "aws:eks/getClusterAuth:getClusterAuth": self.eks_cluster_auth,
            "aws:ecr/getAuthorizationToken:getAuthorizationToken": self.ecr_token,
            "aws:ecr/getRepository:getRepository": self.ecr_repository,
            "aws:kms/getKey:getKey": self.kms_key,
            "aws:kms/getAlias:getAlias": self.kms_alias,
            "aws:route53/getZone:getZone": self.route53_zone,
            "aws:acm/getCertificate:getCertificate": self.acm_certificate,
            "aws:secretsmanager/getSecret:getSecret": self.secret,
            "aws:secretsmanager/getSecretVersion:getSecretVersion": self.secret_version,
            "awsx:ec2:getDefaultVpc": self.awsx_default_vpc,
            "eks:index:Cluster/getKubeconfig": self.eks_kubeconfig,
        }

    # -- the entry point --

    def call(self, token: str, args: Mapping[str, Any]) -> Answer:
        """The answer to one invoke: (result in wire names, failures as (property, reason))."""
        args = dict(args)
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            try:
                return policydoc.get_policy_document(args), []
            except policydoc.PolicyDocumentError as exc:
                return {}, [(exc.property, str(exc))]
        if token == "aws:elb/getServiceAccount:getServiceAccount":
            region = args.get("region") or self.ctx.region
            if region not in ELB_ACCOUNTS:
                return {}, [("region", f"unsupported AWS Region: {region}")]

        generic: dict[str, tuple[str, str]] = {}  # invented by the filler: value → (top-level field, source)

        def collect(value: str, where: str) -> None:
            field = where.split(" ", 1)[-1].split(".", 1)[0].split("[", 1)[0]
            generic.setdefault(value, (field, where))

        try:
            result = resultfill.fill(token, args, self.ctx, collect) or {}
        except Exception:  # noqa: BLE001 - an SDK type the filler cannot read leaves the hand answer, or nothing
            result = {}
        hand = self._hand.get(token)
        if hand is not None:
            result.update(hand(args, token))
        for value, (field, where) in generic.items():
            if _contains(result.get(field), value):  # still in the answer (a hand answer may have replaced it)
                self.invented.add(value, where)
        return result, []

    # -- helpers --

    def h(self, *parts: Any, length: int = 17) -> str:
        return hexdigest(self.ctx.region, *parts, length=length)

    def made_up(self, value: Any, source: str) -> Any:
        """Register every string inside ``value`` as invented by ``source``; return ``value``."""
        if isinstance(value, str):
            self.invented.add(value, source)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.made_up(item, f"{source}[{i}]")
        elif isinstance(value, dict):
            for k, item in value.items():
                self.made_up(item, f"{source}.{k}")
        return value

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (f"arn:{self.ctx.partition}:{service}:{self.ctx.region if region else ''}:"
                f"{self.ctx.account if account else ''}:{resource}")

    def zones(self) -> list[str]:
        return [f"{self.ctx.region}{c}" for c in _ZONE_LETTERS.get(self.ctx.region, "abc")]

    def zone_id(self, zone: str) -> str:
        return self.ctx.zone_id(self.zones().index(zone) if zone in self.zones() else 0)

    # -- the network: one default VPC, subnets per VPC and zone --

    @property
    def default_vpc_id(self) -> str:
        return f"vpc-{self.h('default-vpc')}"

    def vpc_cidr(self, vpc_id: str) -> str:
        if vpc_id == self.default_vpc_id:
            return DEFAULT_VPC_CIDR
        return f"10.{int(self.h(vpc_id, length=2), 16) % 200 + 16}.0.0/16"

    def subnets_of(self, vpc_id: str, token: str) -> list[Subnet]:
        out = []
        base = self.vpc_cidr(vpc_id).split(".")
        for i, zone in enumerate(self.zones()):
            subnet_id = f"subnet-{self.h('subnet', vpc_id, zone)}"
            cidr = f"{base[0]}.{base[1]}.{16 * i}.0/20"
            default = vpc_id == self.default_vpc_id
            subnet = self.subnets.setdefault(subnet_id, Subnet(subnet_id, vpc_id, zone, self.zone_id(zone), cidr,
                                                               default))
            self.invented.add(subnet_id, f"{token} (subnet of {vpc_id} in {zone})")
            if not default:
                self.invented.add(cidr, f"{token} (CIDR of {subnet_id})")
            out.append(subnet)
        return out

    def _vpc_id_for(self, args: Mapping[str, Any], token: str) -> str:
        filters = _filters(args)
        given = args.get("id") or args.get("vpcId") or (filters.get("vpc-id") or [None])[0]
        if given:
            return str(given)
        if args.get("default") or filters.get("isDefault") == ["true"] or "default-for-az" in filters or (
                not args.get("tags") and not filters and not args.get("cidrBlock")):
            vpc_id = self.default_vpc_id
        else:
            vpc_id = f"vpc-{self.h('vpc', json.dumps(args, sort_keys=True, default=str))}"
        self.invented.add(vpc_id, f"{token} id")
        return vpc_id

    def vpc(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        vpc_id = self._vpc_id_for(args, token)
        cidr = self.vpc_cidr(vpc_id)
        default = vpc_id == self.default_vpc_id
        if not default:
            self.invented.add(cidr, f"{token} cidrBlock")
        return {
            "id": vpc_id, "arn": self.arn("ec2", f"vpc/{vpc_id}"), "cidrBlock": cidr, "default": default,
            "cidrBlockAssociations": [{"associationId": self.made_up(f"vpc-cidr-assoc-{self.h(vpc_id, 'a')}", token),
                                       "cidrBlock": cidr, "state": "associated"}],
            "dhcpOptionsId": self.made_up(f"dopt-{self.h(vpc_id, 'dopt')}", token),
            "enableDnsHostnames": default, "enableDnsSupport": True, "enableNetworkAddressUsageMetrics": False,
            "instanceTenancy": "default", "ipv6AssociationId": "", "ipv6CidrBlock": "",
            "mainRouteTableId": self.made_up(f"rtb-{self.h(vpc_id, 'main')}", token), "ownerId": self.ctx.account,
            "state": "available", "tags": dict(args.get("tags") or {}), "region": self.ctx.region,
        }

    def vpcs(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        return {"ids": [self._vpc_id_for({"default": True} if not args.get("tags") and not args.get("filters")
                                         else args, token)], "id": self.ctx.region}

    def subnet_ids(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        filters = _filters(args)
        subnets = self.subnets_of(self._vpc_id_for(args, token), token)
        if filters.get("availability-zone"):
            subnets = [s for s in subnets if s.zone in filters["availability-zone"]]
        if filters.get("availability-zone-id"):
            subnets = [s for s in subnets if s.zone_id in filters["availability-zone-id"]]
        out = {"ids": [s.id for s in subnets], "id": self.ctx.region, "tags": dict(args.get("tags") or {})}
        if args.get("vpcId"):
            out["vpcId"] = args["vpcId"]
        return out

    def subnet(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        filters = _filters(args)
        subnet_id = args.get("id") or (filters.get("subnet-id") or [None])[0]
        subnet = self.subnets.get(str(subnet_id)) if subnet_id else None
        if subnet is None:
            zone = args.get("availabilityZone") or (filters.get("availability-zone") or [self.zones()[0]])[0]
            candidates = [s for s in self.subnets_of(self._vpc_id_for(args, token), token) if s.zone == zone]
            subnet = candidates[0] if candidates else self.subnets_of(self.default_vpc_id, token)[0]
            if subnet_id:
                subnet = Subnet(str(subnet_id), subnet.vpc_id, subnet.zone, subnet.zone_id, subnet.cidr, False)
        return {
            "id": subnet.id, "arn": self.arn("ec2", f"subnet/{subnet.id}"), "vpcId": subnet.vpc_id,
            "availabilityZone": subnet.zone, "availabilityZoneId": subnet.zone_id, "cidrBlock": subnet.cidr,
            "defaultForAz": subnet.default, "mapPublicIpOnLaunch": subnet.default, "state": "available",
            "availableIpAddressCount": 4091, "ownerId": self.ctx.account, "assignIpv6AddressOnCreation": False,
            "tags": dict(args.get("tags") or {}), "region": self.ctx.region,
        }

    def security_group(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        filters = _filters(args)
        name = args.get("name") or (filters.get("group-name") or ["default"])[0]
        vpc_id = args.get("vpcId") or (filters.get("vpc-id") or [self.default_vpc_id])[0]
        sg_id = args.get("id") or self.made_up(f"sg-{self.h('sg', vpc_id, name)}", f"{token} id")
        return {"id": sg_id, "arn": self.arn("ec2", f"security-group/{sg_id}"), "name": name, "vpcId": vpc_id,
                "description": "default VPC security group" if name == "default" else "",
                "tags": dict(args.get("tags") or {}), "region": self.ctx.region}

    # -- compute --

    def ami(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        filters = _filters(args)
        pattern = (filters.get("name") or [args.get("nameRegex") or "ami"])[0]
        name = self.made_up(pattern.replace("*", "2025.01.01").replace(".*", "").strip("^$"), f"{token} name")
        arch = (filters.get("architecture") or ["arm64" if "arm64" in name or "aarch64" in name else "x86_64"])[0]
        owners = [str(o) for o in args.get("owners") or []]
        owner = next((o for o in owners if o.isdigit()), _AMAZON_OWNER)
        image_id = self.made_up(f"ami-{self.h('ami', json.dumps(args, sort_keys=True, default=str))}", f"{token} id")
        return {
            "id": image_id, "imageId": image_id, "name": name, "architecture": arch, "ownerId": owner,
            "imageOwnerAlias": "amazon" if "amazon" in owners or owner == _AMAZON_OWNER else "",
            "arn": self.arn("ec2", f"image/{image_id}", account=False), "state": "available", "public": True,
            "rootDeviceName": "/dev/xvda", "rootDeviceType": "ebs", "virtualizationType": "hvm",
            "hypervisor": "xen", "imageType": "machine", "platformDetails": "Linux/UNIX",
            "usageOperation": "RunInstances",
            "creationDate": "2025-01-01T00:00:00.000Z", "enaSupport": True, "sriovNetSupport": "simple",
            "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volume_size": "8", "volume_type": "gp3",
                                                                         "encrypted": "false"},
                                     "noDevice": "", "virtualName": ""}],
        }

    def ssm_parameter(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name = str(args.get("name") or "")
        last = name.rstrip("/").rsplit("/", 1)[-1]
        value = (f"ami-{self.h(name)}" if "ami" in name.lower()
                 else f"{resultfill.kebab(last) or 'value'}-{self.h(name, length=12)}")
        self.invented.add(value, f"{token} value of {name}")
        return {"name": name, "value": value, "insecureValue": value, "type": "String", "version": 1, "id": name,
                "arn": self.arn("ssm", f"parameter/{name.lstrip('/')}"),
                "withDecryption": bool(args.get("withDecryption", True))}

    def elb_service_account(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        region = args.get("region") or self.ctx.region
        account = ELB_ACCOUNTS[region]
        return {"arn": f"arn:{self.ctx.partition}:iam::{account}:root", "id": account, "region": region}

    def vpc_endpoint_service(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        """AWS services publish their endpoint services as ``com.amazonaws.<region>.<service>``: a known name."""
        service = str(args.get("service") or "")
        name = str(args.get("serviceName") or f"com.amazonaws.{self.ctx.region}.{service}")
        kind = str(args.get("serviceType") or "Interface")
        return {"serviceName": name, "service": service or name.rsplit(".", 1)[-1], "serviceType": kind,
                "id": name, "owner": "amazon", "serviceId": f"vpce-svc-{self.h(name)}",
                "availabilityZones": self.zones(), "acceptanceRequired": False,
                "privateDnsName": f"{service}.{self.ctx.region}.amazonaws.com" if kind == "Interface" else "",
                "vpcEndpointPolicySupported": True}

    # -- the account --

    def caller_identity(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        acct = self.ctx.account
        return {"accountId": acct, "arn": f"arn:{self.ctx.partition}:iam::{acct}:user/preflight", "id": acct,
                "userId": "AIDAPREFLIGHTUSER00000"}

    def region(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name = args.get("region") or args.get("name") or self.ctx.region
        return {"name": name, "region": name, "id": name, "endpoint": f"ec2.{name}.{self.ctx.dns_suffix}",
                "description": name}

    def partition(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        suffix = self.ctx.dns_suffix
        return {"partition": self.ctx.partition, "dnsSuffix": suffix, "id": self.ctx.partition,
                "reverseDnsPrefix": ".".join(reversed(suffix.split(".")))}

    def availability_zones(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        zones = [z for z in self.zones() if z not in (args.get("excludeNames") or [])]
        zones = [z for z in zones if self.zone_id(z) not in (args.get("excludeZoneIds") or [])]
        out = {"names": zones, "zoneIds": [self.zone_id(z) for z in zones], "id": self.ctx.region,
               "groupNames": [self.ctx.region] * len(zones), "region": self.ctx.region}
        if args.get("state"):
            out["state"] = args["state"]
        return out

    def availability_zone(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        zones = self.zones()
        name = args.get("name") or next((z for z in zones if self.zone_id(z) == args.get("zoneId")), zones[0])
        return {"name": name, "zoneId": self.zone_id(name), "region": self.ctx.region, "state": "available",
                "nameSuffix": name[len(self.ctx.region):], "groupName": self.ctx.region, "id": name,
                "zoneType": "availability-zone", "optInStatus": "opt-in-not-required"}

    def iam_policy(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        arn = args.get("arn")
        name = args.get("name") or (str(arn).rsplit("/", 1)[-1] if arn else f"policy-{self.h('policy', length=8)}")
        path = args.get("pathPrefix") or "/"
        if not arn:
            owner = "aws" if name.startswith(("Amazon", "AWS")) else self.ctx.account
            arn = f"arn:{self.ctx.partition}:iam::{owner}:policy{path}{name}"
        document = json.dumps({"Version": "2012-10-17", "Id": f"{name}-{self.h(arn, length=8)}", "Statement": []},
                              separators=(",", ":"))
        self.invented.add(document, f"{token} policy of {name}")
        return {"arn": arn, "name": name, "path": path, "policy": document, "id": arn, "description": "",
                "policyId": self.made_up(f"ANPA{self.h(arn).upper()}", f"{token} policyId"), "tags": {},
                "attachmentCount": 1}

    def iam_role(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name = str(args.get("name") or "")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Sid": f"Preflight{self.h(name, length=8)}"}]},
            separators=(",", ":"))
        self.invented.add(trust, f"{token} assumeRolePolicy of {name}")
        return {"name": name, "id": name, "arn": f"arn:{self.ctx.partition}:iam::{self.ctx.account}:role/{name}",
                "assumeRolePolicy": trust, "path": "/", "maxSessionDuration": 3600,
                "uniqueId": self.made_up(f"AROA{self.h('role', name).upper()}", f"{token} uniqueId"),
                "createDate": "2025-01-01T00:00:00Z", "description": "", "permissionsBoundary": "",
                "tags": {}, "roleLastUseds": [{"lastUsedDate": "2025-01-01T00:00:00Z", "region": self.ctx.region}]}

    # -- containers --

    def eks_cluster(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name = str(args.get("name") or "")
        vpc_id = self.default_vpc_id
        subnets = [s.id for s in self.subnets_of(vpc_id, token)]
        h = self.h("eks", name, length=32).upper()
        sg = self.made_up(f"sg-{self.h('eks-sg', name)}", f"{token} clusterSecurityGroupId")
        return {
            "name": name, "id": name, "arn": self.arn("eks", f"cluster/{name}"), "version": "1.31",
            "platformVersion": "eks.1", "status": "ACTIVE", "createdAt": "2025-01-01T00:00:00Z",
            "endpoint": self.made_up(f"https://{h}.gr7.{self.ctx.region}.eks.{self.ctx.dns_suffix}",
                                     f"{token} endpoint"),
            "certificateAuthorities": [{"data": self.made_up(base64.b64encode(
                f"-----BEGIN CERTIFICATE-----\n{h}\n-----END CERTIFICATE-----\n".encode()).decode(), f"{token} ca")}],
            "roleArn": self.made_up(f"arn:{self.ctx.partition}:iam::{self.ctx.account}:role/{name}-cluster-"
                                    f"{self.h(name, length=7)}", f"{token} roleArn"),
            "identities": [{"oidcs": [{"issuer": self.made_up(
                f"https://oidc.eks.{self.ctx.region}.{self.ctx.dns_suffix}/id/{h}", f"{token} oidc issuer")}]}],
            "vpcConfig": {"subnetIds": subnets, "securityGroupIds": [], "clusterSecurityGroupId": sg, "vpcId": vpc_id,
                          "endpointPrivateAccess": False, "endpointPublicAccess": True,
                          "publicAccessCidrs": ["0.0.0.0/0"]},
            "kubernetesNetworkConfigs": [{"ipFamily": "ipv4", "serviceIpv4Cidr": "172.20.0.0/16",
                                          "serviceIpv6Cidr": ""}],
            "accessConfigs": [{"authenticationMode": "API_AND_CONFIG_MAP",
                               "bootstrapClusterCreatorAdminPermissions": True}],
            "tags": {},
        }

    def eks_cluster_auth(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name = str(args.get("name") or "")
        presigned = f"preflight-{self.h('token', name, length=32)}".encode()
        value = "k8s-aws-v1." + base64.urlsafe_b64encode(presigned).decode().rstrip("=")
        return {"name": name, "id": name, "token": self.made_up(value, f"{token} token")}

    def eks_kubeconfig(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        """``eks.Cluster.get_kubeconfig()``: ``__self__`` is the component's URN; its name is the cluster's."""
        name = str(args.get("__self__") or "cluster").rsplit("::", 1)[-1]
        h = self.h("eks", name, length=32).upper()
        server = f"https://{h}.gr7.{self.ctx.region}.eks.{self.ctx.dns_suffix}"
        user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
                         "args": ["eks", "get-token", "--cluster-name", name, "--output", "json"]}}
        if args.get("profileName"):
            user["exec"]["env"] = [{"name": "AWS_PROFILE", "value": args["profileName"]}]
        ca = base64.b64encode(f"-----BEGIN CERTIFICATE-----\n{h}\n-----END CERTIFICATE-----\n".encode()).decode()
        config = {"apiVersion": "v1", "kind": "Config", "current-context": "aws",
                  "clusters": [{"name": "kubernetes", "cluster": {"server": server, "certificate-authority-data": ca}}],
                  "contexts": [{"name": "aws", "context": {"cluster": "kubernetes", "user": "aws"}}],
                  "users": [{"name": "aws", "user": user}]}
        self.invented.add(server, f"{token} server")
        return {"result": self.made_up(json.dumps(config), f"{token} kubeconfig")}

    def ecr_token(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        registry = str(args.get("registryId") or self.ctx.account)
        password = self.made_up(f"preflight-{self.h('ecr', registry, length=32)}", f"{token} password")
        return {"registryId": registry, "userName": "AWS", "password": password,
                "authorizationToken": self.made_up(base64.b64encode(f"AWS:{password}".encode()).decode(),
                                                   f"{token} authorizationToken"),
                "proxyEndpoint": f"https://{registry}.dkr.ecr.{self.ctx.region}.{self.ctx.dns_suffix}",
                "expiresAt": "2025-01-01T12:00:00Z", "id": self.ctx.region}

    def ecr_repository(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name = str(args.get("name") or "")
        registry = str(args.get("registryId") or self.ctx.account)
        return {"name": name, "id": name, "registryId": registry, "arn": self.arn("ecr", f"repository/{name}"),
                "repositoryUrl": f"{registry}.dkr.ecr.{self.ctx.region}.{self.ctx.dns_suffix}/{name}",
                "imageTagMutability": "MUTABLE", "mostRecentImageTags": [], "tags": {}}

    # -- keys, certificates, DNS, secrets --

    def _key_uuid(self, given: str, token: str) -> str:
        tail = given.rsplit("/", 1)[-1] if given.startswith("arn:") else given
        if len(tail) == 36 and tail.count("-") == 4:
            return tail
        return self.made_up(uuid_from(self.ctx.region, "kms", given), f"{token} keyId of {given}")

    def kms_key(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        given = str(args.get("keyId") or "")
        key = self._key_uuid(given, token)
        aws_managed = given.startswith("alias/aws/")
        return {"id": key, "keyId": given, "arn": self.arn("kms", f"key/{key}"), "awsAccountId": self.ctx.account,
                "enabled": True, "keyState": "Enabled", "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT",
                "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keyManager": "AWS" if aws_managed else "CUSTOMER",
                "origin": "AWS_KMS", "multiRegion": False, "description": "", "creationDate": "2025-01-01T00:00:00Z"}

    def kms_alias(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name = str(args.get("name") or "")
        key = self._key_uuid(name, token)
        return {"name": name, "id": self.arn("kms", name), "arn": self.arn("kms", name), "targetKeyId": key,
                "targetKeyArn": self.arn("kms", f"key/{key}")}

    def route53_zone(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name = str(args.get("name") or "example.com").rstrip(".")
        zone_id = str(args.get("zoneId")
                      or self.made_up(f"Z{self.h('zone', name, length=13).upper()}", f"{token} zoneId"))
        servers = [self.made_up(f"ns-{int(self.h(name, i, length=3), 16) % 2000}.awsdns-{i:02d}.{tld}",
                                f"{token} nameServers") for i, tld in enumerate(["com", "net", "org", "co.uk"])]
        return {"name": name, "zoneId": zone_id, "id": zone_id, "nameServers": servers, "primaryNameServer": servers[0],
                "arn": f"arn:{self.ctx.partition}:route53:::hostedzone/{zone_id}", "comment": "",
                "privateZone": bool(args.get("privateZone")), "resourceRecordSetCount": 2,
                "callerReference": self.h("ref", name, length=12), "linkedServiceDescription": "",
                "linkedServicePrincipal": "", "tags": dict(args.get("tags") or {})}

    def acm_certificate(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        domain = str(args.get("domain") or "")
        arn = self.made_up(self.arn("acm", f"certificate/{uuid_from(self.ctx.region, 'acm', domain)}"),
                           f"{token} arn of {domain}")
        return {"domain": domain, "arn": arn, "id": arn, "status": "ISSUED", "types": list(args.get("types") or []),
                "keyTypes": list(args.get("keyTypes") or ["RSA_2048"]), "statuses": list(args.get("statuses") or []),
                "mostRecent": bool(args.get("mostRecent")), "tags": {}}

    def _secret_identity(self, args: dict[str, Any], token: str) -> tuple[str, str]:
        given = str(args.get("arn") or args.get("secretId") or args.get("name") or "")
        if given.startswith("arn:"):
            return given.split(":secret:", 1)[-1].rsplit("-", 1)[0], given
        arn = self.made_up(self.arn("secretsmanager", f"secret:{given}-{self.h('secret', given, length=6)}"),
                           f"{token} arn of {given}")
        return given, arn

    def secret(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name, arn = self._secret_identity(args, token)
        return {"name": name, "arn": arn, "id": arn, "description": "", "kmsKeyId": "", "policy": "", "tags": {},
                "createdDate": "2025-01-01T00:00:00Z", "lastChangedDate": "2025-01-01T00:00:00Z"}

    def secret_version(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        name, arn = self._secret_identity(args, token)
        version = self.made_up(uuid_from(self.ctx.region, "secret-version", arn), f"{token} versionId")
        value = self.made_up(f"preflight-secret-{self.h('value', arn, length=24)}", f"{token} secretString of {name}")
        return {"arn": arn, "id": f"{arn}|{args.get('versionStage') or 'AWSCURRENT'}", "secretId": args.get("secretId"),
                "secretString": value, "secretBinary": "", "versionId": version,
                "versionStage": args.get("versionStage") or "AWSCURRENT", "versionStages": ["AWSCURRENT"],
                "createdDate": "2025-01-01T00:00:00Z"}

    # -- other providers --

    def awsx_default_vpc(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        vpc_id = self.default_vpc_id
        self.invented.add(vpc_id, f"{token} vpcId")
        return {"vpcId": vpc_id, "publicSubnetIds": [s.id for s in self.subnets_of(vpc_id, token)],
                "privateSubnetIds": []}


def _contains(value: Any, text: str) -> bool:
    if isinstance(value, str):
        return text in value
    if isinstance(value, list):
        return any(_contains(v, text) for v in value)
    if isinstance(value, dict):
        return any(_contains(v, text) for v in value.values())
    return False
