"""Interface VPC endpoints: AWS APIs reached from the private subnets without a NAT gateway, over private DNS, behind
a security group that admits HTTPS only from the workloads that use them."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.context import PlatformContext

TYPE = "platform:network:InterfaceEndpoints"
#: What ECS on EC2 and Fargate need without NAT: image pulls (ECR API and registry; layers come through the S3
#: gateway endpoint), logs, the ECS agent's control, agent and telemetry channels, secrets from SSM and Secrets
#: Manager, and STS for SDKs that assume roles.
ECS_SERVICES = ("ecr.api", "ecr.dkr", "logs", "ecs", "ecs-agent", "ecs-telemetry", "ssm", "secretsmanager", "sts")
#: ECS Exec sessions (the SSM agent's message channel).
EXEC_SERVICES = ("ssmmessages",)
#: What Security Hub's FSBP asks every VPC to reach privately (EC2.10, EC2.55–58, EC2.60), beyond ECS's own.
FSBP_SERVICES = ("ec2", "ssm-contacts", "ssm-incidents")
#: What EKS nodes need without NAT, besides ECR, STS and S3: the EC2 API (the VPC CNI attaches network interfaces
#: and addresses), the EKS API (clients in the VPC describing the cluster) and EKS Auth (Pod Identity).
EKS_SERVICES = ("ec2", "ecr.api", "ecr.dkr", "sts", "eks", "eks-auth")


@dataclass(frozen=True)
class InterfaceEndpointsArgs:
    context: PlatformContext
    """Environment facts (region)."""
    vpc_id: pulumi.Input[str]
    """VPC of the endpoints; it must have DNS support and DNS host names on (private DNS)."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets, one per zone: one endpoint network interface in each."""
    services: tuple[str, ...]
    """Service names after ``com.amazonaws.<region>.``, e.g. ``ecr.api``."""


class InterfaceEndpoints(pulumi.ComponentResource):
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: InterfaceEndpointsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if not args.services or len(set(args.services)) != len(args.services):
            raise ValueError(f"InterfaceEndpoints {name}: services must be distinct and not empty "
                             f"(got {', '.join(args.services)})")
        super().__init__(TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        sg = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args.vpc_id, description=f"{name}: HTTPS from workloads",
                                   tags={"Name": f"{name}-sg"}, opts=child)
        for service in args.services:
            aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}", vpc_id=args.vpc_id,
                service_name=endpoint_service_name(service, "Interface", self), vpc_endpoint_type="Interface",
                private_dns_enabled=True, subnet_ids=args.subnet_ids, security_group_ids=[sg.id],
                tags={"Name": f"{name}-{service}"}, opts=child)
        self.security_group_id = sg.id
        self.register_outputs({"securityGroupId": self.security_group_id})


def endpoint_service_name(service: str, service_type: str, parent: pulumi.Resource) -> pulumi.Output[str]:
    """The endpoint service's full name as the region publishes it (``com.amazonaws.<region>.<service>``, with
    other prefixes in some partitions), from EC2's own list rather than a formatted guess."""
    return aws.ec2.get_vpc_endpoint_service_output(
        service=service, service_type=service_type, opts=pulumi.InvokeOptions(parent=parent)).service_name


def admit_to_endpoints(name: str, endpoints_security_group_id: pulumi.Input[str],
                       client_security_group_id: pulumi.Input[str], parent: pulumi.Resource) -> None:
    """HTTPS from one workload SG to the endpoints' SG (the workload's own egress already allows HTTPS out)."""
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-to-endpoints", security_group_id=endpoints_security_group_id,
        referenced_security_group_id=client_security_group_id, ip_protocol="tcp", from_port=443, to_port=443,
        description=f"HTTPS from {name}", opts=pulumi.ResourceOptions(parent=parent))
