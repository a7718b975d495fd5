"""EC2.10, EC2.55, EC2.56, EC2.57, EC2.58, EC2.60: every VPC has interface endpoints for the services FSBP names.

A stack policy: for every ``aws:ec2/vpc:Vpc``, the ``aws:ec2/vpcEndpoint:VpcEndpoint`` resources whose ``vpcId``
refers to it must include an ``Interface`` endpoint (``vpcEndpointType``; absent, the provider's default is
``Gateway``) for each service below, matched by ``serviceName`` ``com.amazonaws.<region>.<service>`` (FIPS variants
count):

=============== ========= ============================================================
service         control   why the platform cares
=============== ========= ============================================================
ec2             EC2.10    EC2 API calls from inside the VPC stay in the VPC
ecr.api         EC2.55    image pulls: ECR API calls without the NAT gateway
ecr.dkr         EC2.56    image pulls: the Docker registry endpoint
ssm             EC2.57    Systems Manager (instance management, parameters)
ssm-contacts    EC2.58    Incident Manager contacts
ssm-incidents   EC2.60    Incident Manager
=============== ========= ============================================================

Each endpoint must also resolve the service's public name privately: ``privateDnsEnabled`` true on the endpoint
(absent, the provider's default is false) or an ``aws:vpc/endpointPrivateDns:EndpointPrivateDns`` for it. Without
private DNS the SDKs keep calling the public endpoint and the interface endpoint carries nothing.

Policy configuration: ``services`` (list, default all six) narrows the services an environment requires.
Advisory by default: interface endpoints cost money per zone and hour; an environment that requires them sets the
policy to mandatory (the platform's prod does, with ``interfaceEndpoints: true``).
"""

from __future__ import annotations

import re

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    Severity,
    StackValidationArgs,
)

from guardrails._graph import by_type, declared, depends_on
from guardrails.base import as_list, stack_policy

VPC = "aws:ec2/vpc:Vpc"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
PRIVATE_DNS = "aws:vpc/endpointPrivateDns:EndpointPrivateDns"
CONTROLS = {
    "ec2": "EC2.10", "ecr.api": "EC2.55", "ecr.dkr": "EC2.56",
    "ssm": "EC2.57", "ssm-contacts": "EC2.58", "ssm-incidents": "EC2.60",
}
_SERVICE_NAME = re.compile(r"^(?:cn\.)?com\.amazonaws\.[a-z0-9-]+\.(?P<service>.+)$")

CONFIG_SCHEMA = PolicyConfigSchema(
    properties={
        "services": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(CONTROLS),
            "description": (
                "Services every VPC needs an interface endpoint for (the part after com.amazonaws.<region>.)."
            ),
        },
    },
)


def service_of(name: object) -> str | None:
    """``ecr.api`` for ``com.amazonaws.eu-west-1.ecr.api`` (``ec2`` for ``...ec2-fips``); None for other names."""
    found = _SERVICE_NAME.match(name.strip().lower()) if isinstance(name, str) else None
    if found is None:
        return None
    first, dot, rest = found.group("service").partition(".")
    return first.removesuffix("-fips") + dot + rest


def _private_dns(endpoint: PolicyResource, resources: list[PolicyResource]) -> bool:
    if declared(endpoint, "privateDnsEnabled") is True:
        return True
    return any(declared(d, "privateDnsEnabled") is True
               for d in by_type(resources, PRIVATE_DNS) if depends_on(d, "vpcEndpointId", endpoint))


def _required(config: dict) -> list[str]:
    services = config.get("services")
    if services is None:
        return list(CONTROLS)
    return [str(s).strip().lower() for s in as_list(services) if str(s).strip()]


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    required = _required(dict(args.get_config() or {}))
    endpoints = by_type(resources, ENDPOINT)
    for vpc in by_type(resources, VPC):
        interfaces: dict[str, list[PolicyResource]] = {}
        for endpoint in (e for e in endpoints if depends_on(e, "vpcId", vpc)):
            kind = str(declared(endpoint, "vpcEndpointType") or "Gateway").strip().lower()
            service = service_of(declared(endpoint, "serviceName"))
            if kind == "interface" and service:
                interfaces.setdefault(service, []).append(endpoint)
        missing = [s for s in required if s not in interfaces]
        if missing:
            listed = ", ".join(f"{s} ({CONTROLS[s]})" if s in CONTROLS else s for s in missing)
            report(f"VPC '{vpc.name}' has no interface endpoint for {listed}; add an aws.ec2.VpcEndpoint of type "
                   "Interface with private DNS for each, in the private subnets.", vpc.urn)
        for service in (s for s in required if s in interfaces):
            if not any(_private_dns(e, resources) for e in interfaces[service]):
                names = ", ".join(f"'{e.name}'" for e in interfaces[service])
                report(f"the {service} interface endpoint {names} of VPC '{vpc.name}' has no private DNS "
                       "(privateDnsEnabled is not true), so clients keep using the public endpoint; set "
                       "privateDnsEnabled to true.", interfaces[service][0].urn)


POLICY = stack_policy(
    name="vpc-interface-endpoints",
    description=(
        "Every VPC has Interface endpoints with private DNS for ec2, ecr.api, ecr.dkr, ssm, ssm-contacts and "
        "ssm-incidents (config services narrows the list). Advisory by default: endpoints cost money, and an "
        "environment that requires them sets the policy to mandatory."
    ),
    service="ec2",
    severity=Severity.MEDIUM,
    controls=list(CONTROLS.values()),
    remediation=(
        "For each service add aws.ec2.VpcEndpoint(vpc_id=vpc.id, service_name=f'com.amazonaws.{region}.<service>', "
        "vpc_endpoint_type='Interface', private_dns_enabled=True, subnet_ids=<private subnets>, "
        "security_group_ids=[<group admitting tcp 443 from the VPC CIDR>])."
    ),
    enforcement=EnforcementLevel.ADVISORY,
    config_schema=CONFIG_SCHEMA,
    validate=check,
)
