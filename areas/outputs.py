"""The stack's outputs, the contract other projects read (declared in ``contract/outputs.py``), from what the areas
built; ``__main__.py`` exports them."""

from __future__ import annotations

from typing import Any

import pulumi

import contract
from areas.ecs import EcsArea
from areas.eks import EksArea
from areas.events import EventsArea
from areas.storage import StorageArea
from components.ecs.ec2_capacity import FARGATE_CAPACITY_PROVIDERS
from components.lb.alb import SHARED_RULE_PRIORITIES
from components.network.vpc import Vpc
from components.shared.context import PlatformContext
from settings import Settings


def stack_outputs(config: Settings, context: PlatformContext, vpc: Vpc, storage: StorageArea, ecs: EcsArea,
                  events: EventsArea, kubernetes: EksArea | None) -> dict[str, Any]:
    """Every output of the contract that this stack has, by name, in the contract's order."""
    values: dict[str, Any] = {
        "contractVersion": contract.VERSION,
        "region": context.region,
        "partition": context.partition,
        "accountId": context.account_id,
        "vpcId": vpc.vpc_id,
        "vpcCidr": vpc.cidr_block,
        "publicSubnetIds": vpc.public_subnet_ids,
        "privateSubnetIds": vpc.private_subnet_ids,
        "endpointsSecurityGroupId": vpc.endpoints_security_group_id,
        "albArn": ecs.alb.arn,
        "albDnsName": ecs.alb.dns_name,
        "albZoneId": ecs.alb.zone_id,
        "albSecurityGroupId": ecs.alb.security_group_id,
        "albListenerArn": ecs.alb.listener_arn,
        "albListenerProtocol": ecs.alb.listener_protocol,
        "reservedListenerPriorities": {"min": SHARED_RULE_PRIORITIES.start, "max": SHARED_RULE_PRIORITIES.stop - 1},
        "clusterName": ecs.cluster.name,
        "clusterArn": ecs.cluster.arn,
        "capacityProviderName": ecs.capacity.capacity_provider_name,
        "fargateCapacityProviders": list(FARGATE_CAPACITY_PROVIDERS),
        "instanceSecurityGroupId": ecs.capacity.security_group_id,
        "execLogGroupName": ecs.cluster.exec_log_group_name,
        "execLogGroupArn": ecs.cluster.exec_log_group_arn,
        "logGroupPrefix": context.log_group_prefix,
        "services": {
            s.name: {
                "serviceName": svc.service_name, "taskDefinitionArn": svc.task_definition_arn,
                "taskRoleArn": svc.task_role_arn, "targetGroupArn": svc.target_group_arn,
                "logGroupName": svc.log_group_name, "repositoryUrl": svc.repository_url,
                "priority": s.priority, "path": s.path, "host": s.host,
            }
            for s in config.services for svc in [ecs.services[s.name]]
        },
        "repositoryUrls": storage.repositories.repository_urls if storage.repositories else {},
        "fileSystemIds": {name: fs.file_system_id for name, fs in storage.file_systems.items()},
        "fileSystemSecurityGroupIds": {name: fs.security_group_id for name, fs in storage.file_systems.items()},
        "accessPointIds": {name: fs.access_point_ids for name, fs in storage.file_systems.items()},
        "pipelines": {
            name: {"bucketName": p.bucket_name, "bucketArn": p.bucket_arn, "tableName": p.table_name,
                   "tableArn": p.table_arn, "ruleArn": p.rule_arn, "deadLetterQueueUrl": p.dead_letter_queue_url,
                   "taskDefinitionArn": p.task_definition_arn, "logGroupName": p.log_group_name}
            for name, p in events.pipelines.items()
        },
        "scheduledTasks": {
            name: {"ruleArn": t.rule_arn, "deadLetterQueueUrl": t.dead_letter_queue_url,
                   "taskDefinitionArn": t.task_definition_arn, "logGroupName": t.log_group_name}
            for name, t in events.scheduled_tasks.items()
        },
        "workers": {
            name: {"queueName": w.queue_name, "queueUrl": w.queue_url, "queueArn": w.queue_arn,
                   "deadLetterQueueUrl": w.dead_letter_queue_url, "serviceName": w.service_name,
                   "taskDefinitionArn": w.task_definition_arn, "logGroupName": w.log_group_name}
            for name, w in events.workers.items()
        },
    }
    if kubernetes is not None:
        cluster = kubernetes.cluster
        values.update({
            "eksClusterName": cluster.cluster_name,
            "eksClusterEndpoint": cluster.endpoint,
            "eksOidcProviderArn": cluster.oidc_provider_arn,
            "eksOidcProviderUrl": cluster.oidc_provider_url,
            "eksNodeRoleArn": cluster.node_role_arn,
            "eksKubeconfig": pulumi.Output.secret(cluster.kubeconfig),
        })
    present = {name: value for name, value in values.items() if value is not None}
    undeclared = sorted(set(present) - set(contract.outputs.BY_NAME))
    if undeclared:
        raise pulumi.RunError(f"outputs {', '.join(undeclared)} are not declared in contract/outputs.py")
    return {o.name: present[o.name] for o in contract.OUTPUTS if o.name in present}
