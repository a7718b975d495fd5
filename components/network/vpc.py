"""A VPC across N availability zones: public subnets for the load balancer and NAT, private ones for workloads."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.network.endpoints import InterfaceEndpoints, InterfaceEndpointsArgs, endpoint_service_name
from components.shared.context import PlatformContext
from components.shared.iam import policy_document, statement, trust_policy

TYPE = "platform:network:Vpc"
NAT_STRATEGIES = ("none", "single", "per-az")
MAX_AZS = 6
#: Gateway endpoints a VPC may add to its S3 one (free; traffic to them skips the NAT gateways).
GATEWAY_SERVICES = ("dynamodb",)
#: Each subnet takes 1/16 of the VPC: private subnets in slots 0..5, public ones in slots 8..13, so adding a
#: zone never moves an existing subnet.
_SUBNET_BITS = 4
_PUBLIC_OFFSET = 8


@dataclass(frozen=True)
class VpcArgs:
    context: PlatformContext
    """Environment facts (stack, region, account, log retention)."""
    cidr_block: str
    """IPv4 CIDR of the VPC, /16 to /20."""
    availability_zones: tuple[str, ...]
    """Zone names to spread across, 2 to 6, in a stable order."""
    nat_strategy: str = "single"
    """Private subnet egress: none, single (one NAT gateway) or per-az (one per zone, zone-independent)."""
    flow_logs: bool = False
    """Record flow logs of all traffic to a CloudWatch log group."""
    inbound_ports: tuple[int, ...] = (80, 443)
    """TCP ports that clients on the internet connect to (the load balancer's listeners), below 1024."""
    interface_endpoints: tuple[str, ...] = ()
    """AWS services (``ecr.api``, ``logs``, …) to reach through interface endpoints in the private subnets; needed
    when there is no NAT gateway."""
    kubernetes_subnet_tags: bool = False
    """Tag the private subnets ``kubernetes.io/role/internal-elb``, where EKS's load balancer controllers place
    internal load balancers. Public subnets stay untagged: the ALB is the platform's way in from the internet."""
    gateway_endpoints: tuple[str, ...] = ()
    """AWS services besides S3 (which always has one) to reach through gateway endpoints: ``dynamodb``."""


#: Administration ports the network ACL never opens to the internet.
ADMIN_PORTS = (22, 3389)


def network_acl_ingress(cidr_block: str, inbound_ports: tuple[int, ...]) -> list[aws.ec2.DefaultNetworkAclIngressArgs]:
    """All traffic inside the VPC; from the internet the listener ports, replies to outbound connections (ports
    1024–65535, TCP and UDP) without the admin ports, and the ICMP messages path-MTU discovery needs."""
    entries: list[tuple[str, int, int, str]] = [("-1", 0, 0, cidr_block)]
    entries += [("tcp", port, port, "0.0.0.0/0") for port in sorted(inbound_ports)]
    low = 1024
    replies = []
    for port in (*ADMIN_PORTS, 65536):
        if port > low:
            replies.append((low, port - 1))
        low = max(low, port + 1)
    entries += [(protocol, first, last, "0.0.0.0/0") for protocol in ("tcp", "udp") for first, last in replies]
    rules = [aws.ec2.DefaultNetworkAclIngressArgs(rule_no=100 + 10 * i, action="allow", protocol=protocol,
                                                  cidr_block=cidr, from_port=first, to_port=last)
             for i, (protocol, first, last, cidr) in enumerate(entries)]
    # Destination unreachable, fragmentation needed (path-MTU discovery).
    rules.append(aws.ec2.DefaultNetworkAclIngressArgs(rule_no=100 + 10 * len(entries), action="allow", protocol="1",
                                                      cidr_block="0.0.0.0/0", from_port=0, to_port=0, icmp_type=3,
                                                      icmp_code=4))
    return rules


def subnet_cidrs(cidr_block: str, az_count: int) -> tuple[list[str], list[str]]:
    """(private, public) subnet CIDRs for ``az_count`` zones, at fixed slots of the VPC range."""
    slots = list(ipaddress.ip_network(cidr_block).subnets(prefixlen_diff=_SUBNET_BITS))
    private = [str(slots[i]) for i in range(az_count)]
    public = [str(slots[_PUBLIC_OFFSET + i]) for i in range(az_count)]
    return private, public


class Vpc(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    cidr_block: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids_by_zone: tuple[pulumi.Output[str], ...]
    """The private subnets one by one, in zone order: for resources built once per subnet (EFS mount targets)."""
    endpoints_security_group_id: pulumi.Output[str] | None
    """The interface endpoints' SG (None without endpoints): clients admit themselves on 443."""

    def __init__(self, name: str, args: VpcArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        azs = args.availability_zones
        if not 2 <= len(azs) <= MAX_AZS:
            raise ValueError(f"Vpc {name}: needs 2..{MAX_AZS} availability zones (got {len(azs)})")
        if args.nat_strategy not in NAT_STRATEGIES:
            raise ValueError(f"Vpc {name}: nat_strategy must be one of {', '.join(NAT_STRATEGIES)} "
                             f"(got {args.nat_strategy})")
        if set(args.gateway_endpoints) - set(GATEWAY_SERVICES) or len(set(args.gateway_endpoints)) != len(
                args.gateway_endpoints):
            raise ValueError(f"Vpc {name}: gateway_endpoints must be distinct, among {', '.join(GATEWAY_SERVICES)} "
                             f"(got {', '.join(args.gateway_endpoints)})")
        if len(set(azs)) != len(azs):
            raise ValueError(f"Vpc {name}: availability_zones must be distinct (got {', '.join(azs)})")
        try:
            network = ipaddress.ip_network(args.cidr_block)
        except ValueError:
            network = None
        if network is None or network.version != 4 or not 16 <= network.prefixlen <= 20:
            raise ValueError(f"Vpc {name}: cidr_block must be an IPv4 /16../20 (got {args.cidr_block})")
        super().__init__(TYPE, name, None, opts)

        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.context.protect)
        vpc = aws.ec2.Vpc(name, cidr_block=args.cidr_block, enable_dns_support=True, enable_dns_hostnames=True,
                          tags={"Name": name}, opts=stateful)
        # Adopt the default security group and strip every rule AWS gave it (FSBP EC2.2).
        aws.ec2.DefaultSecurityGroup(f"{name}-default", vpc_id=vpc.id, tags={"Name": f"{name}-default"}, opts=child)
        # Adopt the default network ACL, which every subnet uses: AWS's allow-all entry becomes entries that leave
        # out SSH and RDP from the internet (FSBP EC2.21). Security groups still decide what reaches what.
        aws.ec2.DefaultNetworkAcl(f"{name}-default", default_network_acl_id=vpc.default_network_acl_id,
                                  ingress=network_acl_ingress(args.cidr_block, args.inbound_ports),
                                  egress=[aws.ec2.DefaultNetworkAclEgressArgs(
                                      rule_no=100, action="allow", protocol="-1", cidr_block="0.0.0.0/0",
                                      from_port=0, to_port=0)],
                                  tags={"Name": f"{name}-default"}, opts=child)
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags={"Name": f"{name}-igw"}, opts=child)

        private_cidrs, public_cidrs = subnet_cidrs(args.cidr_block, len(azs))
        public_rt = aws.ec2.RouteTable(f"{name}-public", vpc_id=vpc.id, tags={"Name": f"{name}-public"}, opts=child)
        aws.ec2.Route(f"{name}-public-default", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0",
                      gateway_id=igw.id, opts=child)

        k8s_tags = {"kubernetes.io/role/internal-elb": "1"} if args.kubernetes_subnet_tags else {}
        public_subnets: list[aws.ec2.Subnet] = []
        private_subnets: list[aws.ec2.Subnet] = []
        private_rts: list[aws.ec2.RouteTable] = []
        nat_ids: list[pulumi.Output[str]] = []
        for i, az in enumerate(azs):
            # Public subnets never hand out public IPs: the ALB and NAT gateways bring their own addresses.
            public = aws.ec2.Subnet(f"{name}-public-{i}", vpc_id=vpc.id, cidr_block=public_cidrs[i],
                                    availability_zone=az, map_public_ip_on_launch=False,
                                    tags={"Name": f"{name}-public-{az}", "tier": "public"}, opts=child)
            aws.ec2.RouteTableAssociation(f"{name}-public-{i}", subnet_id=public.id, route_table_id=public_rt.id,
                                          opts=child)
            public_subnets.append(public)
            if args.nat_strategy == "per-az" or (args.nat_strategy == "single" and i == 0):
                eip = aws.ec2.Eip(f"{name}-nat-{i}", domain="vpc", tags={"Name": f"{name}-nat-{az}"}, opts=child)
                nat = aws.ec2.NatGateway(f"{name}-nat-{i}", allocation_id=eip.id, subnet_id=public.id,
                                         tags={"Name": f"{name}-nat-{az}"},
                                         opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]))
                nat_ids.append(nat.id)

        for i, az in enumerate(azs):
            private = aws.ec2.Subnet(f"{name}-private-{i}", vpc_id=vpc.id, cidr_block=private_cidrs[i],
                                     availability_zone=az, map_public_ip_on_launch=False,
                                     tags={"Name": f"{name}-private-{az}", "tier": "private", **k8s_tags},
                                     opts=child)
            rt = aws.ec2.RouteTable(f"{name}-private-{i}", vpc_id=vpc.id, tags={"Name": f"{name}-private-{az}"},
                                    opts=child)
            if nat_ids:
                aws.ec2.Route(f"{name}-private-{i}-default", route_table_id=rt.id,
                              destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat_ids[min(i, len(nat_ids) - 1)],
                              opts=child)
            aws.ec2.RouteTableAssociation(f"{name}-private-{i}", subnet_id=private.id, route_table_id=rt.id,
                                          opts=child)
            private_subnets.append(private)
            private_rts.append(rt)

        # S3 through a gateway endpoint: ECR image layers and S3 traffic skip the NAT gateways.
        aws.ec2.VpcEndpoint(f"{name}-s3", vpc_id=vpc.id, service_name=endpoint_service_name("s3", "Gateway", self),
                            vpc_endpoint_type="Gateway", route_table_ids=[rt.id for rt in private_rts],
                            tags={"Name": f"{name}-s3"}, opts=child)
        for service in args.gateway_endpoints:
            aws.ec2.VpcEndpoint(f"{name}-{service}", vpc_id=vpc.id,
                                service_name=endpoint_service_name(service, "Gateway", self),
                                vpc_endpoint_type="Gateway", route_table_ids=[rt.id for rt in private_rts],
                                tags={"Name": f"{name}-{service}"}, opts=child)

        endpoints = None
        if args.interface_endpoints:
            endpoints = InterfaceEndpoints(
                f"{name}-endpoints",
                InterfaceEndpointsArgs(context=args.context, vpc_id=vpc.id, subnet_ids=[s.id for s in private_subnets],
                                       services=args.interface_endpoints),
                opts=child)
        if args.flow_logs:
            self._flow_logs(name, args.context, vpc, child)

        self.vpc_id = vpc.id
        self.cidr_block = vpc.cidr_block
        self.public_subnet_ids = pulumi.Output.all(*[s.id for s in public_subnets])
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in private_subnets])
        self.private_subnet_ids_by_zone = tuple(s.id for s in private_subnets)
        self.endpoints_security_group_id = endpoints.security_group_id if endpoints else None
        self.register_outputs({
            "vpcId": self.vpc_id, "cidrBlock": self.cidr_block,
            "publicSubnetIds": self.public_subnet_ids, "privateSubnetIds": self.private_subnet_ids,
            "endpointsSecurityGroupId": self.endpoints_security_group_id,
        })

    def _flow_logs(self, name: str, context: PlatformContext, vpc: aws.ec2.Vpc, child: pulumi.ResourceOptions) -> None:
        """Flow logs to CloudWatch Logs with the role AWS documents ("IAM role for publishing flow logs to
        CloudWatch Logs"): its five actions, scoped to this log group where the action allows it, and a trust
        limited to this account's flow logs."""
        group = aws.cloudwatch.LogGroup(f"{name}-flow-logs", name=f"{context.log_group_prefix}{name}/flow-logs",
                                        retention_in_days=context.log_retention_days,
                                        opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True))
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=trust_policy("vpc-flow-logs.amazonaws.com", context.account_id,
                                            context.arn("ec2", "vpc-flow-log/*")),
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=policy_document([
                statement(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                           "logs:DescribeLogStreams"], [group.arn, group.arn.apply(lambda arn: f"{arn}:*")]),
                # DescribeLogGroups lists groups: it takes no single group as its resource.
                statement(["logs:DescribeLogGroups"], [context.arn("logs", "log-group:*")]),
            ]),
            opts=child,
        )
        # The flow log starts delivering at once: its role must already hold its permissions.
        aws.ec2.FlowLog(f"{name}-flow-logs", vpc_id=vpc.id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
                        log_destination=group.arn, iam_role_arn=role.arn, max_aggregation_interval=60,
                        opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))
