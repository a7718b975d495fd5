"""Facts about AWS that settings check values against, from botocore's bundled data rather than hand-kept lists:
the regions of each partition (``endpoints.json``) and the EC2 instance types (the EC2 service model)."""

from __future__ import annotations

import functools
import re

import botocore.loaders


@functools.cache
def _loader() -> botocore.loaders.Loader:
    return botocore.loaders.Loader()


@functools.cache
def regions() -> dict[str, str]:
    """Every region botocore knows → its partition (aws, aws-cn, aws-us-gov, …)."""
    found: dict[str, str] = {}
    for partition in _loader().load_data("endpoints")["partitions"]:
        for region in partition.get("regions", {}):
            found[region] = partition["partition"]
    return found


def partition_of(region: str) -> str | None:
    return regions().get(region)


@functools.cache
def instance_types() -> frozenset[str]:
    """The instance types the EC2 API accepts (the ``InstanceType`` enum of botocore's EC2 model)."""
    model = _loader().load_service_model("ec2", "service-2")
    return frozenset(model["shapes"]["InstanceType"]["enum"])


#: Graviton (arm64) families: a1, and families whose generation digit is followed by "g" (t4g, m7g, c7gn, r8gd).
_ARM64 = re.compile(r"^(a1|[a-z]+\d+g[a-z]*)\.")


def is_arm64(instance_type: str) -> bool:
    return bool(_ARM64.match(instance_type))


def arn_pattern(partition: str, service: str, rest: str = r".+") -> re.Pattern[str]:
    """``arn:<partition>:<service>:<region>:<account>:<rest>``; ``service`` and ``rest`` are regular expressions."""
    return re.compile(rf"arn:{re.escape(partition)}:{service}:[a-z0-9-]*:(\d{{12}})?:{rest}")


# Loaded with the module (about a quarter of a second): a process that imports the settings once and then runs the
# program for several stacks in forked children, as the preflight does, reads botocore's data once.
regions()
instance_types()
