from guardrails.s3.s3_bucket_lifecycle import POLICY
from pulumi_policy import EnforcementLevel

from tests.policies.harness import UNKNOWN, check_stack, urn
from tests.policies.s3._buckets import BUCKET, LIFECYCLE, bucket, of

EXPIRE = {"id": "expire", "status": "Enabled", "filter": {}, "expiration": {"days": 365}}


def test_enabled_rule_passes():
    assert check_stack(POLICY, [bucket(), of(LIFECYCLE, "lc", rules=[EXPIRE])]).violations == []
    disabled = {**EXPIRE, "id": "old", "status": "Disabled"}
    assert check_stack(POLICY, [bucket(), of(LIFECYCLE, "lc", rules=[disabled, EXPIRE])]).violations == []


def test_no_lifecycle_fails():
    assert check_stack(POLICY, [bucket()]).violations == [(
        "bucket 'logs' has no lifecycle configuration, so its objects are kept forever; add an "
        "aws.s3.BucketLifecycleConfiguration with an enabled rule (expiration matching the retention the data needs).",
        urn(BUCKET, "logs"),
    )]


def test_only_disabled_rules_fail():
    result = check_stack(POLICY, [bucket(), of(LIFECYCLE, "lc", rules=[{**EXPIRE, "status": "Disabled"}])])
    assert result.messages == ["bucket 'logs' has no enabled lifecycle rule (1 rule(s) in 'lc', none enabled); set a "
                               "rule's status to 'Enabled'."]
    assert check_stack(POLICY, [bucket(), of(LIFECYCLE, "lc", rules=[])]).violations


def test_inline_rules():
    assert check_stack(POLICY, [bucket(lifecycleRules=[{"enabled": True, "expiration": {"days": 30}}])]
                       ).violations == []
    assert "its inline lifecycleRules" in check_stack(POLICY, [bucket(lifecycleRules=[{"enabled": False}])]
                                                      ).messages[0]


def test_mandatory_by_default():
    assert POLICY.enforcement_level == EnforcementLevel.MANDATORY


def test_unknown_status_cannot_be_evaluated():
    assert check_stack(POLICY, [bucket(), of(LIFECYCLE, "lc", rules=[{**EXPIRE, "status": UNKNOWN}])]).unknown
