from guardrails.s3.s3_bucket_public_access_block import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn
from tests.policies.s3._buckets import BUCKET, BUCKET_V2, block, bucket


def test_all_four_flags_pass():
    assert check_stack(POLICY, [bucket(), block()]).violations == []


def test_bucket_without_block_resource_has_the_aws_default():
    assert check_stack(POLICY, [bucket()]).violations == []


def test_flag_left_out_is_the_provider_default_false():
    result = check_stack(POLICY, [bucket(), block(restrictPublicBuckets=None, ignorePublicAcls=False)])
    assert result.violations == [(
        "bucket 'logs' does not block public access: BucketPublicAccessBlock 'logs-pab' leaves ignorePublicAcls, "
        "restrictPublicBuckets off (unset means false); set all four to true.",
        urn(BUCKET, "logs"),
    )]


def test_second_block_resource_weakening_fails():
    assert check_stack(POLICY, [bucket(), block(), block("weak", blockPublicPolicy=False)]).violations


def test_block_of_another_bucket_does_not_count():
    stack = [bucket(), bucket("other", known=False), block("other-pab", target="other", blockPublicAcls=False)]
    assert [u for _, u in check_stack(POLICY, stack).violations] == [urn(BUCKET, "other")]


def test_block_related_by_known_name_and_v2_buckets():
    named = Res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab",
                {"bucket": "logs-1a2b3c4", "blockPublicAcls": True})
    assert check_stack(POLICY, [bucket(resource_type=BUCKET_V2), named]).violations


def test_unknown_flag_cannot_be_evaluated():
    assert check_stack(POLICY, [bucket(), block(blockPublicAcls=UNKNOWN)]).unknown
