"""ECS accepts the task definition's EFS volumes: what RegisterTaskDefinition would refuse is reported before
``pulumi up`` reaches it.

Judges ``aws:ecs/taskDefinition:TaskDefinition`` (the ECS API reference, EFSVolumeConfiguration and
EFSAuthorizationConfig):

- every EFS volume names ``fileSystemId``;
- ``authorizationConfig.iam`` ENABLED needs ``transitEncryption`` ENABLED, and so does an ``accessPointId``;
- with an ``accessPointId``, ``rootDirectory`` must be unset or "/" (the access point's directory applies);
- each container's ``mountPoints`` name a volume of the task definition (checked once the container definitions
  are known; in a preview they usually are not).

Task definitions without EFS volumes are not applicable.
"""

import json
from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails._graph import known
from guardrails.base import as_list, resource_policy
from guardrails.ecs._task import TASK_DEFINITION
from guardrails.efs._mounts import efs_volumes, keys_of


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    volumes = efs_volumes(args.props.get("volumes"))
    if not volumes:
        args.not_applicable("the task definition has no EFS volume")
    for name, configuration in volumes:
        keys = keys_of(configuration)
        if "fileSystemId" not in keys:
            report(f"ECS rejects EFS volume '{name}': it names no fileSystemId.")
        tls = configuration.get("transitEncryption") == "ENABLED"
        authorization = configuration.get("authorizationConfig") if "authorizationConfig" in keys else None
        authorization_keys = keys_of(authorization)
        if isinstance(authorization, Mapping) and authorization.get("iam") == "ENABLED" and not tls:
            report(f"ECS rejects EFS volume '{name}': IAM authorization needs transitEncryption ENABLED.")
        if "accessPointId" in authorization_keys:
            if not tls:
                report(f"ECS rejects EFS volume '{name}': an access point needs transitEncryption ENABLED.")
            root = configuration.get("rootDirectory") if "rootDirectory" in keys else None
            if root not in (None, "", "/"):
                report(f"ECS rejects EFS volume '{name}': with an access point, rootDirectory must be unset or / "
                       f"(got {root!r}); the access point's root directory applies.")
    names = {known(v, "name") for v in as_list(args.props.get("volumes")) if isinstance(v, Mapping)}
    raw = known(args.props, "containerDefinitions")
    try:
        containers = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        containers = []  # ecs-container-definitions-valid reports it
    for container in containers if isinstance(containers, list) else []:
        for point in (container.get("mountPoints") or []) if isinstance(container, dict) else []:
            source = point.get("sourceVolume") if isinstance(point, dict) else None
            if source not in names:
                report(f"ECS rejects container {container.get('name')!r}: its mount point names volume {source!r}, "
                       "which the task definition does not declare.")


POLICY = resource_policy(
    name="ecs-efs-volume-config-valid",
    description="ECS task definitions' EFS volumes are accepted by ECS: a file system id, transit encryption with IAM "
                "authorization or an access point, no root directory with an access point, and mount points that "
                "name declared volumes.",
    service="ecs",
    severity=Severity.HIGH,
    remediation="Set file_system_id; set transit_encryption=\"ENABLED\" whenever authorization_config sets iam or "
                "access_point_id; leave root_directory unset with an access point (set the directory on "
                "aws.efs.AccessPoint); name each mountPoints sourceVolume after a volume of the task definition.",
    validate=check,
)
