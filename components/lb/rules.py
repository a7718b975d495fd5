"""Security-group rules that open exactly one path from the load balancer to its targets."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def allow_alb_to_targets(
    name: str,
    *,
    alb_security_group_id: pulumi.Input[str],
    target_security_group_id: pulumi.Input[str],
    from_port: int,
    to_port: int,
    parent: pulumi.Resource,
) -> None:
    """Ingress on the target group's SG from the ALB's SG only, and the matching egress on the ALB's SG.

    The provider strips AWS's allow-all egress from the groups it creates, so the ALB needs both halves.
    """
    ports = f"{from_port}" if from_port == to_port else f"{from_port}-{to_port}"
    opts = pulumi.ResourceOptions(parent=parent)
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-from-alb", security_group_id=target_security_group_id,
        referenced_security_group_id=alb_security_group_id, ip_protocol="tcp", from_port=from_port, to_port=to_port,
        description=f"tcp {ports} from the load balancer only", opts=opts,
    )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-alb-to-targets", security_group_id=alb_security_group_id,
        referenced_security_group_id=target_security_group_id, ip_protocol="tcp", from_port=from_port,
        to_port=to_port, description=f"tcp {ports} to {name}", opts=opts,
    )

