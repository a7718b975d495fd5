"""IAM policy documents as JSON strings, built from plain values or Outputs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi


def trust_policy(service: str, account_id: str | None = None, source_arn: str | None = None) -> str:
    """A role trust policy for one AWS service principal, guarded against the confused deputy where the service
    sends the context keys.

    ``aws:SourceAccount`` limits which account's resources may make the service assume the role; ``source_arn``
    (ArnLike) narrows it to one resource pattern. Services that do not send them (EC2 for instance profiles) get
    neither: a condition on a missing key never matches.
    """
    body: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    condition: dict[str, Any] = {}
    if account_id:
        condition["StringEquals"] = {"aws:SourceAccount": account_id}
    if source_arn:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    if condition:
        body["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [body]})


def statement(actions: Sequence[str], resources: Sequence[pulumi.Input[str]], sid: str | None = None,
              condition: Mapping[str, Mapping[str, pulumi.Input[str]]] | None = None) -> dict:
    """One Allow statement; resources and condition values may be Outputs."""
    body: dict[str, Any] = {"Effect": "Allow", "Action": sorted(actions), "Resource": list(resources)}
    if sid:
        body["Sid"] = sid
    if condition:
        body["Condition"] = {operator: dict(keys) for operator, keys in condition.items()}
    return body


def policy_document(statements: Sequence[dict]) -> pulumi.Output[str]:
    """A policy document JSON string; Outputs inside statements are resolved first."""
    return pulumi.Output.from_input(list(statements)).apply(
        lambda resolved: json.dumps({"Version": "2012-10-17", "Statement": resolved})
    )
