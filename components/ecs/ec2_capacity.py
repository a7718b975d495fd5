"""EC2 capacity for ECS: ECS-optimized AL2023 instances in an Auto Scaling group behind a capacity provider."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.lb.rules import allow_alb_to_targets
from components.network.egress import EgressRule, add_egress, allow_https_egress
from components.network.endpoints import admit_to_endpoints
from components.shared.context import PlatformContext
from components.shared.iam import trust_policy
from components.storage.nfs import allow_nfs

TYPE = "platform:ecs:Ec2Capacity"
#: Public SSM parameter with the current ECS-optimized Amazon Linux 2023 AMI.
AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
ECS_INSTANCE_POLICY = "service-role/AmazonEC2ContainerServiceforEC2Role"
#: Dynamic host ports: the AL2023 kernel's ip_local_port_range (32768-60999) and Docker's fallback range
#: (49153-65535) together. ECS picks host ports for hostPort 0 mappings from the ephemeral range.
EPHEMERAL_PORTS = (32768, 65535)
#: The Fargate capacity providers associated with the cluster next to the EC2 one.
FARGATE_CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


@dataclass(frozen=True)
class Ec2CapacityArgs:
    context: PlatformContext
    """Environment facts."""
    cluster_name: pulumi.Input[str]
    """Cluster the instances join."""
    vpc_id: pulumi.Input[str]
    """VPC of the instances' security group."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets across at least two zones."""
    alb_security_group_id: pulumi.Input[str]
    """The load balancer's SG: the only source admitted, on the ephemeral port range."""
    instance_type: str = "t3.medium"
    """Instance type."""
    min_size: int = 1
    """Minimum instances."""
    max_size: int = 4
    """Maximum instances."""
    target_capacity: int = 100
    """Managed scaling target utilisation (percent)."""
    managed_termination_protection: bool = False
    """Protect instances running tasks from scale-in by the capacity provider."""
    ami_id: str | None = None
    """A pinned ECS-optimized AMI; None follows AWS's recommended AMI (public SSM parameter)."""
    egress: tuple[EgressRule, ...] = ()
    """Outbound rules beyond HTTPS for the instances, and so for every EC2 (bridge mode) task on them."""
    endpoints_security_group_id: pulumi.Input[str] | None = None
    """The VPC's interface endpoints' SG, when there is no NAT: the instance SG admits itself."""
    file_systems: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """EFS file systems that EC2 (bridge mode) services mount, by name, with their mount targets' security group:
    the instances mount them for their tasks, so the instance SG reaches them on NFS."""


#: Stopped tasks' EFS mounts (and the task credentials they hold) are cleaned up after this wait; the ECS guide on
#: EFS volumes recommends less than the agent's default.
EFS_TASK_CLEANUP_WAIT = "15m"


def user_data(cluster_name: str, efs: bool = False) -> str:
    """Joins the cluster; settings from the ECS agent configuration documentation.

    EFS with IAM authorization needs nothing installed: the ECS-optimized AMI ships amazon-efs-utils and enables
    the ECS volume plugin, and the agent hands the task role's credentials to the mount helper
    (``ECS_ENABLE_TASK_IAM_ROLE``, which bridge-mode task roles need anyway). With ``efs`` the agent cleans up
    stopped tasks sooner.
    """
    return "\n".join([
        "#!/bin/bash",
        "cat <<'EOF' >> /etc/ecs/ecs.config",
        f"ECS_CLUSTER={cluster_name}",
        "ECS_ENABLE_TASK_IAM_ROLE=true",
        "ECS_ENABLE_CONTAINER_METADATA=true",
        "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true",
        "ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance",
        'ECS_AVAILABLE_LOGGING_DRIVERS=["json-file","awslogs"]',
        *([f"ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION={EFS_TASK_CLEANUP_WAIT}"] if efs else []),
        "EOF",
        "",
    ])


