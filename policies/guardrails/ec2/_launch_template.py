"""Helpers shared by the launch template and Auto Scaling group policies.

Several launch template flags (``blockDeviceMappings[].ebs.encrypted``,
``networkInterfaces[].associatePublicIpAddress``) are strings in pulumi-aws ("true", "false", or unset), not
booleans: read them with ``is_true``.
"""

from __future__ import annotations

from typing import Any

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"


def is_true(value: Any) -> bool:
    """A boolean true or the string "true" (any case)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
