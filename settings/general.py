"""Stack-wide settings: log retention, deletion protection, tags."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from settings.schema import Key, one_of

#: Retention periods CloudWatch Logs accepts (PutRetentionPolicy).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)
#: Tags the platform sets itself: on every resource through the provider's default tags, plus Name.
RESERVED_TAGS = ("project", "stack", "managed-by", "Name")
#: AWS allows 50 tags per resource; the platform adds up to five of its own (the reserved ones and the Auto
#: Scaling group's AmazonECSManaged).
MAX_TAGS = 45
#: Characters AWS accepts in tag keys and values across services (the "Tag naming limits" of the tagging guide).
_TAG_TEXT = re.compile(r"[\w .:/=+\-@]*", re.UNICODE)


def _tags(value: Mapping[str, Any]) -> str | None:
    for key, text in value.items():
        if not isinstance(text, str):
            return f"must map names to strings ({key} is not a string)"
        if not 1 <= len(key) <= 128 or not _TAG_TEXT.fullmatch(key):
            return (f"must have keys of 1..128 letters, digits, spaces and _ . : / = + - @ ({key!r} is not "
                    f"one)")
        if key.lower().startswith("aws:"):
            return f"must not use the aws: prefix, which AWS reserves ({key!r})"
        if key in RESERVED_TAGS:
            return f"must not set {key!r}: the platform sets {', '.join(RESERVED_TAGS)} itself"
        if len(text) > 256 or not _TAG_TEXT.fullmatch(text):
            return f"must have values of up to 256 letters, digits, spaces and _ . : / = + - @ ({key} has not)"
    if len(value) > MAX_TAGS:
        return f"must have at most {MAX_TAGS} tags (AWS allows 50 per resource; the platform adds its own)"
    return None


KEYS: tuple[Key, ...] = (
    Key("logRetentionDays", "integer", 30, "Retention of every log group the platform creates (a CloudWatch value).",
        one_of(*LOG_RETENTION_DAYS)),
    Key("protect", "boolean", False, "Protect stateful resources (VPC, load balancer, repositories) from deletion."),
    Key("tags", "object", {}, "Tags added to every resource (name to value).", _tags),
)