class Ec2Capacity(pulumi.ComponentResource):
    capacity_provider_name: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    auto_scaling_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: Ec2CapacityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if not 0 <= args.min_size <= args.max_size or args.max_size < 1:
            raise ValueError(f"Ec2Capacity {name}: needs 0 <= min_size <= max_size and max_size >= 1 "
                             f"(got {args.min_size}..{args.max_size})")
        if not 1 <= args.target_capacity <= 100:
            raise ValueError(f"Ec2Capacity {name}: target_capacity must be 1..100 (got {args.target_capacity})")
        super().__init__(TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # EC2 sends no source-account context when it assumes an instance profile's role.
        role = aws.iam.Role(f"{name}-instance", assume_role_policy=trust_policy("ec2.amazonaws.com"),
                            description="ECS container instances", opts=child)
        ecs_policy = aws.iam.RolePolicyAttachment(f"{name}-instance-ecs", role=role.name,
                                                  policy_arn=args.context.managed_policy(ECS_INSTANCE_POLICY),
                                                  opts=child)
        profile = aws.iam.InstanceProfile(f"{name}-instance", role=role.name, opts=child)

        sg = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args.vpc_id, description=f"{name} container instances",
                                   tags={"Name": f"{name}-sg"}, opts=child)
        allow_alb_to_targets(name, alb_security_group_id=args.alb_security_group_id, target_security_group_id=sg.id,
                             from_port=EPHEMERAL_PORTS[0], to_port=EPHEMERAL_PORTS[1], parent=self)
        allow_https_egress(name, sg.id, self)
        for rule in args.egress:
            add_egress(name, sg.id, rule, self)
        if args.endpoints_security_group_id is not None:
            admit_to_endpoints(name, args.endpoints_security_group_id, sg.id, self)
        for file_system, mount_target_sg in sorted(args.file_systems.items()):
            allow_nfs(name, file_system, mount_target_security_group_id=mount_target_sg,
                      client_security_group_id=sg.id, parent=self)

        image_id: pulumi.Input[str] = args.ami_id or aws.ssm.get_parameter_output(
            name=AMI_PARAMETER, opts=pulumi.InvokeOptions(parent=self)).value
        # The provider's default tags do not reach what the instances launch: tag instances and volumes here.
        launch_tags = {**args.context.tags, "Name": name}
        template = aws.ec2.LaunchTemplate(
            name,
            image_id=image_id,
            instance_type=args.instance_type,
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=profile.arn),
            # IMDSv2 only; hop limit 1 keeps bridge-mode containers (one hop further) away from the
            # instance role's credentials.
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1),
            block_device_mappings=[aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name="/dev/xvda",
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=30, volume_type="gp3", encrypted="true", delete_on_termination="true"),
            )],
            network_interfaces=[aws.ec2.LaunchTemplateNetworkInterfaceArgs(
                associate_public_ip_address="false", security_groups=[sg.id], delete_on_termination="true")],
            monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
            tag_specifications=[aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=launch_tags)
                                for kind in ("instance", "volume", "network-interface")],
            user_data=pulumi.Output.from_input(args.cluster_name).apply(
                lambda cluster: base64.b64encode(user_data(cluster, efs=bool(args.file_systems)).encode()).decode()),
            update_default_version=True,
            opts=child,
        )
        protect = args.managed_termination_protection
        group = aws.autoscaling.Group(
            name,
            vpc_zone_identifiers=args.subnet_ids,
            min_size=args.min_size,
            max_size=args.max_size,
            # A new template version (AMI, instance type, user data) changes the group and starts the refresh
            # below; "$Latest" would leave running instances on the old version.
            launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id,
                                                                    version=template.latest_version.apply(str)),
            instance_refresh=aws.autoscaling.GroupInstanceRefreshArgs(
                strategy="Rolling",
                preferences=aws.autoscaling.GroupInstanceRefreshPreferencesArgs(
                    # Launch each replacement before terminating an instance: capacity never drops.
                    min_healthy_percentage=100, max_healthy_percentage=200,
                    # Instances running tasks are protected from scale-in: refresh them anyway, ECS managed
                    # draining moves their tasks first.
                    scale_in_protected_instances="Refresh", standby_instances="Terminate", skip_matching=True,
                    instance_warmup="120"),
            ),
            health_check_type="EC2",
            protect_from_scale_in=protect,
            # `pulumi destroy` deletes the services, then the capacity provider, then this group (their
            # dependencies order it): force-delete terminates the instances even when they are protected from
            # scale-in, so destroy never waits on them.
            force_delete=True,
            tags=[aws.autoscaling.GroupTagArgs(key="AmazonECSManaged", value="true", propagate_at_launch=True),
                  aws.autoscaling.GroupTagArgs(key="Name", value=name, propagate_at_launch=True)],
            # Managed scaling owns the desired capacity. Instances register with the cluster at boot, so the
            # role's ECS permissions come first.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["desiredCapacity"], depends_on=[ecs_policy]),
        )
        provider = aws.ecs.CapacityProvider(
            name,
            auto_scaling_group_provider=aws.ecs.CapacityProviderAutoScalingGroupProviderArgs(
                auto_scaling_group_arn=group.arn,
                managed_termination_protection="ENABLED" if protect else "DISABLED",
                managed_draining="ENABLED",
                managed_scaling=aws.ecs.CapacityProviderAutoScalingGroupProviderManagedScalingArgs(
                    status="ENABLED", target_capacity=args.target_capacity,
                    minimum_scaling_step_size=1, maximum_scaling_step_size=max(1, args.max_size // 2)),
            ),
            opts=child,
        )
        aws.ecs.ClusterCapacityProviders(
            name, cluster_name=args.cluster_name,
            capacity_providers=[provider.name, *FARGATE_CAPACITY_PROVIDERS],
            default_capacity_provider_strategies=[aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(
                capacity_provider=provider.name, weight=1, base=0)],
            opts=child,
        )
        self.capacity_provider_name = provider.name
        self.security_group_id = sg.id
        self.auto_scaling_group_name = group.name
        self.register_outputs({"capacityProviderName": self.capacity_provider_name,
                               "securityGroupId": self.security_group_id,
                               "autoScalingGroupName": self.auto_scaling_group_name})
