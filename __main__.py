"""container-platform: reads the stack's settings once, builds the platform area by area, exports the contract."""

import pulumi
import pulumi_aws as aws

import settings
from areas import ecs, eks, events, network, storage
from components.shared.context import PlatformContext

try:
    config = settings.load(pulumi.get_stack(), settings.raw_config())
except settings.ConfigError as exc:
    raise pulumi.RunError(str(exc)) from None

stack_tags = {**config.tags, "project": settings.PROJECT, "stack": config.stack, "managed-by": "pulumi"}
provider = aws.Provider("aws", region=config.region,
                        default_tags=aws.ProviderDefaultTagsArgs(tags=stack_tags))
on_aws = pulumi.ResourceOptions(providers=[provider])
on_aws_invoke = pulumi.InvokeOptions(provider=provider)
context = PlatformContext(
    stack=config.stack,
    region=config.region,
    partition=config.partition,
    account_id=aws.get_caller_identity(opts=on_aws_invoke).account_id,
    log_retention_days=config.log_retention_days,
    protect=config.protect,
    tags=stack_tags,
)
zones = aws.get_availability_zones(state="available", opts=on_aws_invoke).names
if len(zones) < config.network.az_count:
    raise pulumi.RunError(f"Pulumi.{config.stack}.yaml: {settings.PROJECT}:azCount must be at most {len(zones)}, "
                          f"the zones available in {config.region} (got {config.network.az_count})")

if config.eks.enabled:
    eks.check_version(config, on_aws_invoke)

vpc = network.build(config, context, zones, on_aws)
storage_area = storage.build(config, context, vpc, on_aws)
platform = ecs.build(config, context, vpc, storage_area, on_aws)
tasks = events.build(config, context, vpc, platform, on_aws)
kubernetes = eks.build(config, context, vpc, on_aws)

# The stack's contract for other projects (StackReference): documented in README.md.
pulumi.export("region", config.region)
pulumi.export("vpcId", vpc.vpc_id)
pulumi.export("vpcCidr", vpc.cidr_block)
pulumi.export("publicSubnetIds", vpc.public_subnet_ids)
pulumi.export("privateSubnetIds", vpc.private_subnet_ids)
pulumi.export("albDnsName", platform.alb.dns_name)
pulumi.export("albZoneId", platform.alb.zone_id)
pulumi.export("albSecurityGroupId", platform.alb.security_group_id)
pulumi.export("albListenerArn", platform.alb.listener_arn)
pulumi.export("clusterName", platform.cluster.name)
pulumi.export("clusterArn", platform.cluster.arn)
pulumi.export("capacityProviderName", platform.capacity.capacity_provider_name)
pulumi.export("instanceSecurityGroupId", platform.capacity.security_group_id)
pulumi.export("services", {
    name: {
        "serviceName": svc.service_name,
        "taskDefinitionArn": svc.task_definition_arn,
        "taskRoleArn": svc.task_role_arn,
        "targetGroupArn": svc.target_group_arn,
        "logGroupName": svc.log_group_name,
        "repositoryUrl": svc.repository_url,
    }
    for name, svc in platform.services.items()
})
pulumi.export("repositoryUrls", storage_area.repositories.repository_urls if storage_area.repositories else {})
pulumi.export("fileSystemIds", {name: fs.file_system_id for name, fs in storage_area.file_systems.items()})
pulumi.export("accessPointIds", {name: fs.access_point_ids for name, fs in storage_area.file_systems.items()})
pulumi.export("pipelines", {
    name: {
        "bucketName": p.bucket_name,
        "tableName": p.table_name,
        "ruleArn": p.rule_arn,
        "deadLetterQueueUrl": p.dead_letter_queue_url,
        "taskDefinitionArn": p.task_definition_arn,
        "logGroupName": p.log_group_name,
    }
    for name, p in tasks.pipelines.items()
})
pulumi.export("scheduledTasks", {
    name: {"ruleArn": t.rule_arn, "deadLetterQueueUrl": t.dead_letter_queue_url,
           "taskDefinitionArn": t.task_definition_arn, "logGroupName": t.log_group_name}
    for name, t in tasks.scheduled_tasks.items()
})
pulumi.export("workers", {
    name: {
        "queueUrl": w.queue_url,
        "queueArn": w.queue_arn,
        "deadLetterQueueUrl": w.dead_letter_queue_url,
        "serviceName": w.service_name,
        "taskDefinitionArn": w.task_definition_arn,
        "logGroupName": w.log_group_name,
    }
    for name, w in tasks.workers.items()
})
if kubernetes is not None:
    pulumi.export("eksClusterName", kubernetes.cluster.cluster_name)
    pulumi.export("eksClusterEndpoint", kubernetes.cluster.endpoint)
    pulumi.export("eksOidcProviderArn", kubernetes.cluster.oidc_provider_arn)
    pulumi.export("eksOidcProviderUrl", kubernetes.cluster.oidc_provider_url)
    pulumi.export("eksNodeRoleArn", kubernetes.cluster.node_role_arn)
    pulumi.export("eksKubeconfig", pulumi.Output.secret(kubernetes.cluster.kubeconfig))
