"""Helpers shared by the load balancer policies: type tokens and load balancer facts.

Navigation between resources (property dependencies, with the id fallback) comes from ``guardrails._graph`` and
security-group rules from ``guardrails._sg``. pulumi-aws keeps the ``aws.alb`` module as an alias of ``aws.lb``
(same resources under other type tokens), so every token set lists both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
SUBNET = "aws:ec2/subnet:Subnet"


def flag(value: Any) -> bool:
    """True for a boolean true or a "true" string (some provider inputs, e.g. launch template flags, are strings)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def shown(value: Any) -> str:
    """A property value for a message: "not set", "true", "false" or the value."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)


def lb_type(props: Mapping[str, Any]) -> str:
    """``loadBalancerType`` of a load balancer; absent means ``application`` (the provider's and AWS's default)."""
    return str(props.get("loadBalancerType") or "application").strip().lower()
