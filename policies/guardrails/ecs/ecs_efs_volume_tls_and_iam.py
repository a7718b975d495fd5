"""ECS task definitions mount EFS with TLS, IAM authorization and an access point.

Judges every ``efsVolumeConfiguration`` in ``volumes`` of ``aws:ecs/taskDefinition:TaskDefinition``:
``transitEncryption`` must be ENABLED (absent: DISABLED, NFS in clear text), ``authorizationConfig.iam`` ENABLED
(absent: DISABLED, the mount carries no identity, so the file system policy cannot tell tasks apart) and
``authorizationConfig.accessPointId`` set (the access point enforces the directory and POSIX user). Task definitions
without EFS volumes are not applicable.
"""

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import TASK_DEFINITION
from guardrails.efs._mounts import efs_volumes, keys_of


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    volumes = efs_volumes(args.props.get("volumes"))
    if not volumes:
        args.not_applicable("the task definition has no EFS volume")
    for name, configuration in volumes:
        missing = []
        if configuration.get("transitEncryption") != "ENABLED":
            missing.append("transitEncryption ENABLED (NFS traffic is otherwise unencrypted)")
        authorization = configuration.get("authorizationConfig") if "authorizationConfig" in keys_of(configuration) \
            else None
        if not isinstance(authorization, Mapping) or authorization.get("iam") != "ENABLED":
            missing.append("authorizationConfig.iam ENABLED (the mount otherwise carries no identity)")
        if "accessPointId" not in keys_of(authorization):
            missing.append("authorizationConfig.accessPointId (an access point enforces the directory and user)")
        if missing:
            report(f"EFS volume '{name}' mounts without {'; without '.join(missing)}; mount through an access point "
                   "with transit encryption and IAM authorization.")


POLICY = resource_policy(
    name="ecs-efs-volume-tls-and-iam",
    description="ECS task definitions mount EFS volumes through an access point, with transit encryption and IAM "
                "authorization (the task role).",
    service="ecs",
    severity=Severity.HIGH,
    remediation="Give each aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs transit_encryption=\"ENABLED\" and "
                "authorization_config=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs("
                "access_point_id=<access point id>, iam=\"ENABLED\").",
    validate=check,
)
