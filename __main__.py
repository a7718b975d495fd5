"""container-platform: reads the stack's settings once, builds the platform area by area, exports the contract."""

import pulumi
import pulumi_aws as aws

import settings
from areas import ecs, eks, events, network, outputs, storage
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

# The stack's contract for other projects (StackReference): declared in contract/outputs.py, documented in README.md.
for name, value in outputs.stack_outputs(config, context, vpc, storage_area, platform, tasks, kubernetes).items():
    pulumi.export(name, value)
