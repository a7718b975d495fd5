from guardrails.s3.s3_bucket_access_logging import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn
from tests.policies.s3._buckets import BUCKET, LOGGING, bucket, of

LB = "aws:lb/loadBalancer:LoadBalancer"


def data(name="data"):
    return bucket(name, known=False)


def test_bucket_logging_to_another_bucket_passes():
    logging = of(LOGGING, "data-logging", "data", targetBucket=UNKNOWN, targetPrefix="data/")
    logging.deps = {"bucket": ["data"], "targetBucket": ["logs"]}
    assert check_stack(POLICY, [data(), bucket(), logging]).violations == []


def test_bucket_without_logging_fails():
    assert check_stack(POLICY, [data()]).violations == [(
        "bucket 'data' has no server access logging; add an aws.s3.BucketLogging with target_bucket set to the "
        "stack's access-log bucket.",
        urn(BUCKET, "data"),
    )]


def test_logging_into_itself_fails():
    logging = of(LOGGING, "loop", "data", targetBucket=UNKNOWN)
    logging.deps = {"bucket": ["data"], "targetBucket": ["data"]}
    assert check_stack(POLICY, [data(), logging]).messages == [
        "bucket 'data' logs its server access into itself (bucket logging 'loop'), which logs every log delivery "
        "again without end; set target_bucket to a separate access-log bucket."
    ]


def test_load_balancer_log_bucket_is_exempt():
    lb = Res(LB, "alb", {"accessLogs": {"bucket": UNKNOWN, "enabled": True}}, {"accessLogs": ["logs"]})
    assert check_stack(POLICY, [bucket(), lb]).violations == []
    by_name = Res(LB, "alb", {"accessLogs": {"bucket": "logs-1a2b3c4", "enabled": True}})
    assert check_stack(POLICY, [bucket(), by_name]).violations == []


def test_flow_log_and_trail_buckets_are_exempt():
    flow = Res("aws:ec2/flowLog:FlowLog", "flow", {"logDestinationType": "s3", "logDestination": UNKNOWN},
               {"logDestination": ["logs"]})
    trail = Res("aws:cloudtrail/trail:Trail", "trail", {"s3BucketName": "logs-1a2b3c4"})
    assert check_stack(POLICY, [bucket(), flow]).violations == []
    assert check_stack(POLICY, [bucket(), trail]).violations == []


def test_access_log_target_is_exempt_but_not_its_source():
    logging = of(LOGGING, "data-logging", "data", targetBucket="logs-1a2b3c4")
    assert check_stack(POLICY, [data(), bucket(), logging]).violations == []


def test_inline_logging():
    inline = bucket("data", known=False, logging={"targetBucket": "logs-1a2b3c4"})
    assert check_stack(POLICY, [inline, bucket()]).violations == []


def test_target_computed_from_a_bucket_makes_it_a_destination():
    logging = Res(LOGGING, "l", {"bucket": "data-bucket", "targetBucket": UNKNOWN}, {"targetBucket": ["x"]})
    assert check_stack(POLICY, [bucket("data", known=False, bucket="data-bucket"),
                                Res(BUCKET, "x", {}), logging]).violations == []
