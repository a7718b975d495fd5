"""container-platform: reads the stack's settings once, builds the platform, exports the contract."""

import pulumi
import pulumi_aws as aws

import settings
from components.ecs.cluster import Cluster, ClusterArgs
from components.ecs.ec2_capacity import Ec2Capacity, Ec2CapacityArgs
from components.ecs.ec2_service import Ec2Service
from components.ecs.fargate_service import FargateService
from components.ecs.service import ContainerSpec, ServiceArgs
from components.lb.alb import ApplicationLoadBalancer, ApplicationLoadBalancerArgs
from components.network.vpc import Vpc, VpcArgs
from components.shared.context import PlatformContext

try:
    config = settings.load(pulumi.get_stack(), settings.raw_config())
except settings.ConfigError as exc:
    raise pulumi.RunError(str(exc)) from None

provider = aws.Provider(
    "aws",
    region=config.region,
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={**config.tags, "project": settings.PROJECT, "stack": config.stack, "managed-by": "pulumi"},
    ),
)
on_aws = pulumi.ResourceOptions(providers=[provider])
context = PlatformContext(
    stack=config.stack,
    region=config.region,
    account_id=aws.get_caller_identity(opts=pulumi.InvokeOptions(provider=provider)).account_id,
    log_retention_days=config.log_retention_days,
    protect=config.protect,
)
zones = aws.get_availability_zones(state="available", opts=pulumi.InvokeOptions(provider=provider)).names
if len(zones) < config.network.az_count:
    raise pulumi.RunError(f"Pulumi.{config.stack}.yaml: {settings.PROJECT}:azCount must be at most {len(zones)}, "
                          f"the zones available in {config.region} (got {config.network.az_count})")

network = Vpc(
    "platform",
    VpcArgs(
        context=context,
        cidr_block=config.network.cidr,
        availability_zones=tuple(sorted(zones)[: config.network.az_count]),
        nat_strategy=config.network.nat_strategy,
        flow_logs=config.network.flow_logs,
    ),
    opts=on_aws,
)

alb = ApplicationLoadBalancer(
    "alb",
    ApplicationLoadBalancerArgs(
        context=context,
        vpc_id=network.vpc_id,
        subnet_ids=network.public_subnet_ids,
        allowed_cidrs=config.alb.allowed_cidrs,
        certificate_arn=config.alb.certificate_arn,
        allow_plain_http=config.alb.allow_plain_http,
        deletion_protection=config.alb.deletion_protection,
        access_logs=config.alb.access_logs,
    ),
    opts=on_aws,
)
cluster = Cluster("cluster", ClusterArgs(context=context), opts=on_aws)
capacity = Ec2Capacity(
    "capacity",
    Ec2CapacityArgs(
        context=context,
        cluster_name=cluster.name,
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        alb_security_group_id=alb.security_group_id,
        instance_type=config.capacity.instance_type,
        min_size=config.capacity.min_size,
        max_size=config.capacity.max_size,
        target_capacity=config.capacity.target_capacity,
        managed_termination_protection=config.capacity.managed_termination_protection,
    ),
    opts=on_aws,
)

after_capacity = pulumi.ResourceOptions.merge(on_aws, pulumi.ResourceOptions(depends_on=[capacity]))

# Listener rules are evaluated by priority: more specific paths first.
by_specificity = sorted(config.services, key=lambda s: (-len(s.path.rstrip("*")), s.name))
services = {}
for priority, svc in enumerate(by_specificity, start=1):
    args = ServiceArgs(
        context=context,
        container=ContainerSpec(
            image=svc.image, image_tag=svc.image_tag, port=svc.port, cpu=svc.cpu, memory=svc.memory,
            environment=svc.environment, secrets=svc.secrets, read_only_root_filesystem=svc.read_only_root_filesystem,
        ),
        cluster_arn=cluster.arn,
        cluster_name=cluster.name,
        vpc_id=network.vpc_id,
        listener_arn=alb.listener_arn,
        alb_security_group_id=alb.security_group_id,
        path=svc.path,
        host=svc.host,
        priority=priority * 10,
        health_check_path=svc.health_check_path,
        desired_count=svc.desired_count,
        min_count=svc.min_count,
        max_count=svc.max_count,
        cpu_target=svc.cpu_target,
        min_healthy_percent=svc.min_healthy_percent,
        max_percent=svc.max_percent,
        grants=svc.grants,
    )
    if svc.launch_type == "ec2":
        services[svc.name] = Ec2Service(svc.name, args, capacity_provider_name=capacity.capacity_provider_name,
                                        opts=after_capacity)
    else:
        # FARGATE and FARGATE_SPOT are usable once associated with the cluster (by the capacity component).
        services[svc.name] = FargateService(svc.name, args, subnet_ids=network.private_subnet_ids, spot=svc.spot,
                                            opts=after_capacity)

# The stack's contract for other projects (StackReference): documented in README.md.
pulumi.export("region", config.region)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("vpcCidr", network.cidr_block)
pulumi.export("publicSubnetIds", network.public_subnet_ids)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
pulumi.export("albDnsName", alb.dns_name)
pulumi.export("albZoneId", alb.zone_id)
pulumi.export("albSecurityGroupId", alb.security_group_id)
pulumi.export("albListenerArn", alb.listener_arn)
pulumi.export("clusterName", cluster.name)
pulumi.export("clusterArn", cluster.arn)
pulumi.export("capacityProviderName", capacity.capacity_provider_name)
pulumi.export("instanceSecurityGroupId", capacity.security_group_id)
pulumi.export("services", {
    name: {
        "serviceName": svc.service_name,
        "taskDefinitionArn": svc.task_definition_arn,
        "taskRoleArn": svc.task_role_arn,
        "targetGroupArn": svc.target_group_arn,
        "logGroupName": svc.log_group_name,
        "repositoryUrl": svc.repository_url,
    }
    for name, svc in services.items()
})
