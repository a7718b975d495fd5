"""The application load balancer: who may reach it, HTTPS, logs, deletion protection."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from settings.schema import PROJECT, SECRET_UNKNOWN, Key, Reader, cidr_list

_ACM_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/[0-9a-f-]+")


@dataclass(frozen=True)
class AlbSettings:
    allowed_cidrs: tuple[str, ...]
    certificate_arn: str | None
    allow_plain_http: bool
    deletion_protection: bool
    access_logs: bool


def _arn_or_empty(v: str) -> str | None:
    return None if v == "" or _ACM_ARN.fullmatch(v) else "must be an ACM certificate ARN or empty"


KEYS: tuple[Key, ...] = (
    Key("albAllowedCidrs", "array", ["0.0.0.0/0"], "CIDR blocks the load balancer's listeners admit.", cidr_list,
        items="string"),
    Key("albCertificateArn", "string", "", "ACM certificate for the HTTPS listener; empty serves plain HTTP.",
        _arn_or_empty),
    Key("albAllowPlainHttp", "boolean", False,
        "Allow serving plain HTTP without a certificate (never in production)."),
    Key("albDeletionProtection", "boolean", False, "Turn on the load balancer's deletion protection."),
    Key("albAccessLogs", "boolean", False, "Write load balancer access logs to an S3 bucket."),
)


def read(reader: Reader, v: Mapping[str, Any], region: str, partition: str) -> AlbSettings:
    alb = AlbSettings(allowed_cidrs=tuple(v["albAllowedCidrs"]), certificate_arn=v["albCertificateArn"] or None,
                      deletion_protection=v["albDeletionProtection"], access_logs=v["albAccessLogs"],
                      allow_plain_http=v["albAllowPlainHttp"])
    key = f"{PROJECT}:albCertificateArn"
    if alb.certificate_arn is None and not alb.allow_plain_http:
        raise reader.fail(key, f"must be set unless {PROJECT}:albAllowPlainHttp is true (HTTP only with explicit "
                               f"consent)", show_value=False)
    if alb.certificate_arn and alb.certificate_arn != SECRET_UNKNOWN:
        # A load balancer takes certificates from ACM in its own region only.
        arn = _ACM_ARN.fullmatch(alb.certificate_arn)
        assert arn is not None  # checked by _arn_or_empty
        if (arn["partition"], arn["region"]) != (partition, region):
            raise reader.fail(key, f"must be a certificate in the stack's region {region} (partition {partition}): "
                                   f"a load balancer uses ACM certificates of its own region only",
                              alb.certificate_arn)
    return alb
