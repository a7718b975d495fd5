"""ARNs the platform builds follow the stack's partition (aws, aws-cn, aws-us-gov, …): no code writes a literal
``arn:aws:``, and the context builds ARNs for whichever partition the region is in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.mocks import context

ROOT = Path(__file__).resolve().parents[2]
#: A literal ARN prefix in code (docstrings and comments may show examples).
_LITERAL = re.compile(r"""["']arn:aws[:"']|f["']arn:aws:""")


@pytest.mark.parametrize("folder", ["components", "areas", "settings"])
def test_no_literal_aws_partition_in_code(folder: str):
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in sorted((ROOT / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), start=1) if _LITERAL.search(line)]
    assert found == []


@pytest.mark.parametrize(("partition", "region"), [("aws", "eu-west-1"), ("aws-cn", "cn-north-1"),
                                                   ("aws-us-gov", "us-gov-west-1")])
def test_context_arns_follow_the_partition(partition: str, region: str):
    ctx = context(partition=partition, region=region)
    assert ctx.arn("ecs", "*") == f"arn:{partition}:ecs:{region}:{ctx.account_id}:*"
    assert ctx.arn("s3", "bucket", region=False, account=False) == f"arn:{partition}:s3:::bucket"
    assert ctx.managed_policy("ReadOnlyAccess") == f"arn:{partition}:iam::aws:policy/ReadOnlyAccess"
