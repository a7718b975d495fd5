"""orders-service: one Fargate service on the container platform stack of the same environment.

It reads ``<platformOrg>/container-platform/<stack>`` through a StackReference, checks it against the platform's
stack-output contract (``contract.PlatformOutputs``) and builds the service with the platform's own component
(``FargateService``): its own listener rule in the priorities the platform reserves for other projects, its own target
group, task role, log group and task SG, which admits the container port only from the platform's ALB SG (and lets
that SG reach it).
"""

import pulumi
import pulumi_aws as aws

from components.ecs.fargate_service import FargateService
from components.ecs.service import ContainerSpec, ServiceArgs
from components.shared.context import PlatformContext
from contract import Claims, ListenerRule, PlatformOutputs

NAME = "orders"

config = pulumi.Config()
stack = pulumi.get_stack()
region = pulumi.Config("aws").require("region")
tags = {"project": pulumi.get_project(), "stack": stack, "managed-by": "pulumi"}
provider = aws.Provider("aws", region=region, default_tags=aws.ProviderDefaultTagsArgs(tags=tags))
on_aws = pulumi.InvokeOptions(provider=provider)
account_id = aws.get_caller_identity(opts=on_aws).account_id
endpoints = config.require_bool("platformEndpoints")
rule = ListenerRule(priority=config.require_int("priority"), path=config.require("path"))

platform = PlatformOutputs.from_stack_reference(
    pulumi.StackReference(f"{config.require('platformOrg')}/container-platform/{stack}"),
    Claims(listener_rules=[rule], workload_names=[NAME], region=region, account_id=account_id, endpoints=endpoints),
)

context = PlatformContext(
    stack=stack,
    region=region,
    partition=aws.get_partition(opts=on_aws).partition,
    account_id=account_id,
    log_retention_days=config.require_int("logRetentionDays"),
    protect=False,  # the service keeps no state
    tags=tags,
)
service = FargateService(
    NAME,
    ServiceArgs(
        context=context,
        container=ContainerSpec(image=config.require("image"), port=config.require_int("port"),
                                read_only_root_filesystem=config.require_bool("readOnlyRootFilesystem")),
        cluster_arn=platform.cluster_arn,
        cluster_name=platform.cluster_name,
        vpc_id=platform.vpc_id,
        listener_arn=platform.alb_listener_arn,
        alb_security_group_id=platform.alb_security_group_id,
        path=rule.path,
        priority=rule.priority,
        health_check_path=config.require("healthCheckPath"),
        desired_count=config.require_int("desiredCount"),
        min_count=config.require_int("minCount"),
        max_count=config.require_int("maxCount"),
        enable_execute_command=config.require_bool("enableExecuteCommand"),
        exec_log_group_arn=platform.exec_log_group_arn,
        endpoints_security_group_id=platform.endpoints_security_group_id if endpoints else None,
    ),
    subnet_ids=platform.private_subnet_ids,
    spot=config.require_bool("spot"),
    opts=pulumi.ResourceOptions(providers=[provider]),
)

pulumi.export("url", pulumi.Output.concat(platform.alb_listener_protocol.apply(str.lower), "://",
                                          platform.alb_dns_name, rule.path.rstrip("*")))
pulumi.export("serviceName", service.service_name)
pulumi.export("targetGroupArn", service.target_group_arn)
pulumi.export("taskRoleArn", service.task_role_arn)
pulumi.export("logGroupName", service.log_group_name)
