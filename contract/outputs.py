"""The platform stack's outputs: the contract other projects read through ``pulumi.StackReference``.

Every output ``__main__.py`` exports is declared here once, with its JSON shape, its meaning, whether it is secret and
in which stacks it is present. The README's table is rendered from this list (``python -m contract``) and the tests
hold the program, this list and the README to each other, per stack: renaming, removing or reshaping an output is a
change of this file, of the README and of ``VERSION`` together, never a side effect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contract.shapes import NUMBER, STRING, Field, Shape, list_of, map_of, record

#: The contract's version: raised when an output is renamed, removed or changes shape (adding one keeps it). The
#: platform exports it as ``contractVersion``; ``PlatformOutputs`` refuses a stack of another version.
VERSION = "1"

#: When an output is present.
ALWAYS = "always"
EKS = "eks"
ENDPOINTS = "endpoints"
PRESENCE = {
    ALWAYS: "always",
    EKS: "with `eksEnabled`",
    ENDPOINTS: "with interface endpoints (`natStrategy: none` or `interfaceEndpoints: true`)",
}


@dataclass(frozen=True)
class StackOutput:
    name: str
    """camelCase, as exported."""
    shape: Shape
    """Its JSON shape."""
    meaning: str
    """What a consumer does with it (one or two sentences, Markdown)."""
    secret: bool = False
    """Exported as a secret: a StackReference hands it over encrypted, and reports withhold it."""
    when: str = ALWAYS
    """A key of ``PRESENCE``."""

    @property
    def attribute(self) -> str:
        """Its name in ``PlatformOutputs``: ``albListenerArn`` → ``alb_listener_arn``."""
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in self.name)


def _fields(*names: str, nullable: Iterable[str] = ()) -> tuple[Field, ...]:
    return tuple(Field(n, STRING, nullable=n in set(nullable)) for n in names)


SERVICE = record(
    *_fields("serviceName", "taskDefinitionArn", "taskRoleArn", "targetGroupArn", "logGroupName"),
    Field("repositoryUrl", STRING, nullable=True), Field("priority", NUMBER), Field("path", STRING),
    Field("host", STRING, nullable=True),
)
PIPELINE = record(*_fields("bucketName", "bucketArn", "tableName", "tableArn", "ruleArn", "deadLetterQueueUrl",
                           "taskDefinitionArn", "logGroupName"))
SCHEDULED_TASK = record(*_fields("ruleArn", "deadLetterQueueUrl", "taskDefinitionArn", "logGroupName"))
WORKER = record(*_fields("queueName", "queueUrl", "queueArn", "deadLetterQueueUrl", "serviceName",
                         "taskDefinitionArn", "logGroupName"))
PRIORITIES = record(Field("min", NUMBER), Field("max", NUMBER))

OUTPUTS: tuple[StackOutput, ...] = (
    StackOutput("contractVersion", STRING, f"This contract's version (`{VERSION}`); raised when an output is renamed, "
                                           "removed or reshaped."),
    StackOutput("region", STRING, "AWS region of the stack: deploy onto it from the same region."),
    StackOutput("partition", STRING, "ARN partition of the region (`aws`, `aws-cn`, `aws-us-gov`)."),
    StackOutput("accountId", STRING, "AWS account the stack is in."),
    StackOutput("vpcId", STRING, "The VPC."),
    StackOutput("vpcCidr", STRING, "Its IPv4 CIDR block."),
    StackOutput("publicSubnetIds", list_of(STRING), "Public subnets (the ALB's), one per zone, in zone order."),
    StackOutput("privateSubnetIds", list_of(STRING), "Private subnets, one per zone, in zone order: run workloads "
                                                     "here (no public IPs)."),
    StackOutput("endpointsSecurityGroupId", STRING,
                "The interface endpoints' SG. Their private DNS sends ECR, CloudWatch Logs, ECS and the other "
                "endpoint APIs to them, so admit your tasks' SG on 443 here (`ServiceArgs.endpoints_security_group_id`"
                ") or they cannot pull images or write logs.", when=ENDPOINTS),
    StackOutput("albArn", STRING, "The application load balancer."),
    StackOutput("albDnsName", STRING, "Its DNS name (CNAME or alias target)."),
    StackOutput("albZoneId", STRING, "Its hosted zone, for Route 53 alias records."),
    StackOutput("albSecurityGroupId", STRING, "The ALB's SG: admit it on your targets' port (and let it reach them: "
                                              "an egress rule on this SG), as `FargateService` does."),
    StackOutput("albListenerArn", STRING, "The listener to attach your rules to: HTTPS on 443 where the stack has a "
                                          "certificate, else plain HTTP on 80 (see `albListenerProtocol`)."),
    StackOutput("albListenerProtocol", STRING, "`HTTPS` or `HTTP`: the protocol of `albListenerArn`."),
    StackOutput("reservedListenerPriorities", PRIORITIES,
                "Listener rule priorities left to other projects, inclusive: the platform's services come before "
                "them, its catch-all rule after. Each project keeps to a block of its own."),
    StackOutput("clusterName", STRING, "The ECS cluster."),
    StackOutput("clusterArn", STRING, "Its ARN (`ServiceArgs.cluster_arn`)."),
    StackOutput("capacityProviderName", STRING, "The EC2 capacity provider (bridge-mode services)."),
    StackOutput("fargateCapacityProviders", list_of(STRING), "The Fargate capacity providers associated with the "
                                                             "cluster: `FARGATE`, `FARGATE_SPOT`."),
    StackOutput("instanceSecurityGroupId", STRING, "The container instances' SG (what EC2 tasks connect from)."),
    StackOutput("execLogGroupName", STRING, "The log group ECS Exec sessions on the cluster are logged to."),
    StackOutput("execLogGroupArn", STRING, "Its ARN: a task role with ECS Exec may write to it "
                                           "(`ServiceArgs.exec_log_group_arn`)."),
    StackOutput("logGroupPrefix", STRING, "Prefix of every task log group (`/platform/<stack>/`); a service component "
                                          "logs to `<prefix><name>`, so pick a name no platform workload has."),
    StackOutput("services", map_of(SERVICE),
                "The platform's load-balanced services by name, with their listener rule (`priority`, `path`, "
                "`host`); `repositoryUrl` is null for an image from another registry."),
    StackOutput("repositoryUrls", map_of(STRING), "ECR repositories by name: `<account>.dkr.ecr.<region>"
                                                  ".amazonaws.com/<stack>/<name>`."),
    StackOutput("fileSystemIds", map_of(STRING), "EFS file systems by name."),
    StackOutput("fileSystemSecurityGroupIds", map_of(STRING), "Their mount targets' SGs, by file system: admit your "
                                                              "clients on NFS (2049) there."),
    StackOutput("accessPointIds", map_of(map_of(STRING)), "Access points by file system, then by name."),
    StackOutput("pipelines", map_of(PIPELINE), "Object pipelines by name: their bucket, table, EventBridge rule, "
                                               "dead-letter queue and task."),
    StackOutput("scheduledTasks", map_of(SCHEDULED_TASK), "Scheduled tasks by name."),
    StackOutput("workers", map_of(WORKER), "Queue workers by name: send to `queueUrl` (grant `sqs-send` on "
                                           "`queueArn`)."),
    StackOutput("eksClusterName", STRING, "The EKS cluster.", when=EKS),
    StackOutput("eksClusterEndpoint", STRING, "Its API endpoint (private; public only for `eksPublicAccessCidrs`).",
                when=EKS),
    StackOutput("eksOidcProviderArn", STRING, "The cluster's IAM OIDC provider, for IRSA trust policies.", when=EKS),
    StackOutput("eksOidcProviderUrl", STRING, "Its issuer URL (`<url without https://>:sub` in trust conditions).",
                when=EKS),
    StackOutput("eksNodeRoleArn", STRING, "The managed node groups' role.", when=EKS),
    StackOutput("eksKubeconfig", STRING, "A kubeconfig for the cluster (authenticates with `aws eks get-token`).",
                secret=True, when=EKS),
)
BY_NAME = {o.name: o for o in OUTPUTS}


def present(when: Iterable[str]) -> tuple[StackOutput, ...]:
    """The outputs of a stack with the given conditions (``EKS``, ``ENDPOINTS``) met; ``ALWAYS`` is implied."""
    met = {ALWAYS, *when}
    return tuple(o for o in OUTPUTS if o.when in met)


def markdown_table() -> str:
    """The README's table of outputs."""
    rows = ["| output | type | present | meaning |", "| --- | --- | --- | --- |"]
    for o in OUTPUTS:
        secret = " **Secret.**" if o.secret else ""
        rows.append(f"| `{o.name}` | `{o.shape.label}` | {PRESENCE[o.when]} | {o.meaning}{secret} |")
    return "\n".join(rows) + "\n"
