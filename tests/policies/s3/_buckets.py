"""Builders for S3 stack fixtures: a bucket and the separate resources that configure it."""

from __future__ import annotations

import json
from typing import Any

from tests.policies.harness import UNKNOWN, Res

BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ACL = "aws:s3/bucketAclV2:BucketAclV2"
LOGGING = "aws:s3/bucketLoggingV2:BucketLoggingV2"
LIFECYCLE = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
ARN = "arn:aws:s3:::logs-1a2b3c4"
TLS_ONLY = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [ARN, f"{ARN}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def bucket(name: str = "logs", known: bool = True, resource_type: str = BUCKET, **props: Any) -> Res:
    """A bucket; ``known`` gives it the id, name and ARN an update (or the preflight's mocks) would."""
    values = {"id": "logs-1a2b3c4", "bucket": "logs-1a2b3c4", "arn": ARN} if known else {}
    return Res(resource_type, name, {"forceDestroy": False, **values, **props})


def of(resource_type: str, name: str, target: str = "logs", **props: Any) -> Res:
    """A configuration resource whose ``bucket`` is computed from the bucket ``target``."""
    return Res(resource_type, name, {"bucket": UNKNOWN, **props}, {"bucket": [target]})


def block(name: str = "logs-pab", target: str = "logs", **flags: bool) -> Res:
    values = dict.fromkeys(("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True)
    values.update(flags)
    return of(BLOCK, name, target, **{k: v for k, v in values.items() if v is not None})


def policy(*statements: dict[str, Any], name: str = "logs-policy", target: str = "logs") -> Res:
    return of(BUCKET_POLICY, name, target, policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def ownership(value: str, name: str = "logs-own", target: str = "logs") -> Res:
    return of(OWNERSHIP, name, target, rule={"objectOwnership": value})


def allow_all(action: Any = "s3:GetObject", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": "*", "Action": action, "Resource": f"{ARN}/*", **extra}
