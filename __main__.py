"""container-platform: reads the stack's settings once, builds the platform, exports the contract."""

import pulumi
import pulumi_aws as aws

import settings
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
    opts=pulumi.ResourceOptions(providers=[provider]),
)

# The stack's contract for other projects (StackReference): documented in README.md.
pulumi.export("region", config.region)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("vpcCidr", network.cidr_block)
pulumi.export("publicSubnetIds", network.public_subnet_ids)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
