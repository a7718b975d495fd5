"""The ECS cluster: Container Insights on, ECS Exec sessions logged to CloudWatch."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.context import PlatformContext

TYPE = "platform:ecs:Cluster"


@dataclass(frozen=True)
class ClusterArgs:
    context: PlatformContext
    """Environment facts (stack, log retention)."""


class Cluster(pulumi.ComponentResource):
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    exec_log_group_name: pulumi.Output[str]
    exec_log_group_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        exec_logs = aws.cloudwatch.LogGroup(f"{name}-exec", name=f"{args.context.log_group_prefix}{name}/exec",
                                            retention_in_days=args.context.log_retention_days,
                                            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True))
        cluster = aws.ecs.Cluster(
            name,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            configuration=aws.ecs.ClusterConfigurationArgs(
                execute_command_configuration=aws.ecs.ClusterConfigurationExecuteCommandConfigurationArgs(
                    logging="OVERRIDE",
                    log_configuration=aws.ecs.ClusterConfigurationExecuteCommandConfigurationLogConfigurationArgs(
                        cloud_watch_log_group_name=exec_logs.name,
                    ),
                ),
            ),
            opts=child,
        )
        self.name = cluster.name
        self.arn = cluster.arn
        self.exec_log_group_name = exec_logs.name
        self.exec_log_group_arn = exec_logs.arn
        self.register_outputs({"name": self.name, "arn": self.arn, "execLogGroupName": self.exec_log_group_name,
                               "execLogGroupArn": self.exec_log_group_arn})
