"""ObjectPipeline built directly under the mocks: the bucket and its configuration, the rule's event pattern, the
ECS target's input transformer, retry policy and dead-letter queue, the exact role statements, the table."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.events.object_pipeline import ObjectPipeline, ObjectPipelineArgs
from components.events.task import TaskSpec
from preflight.engine import ACCOUNT_ID, Recording
from tests.components._events import (
    CLUSTER_ARN,
    ECR_IMAGE,
    EGRESS,
    ENDPOINTS_SG,
    IMAGE,
    INGRESS,
    LOG_GROUP,
    QUEUE,
    QUEUE_POLICY,
    ROLE,
    RULE,
    SG,
    SUBNETS,
    TARGET,
    TASK,
    cached_by_arguments,
    container,
    document,
    environment,
    named,
    placement,
    statements_of,
)
from tests.mocks import REGION, context, of_type, one, record, record_failure, ref, refs

BUCKET = "aws:s3/bucket:Bucket"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
TABLE = "aws:dynamodb/table:Table"


@cached_by_arguments
def build(**values: Any) -> Recording:
    """A pipeline named ingest."""
    task = TaskSpec(image=values.pop("image", IMAGE), environment=dict(values.pop("environment", ())))
    args = ObjectPipelineArgs(task=task, **placement(**values))
    return record(lambda: ObjectPipeline("ingest", args))


def bucket(rec: Recording):
    return named(rec, BUCKET, "ingest")


def log_bucket(rec: Recording):
    return named(rec, BUCKET, "ingest-access-logs")


def configures(rec: Recording, resource_type: str, target) -> list:
    return [r for r in of_type(rec, resource_type) if refs(rec, r, "bucket") == [target]]


# ---- the rule: "Object Created" of this bucket, under the prefix --------------------------------------------------


def test_event_pattern_matches_object_created_in_the_bucket_under_the_prefix():
    rec = build(prefix="incoming/")
    rule = one(rec, RULE)
    assert refs(rec, rule, "eventPattern") == [bucket(rec)], rule.urn
    assert json.loads(rule.inputs["eventPattern"]) == {
        "source": ["aws.s3"], "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [bucket(rec).outputs["bucket"]]}, "object": {"key": [{"prefix": "incoming/"}]}},
    }, rule.urn
    assert rule.inputs["state"] == "ENABLED" and "scheduleExpression" not in rule.inputs, rule.urn


def test_without_a_prefix_every_object_of_the_bucket_matches():
    rec = build()
    rule = one(rec, RULE)
    assert json.loads(rule.inputs["eventPattern"])["detail"] == {
        "bucket": {"name": [bucket(rec).outputs["bucket"]]}}, rule.urn


def test_the_bucket_sends_its_events_to_eventbridge():
    rec = build()
    [notification] = configures(rec, NOTIFICATION, bucket(rec))
    assert notification.inputs["eventbridge"] is True, notification.urn
    for kind in ("topics", "queues", "lambdaFunctions"):
        assert kind not in notification.inputs, notification.urn


# ---- the target: Fargate task, input transformer, retries, dead-letter queue ------------------------------------


def test_target_runs_the_task_on_the_cluster_in_private_subnets_without_public_ip():
    rec = build()
    target, task, sg = one(rec, TARGET), one(rec, TASK), named(rec, SG, "ingest-sg")
    assert target.inputs["arn"] == CLUSTER_ARN, target.urn
    assert target.inputs["rule"] == one(rec, RULE).outputs["name"], target.urn
    ecs = target.inputs["ecsTarget"]
    assert ecs["taskDefinitionArn"] == task.outputs["arn"] and ecs["taskCount"] == 1, target.urn
    assert ecs["launchType"] == "FARGATE", target.urn
    assert ecs["networkConfiguration"] == {"subnets": list(SUBNETS), "securityGroups": [sg.id],
                                           "assignPublicIp": False}, target.urn
    assert (ecs["propagateTags"], ecs["enableEcsManagedTags"]) == ("TASK_DEFINITION", True), target.urn


def test_input_transformer_passes_bucket_and_key_as_container_environment():
    target = one(build(), TARGET)
    transformer = target.inputs["inputTransformer"]
    assert transformer["inputPaths"] == {"bucket": "$.detail.bucket.name", "key": "$.detail.object.key"}, target.urn
    assert json.loads(transformer["inputTemplate"]) == {"containerOverrides": [{"name": "ingest", "environment": [
        {"name": "OBJECT_BUCKET", "value": "<bucket>"}, {"name": "OBJECT_KEY", "value": "<key>"}]}]}, target.urn
    assert "input" not in target.inputs and "inputPath" not in target.inputs, target.urn


def test_the_overridden_container_is_the_task_definitions_container():
    rec = build()
    template = json.loads(one(rec, TARGET).inputs["inputTransformer"]["inputTemplate"])
    assert [o["name"] for o in template["containerOverrides"]] == [container(rec)["name"]]


def test_retry_policy_and_dead_letter_queue_on_the_target():
    rec = build(retry_attempts=5, max_event_age=7200)
    target, dlq = one(rec, TARGET), named(rec, QUEUE, "ingest-dlq")
    assert target.inputs["retryPolicy"] == {"maximumRetryAttempts": 5, "maximumEventAgeInSeconds": 7200}, target.urn
    assert target.inputs["deadLetterConfig"] == {"arn": dlq.outputs["arn"]}, target.urn
    assert refs(rec, target, "deadLetterConfig") == [dlq], target.urn
    assert dlq.inputs["sqsManagedSseEnabled"] is True, dlq.urn
    assert dlq.inputs["messageRetentionSeconds"] == 14 * 24 * 3600, dlq.urn


def test_only_this_rule_may_send_to_the_dead_letter_queue():
    rec = build()
    [policy] = of_type(rec, QUEUE_POLICY)
    dlq, rule = named(rec, QUEUE, "ingest-dlq"), one(rec, RULE)
    assert policy.inputs["queueUrl"] == dlq.outputs["url"], policy.urn
    assert document(policy)["Statement"] == [{
        "Sid": "DeadLettersFromRule", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": dlq.outputs["arn"],
        "Condition": {"ArnEquals": {"aws:SourceArn": rule.outputs["arn"]}}}], policy.urn


def test_target_waits_for_the_roles_and_the_queue_policy():
    rec = build()
    target = one(rec, TARGET)
    waits_for = {r.name for r in rec.resources if r.urn in target.dependencies}
    assert {"ingest-events", "ingest-dlq", "ingest-task", "ingest-exec"} <= waits_for, target.urn


# ---- roles: exact statements ------------------------------------------------------------------------------------


def test_task_role_reads_objects_under_the_prefix_and_writes_items_to_the_table_only():
    rec = build(prefix="incoming/")
    task = one(rec, TASK)
    role = ref(rec, task, "taskRoleArn", "arn")
    assert statements_of(rec, role) == [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"{bucket(rec).outputs['arn']}/incoming/*"],
         "Sid": "ReadObjects"},
        {"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": [one(rec, TABLE).outputs["arn"]],
         "Sid": "WriteMetadata"},
    ], role.urn


def test_events_role_runs_the_family_on_this_cluster_and_passes_exactly_the_task_roles():
    rec = build()
    target, task = one(rec, TARGET), one(rec, TASK)
    events_role = ref(rec, target, "roleArn", "arn")
    task_role = ref(rec, task, "taskRoleArn", "arn")
    exec_role = ref(rec, task, "executionRoleArn", "arn")
    assert statements_of(rec, events_role) == [
        {"Effect": "Allow", "Action": ["ecs:RunTask"],
         "Resource": [f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task-definition/test-ingest:*"], "Sid": "RunTask",
         "Condition": {"ArnEquals": {"ecs:cluster": CLUSTER_ARN}}},
        {"Effect": "Allow", "Action": ["iam:PassRole"],
         "Resource": [task_role.outputs["arn"], exec_role.outputs["arn"]], "Sid": "PassTaskRoles",
         "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
        {"Effect": "Allow", "Action": ["ecs:TagResource"],
         "Resource": [f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task/platform/*"], "Sid": "TagStartedTasks",
         "Condition": {"StringEquals": {"ecs:CreateAction": "RunTask"}}},
    ], events_role.urn
    assert task.inputs["family"] == "test-ingest", task.urn


def test_only_this_rule_may_assume_the_events_role():
    rec = build()
    events_role = named(rec, ROLE, "ingest-events")
    assert document(events_role, "assumeRolePolicy")["Statement"] == [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
                      "ArnLike": {"aws:SourceArn": one(rec, RULE).outputs["arn"]}}}], events_role.urn


def test_execution_role_pulls_only_from_the_images_own_repository():
    rec = build(image=ECR_IMAGE)
    exec_role = ref(rec, one(rec, TASK), "executionRoleArn", "arn")
    pulls = [s for s in statements_of(rec, exec_role) if "ecr:BatchGetImage" in s["Action"]]
    assert [s["Resource"] for s in pulls] == [[f"arn:aws:ecr:{REGION}:{ACCOUNT_ID}:repository/team/ingest"]]
    public = ref(build(), one(build(), TASK), "executionRoleArn", "arn")
    assert not any(a.startswith("ecr:") for s in statements_of(build(), public) for a in s["Action"])


# ---- the task --------------------------------------------------------------------------------------------------


def test_container_gets_the_table_name_and_logs_to_its_group_without_ports():
    rec = build(environment=(("MODE", "strict"),))
    definition, table, logs = container(rec), one(rec, TABLE), one(rec, LOG_GROUP)
    assert environment(definition) == {"MODE": "strict", "TABLE_NAME": table.outputs["name"]}
    assert "portMappings" not in definition and definition["readonlyRootFilesystem"] is True
    assert definition["logConfiguration"]["options"]["awslogs-group"] == logs.inputs["name"] == "/platform/test/ingest"


def test_task_security_group_has_https_egress_only_and_is_admitted_to_endpoints():
    rec = build(endpoints_security_group_id=ENDPOINTS_SG)
    sg = named(rec, SG, "ingest-sg")
    [egress] = of_type(rec, EGRESS)
    assert (egress.inputs["securityGroupId"], egress.inputs["ipProtocol"], egress.inputs["fromPort"],
            egress.inputs["toPort"], egress.inputs["cidrIpv4"]) == (sg.id, "tcp", 443, 443, "0.0.0.0/0"), egress.urn
    [ingress] = of_type(rec, INGRESS)
    assert (ingress.inputs["securityGroupId"], ingress.inputs["referencedSecurityGroupId"]) == (ENDPOINTS_SG, sg.id)
    assert of_type(build(), INGRESS) == []


# ---- the bucket and its configuration -------------------------------------------------------------------------


@pytest.mark.parametrize("which", [bucket, log_bucket], ids=["objects", "access-logs"])
def test_buckets_are_private_encrypted_and_tls_only(which):
    rec = build()
    b = which(rec)
    [block] = configures(rec, BLOCK, b)
    assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                  "restrictPublicBuckets")), block.urn
    [ownership] = configures(rec, OWNERSHIP, b)
    assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}, ownership.urn
    [sse] = configures(rec, ENCRYPTION, b)
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}, sse.urn
    [policy] = configures(rec, BUCKET_POLICY, b)
    arn = b.outputs["arn"]
    assert document(policy)["Statement"][0] == {
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, policy.urn
    assert block.urn in policy.dependencies, policy.urn
    assert b.inputs["forceDestroy"] is True and b.protect is False, b.urn


def test_the_bucket_logs_its_access_to_the_log_bucket_which_admits_only_that_delivery():
    rec = build()
    objects, logs = bucket(rec), log_bucket(rec)
    [logging] = configures(rec, LOGGING, objects)
    assert logging.inputs["targetBucket"] == logs.outputs["bucket"] and logging.inputs["targetPrefix"] == "ingest/"
    [log_policy] = configures(rec, BUCKET_POLICY, logs)
    assert log_policy.urn in logging.dependencies, logging.urn
    assert document(log_policy)["Statement"][1] == {
        "Sid": "ServerAccessLogDelivery", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"{logs.outputs['arn']}/ingest/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
                      "ArnEquals": {"aws:SourceArn": objects.outputs["arn"]}}}, log_policy.urn
    assert configures(rec, LOGGING, logs) == [], "a log bucket does not log into another one"
    [expiry] = configures(rec, LIFECYCLE, logs)
    assert expiry.inputs["rules"] == [{"id": "expire-logs", "status": "Enabled", "filter": {"prefix": ""},
                                       "expiration": {"days": 30}}], expiry.urn


def test_unversioned_bucket_aborts_incomplete_uploads():
    rec = build()
    assert configures(rec, VERSIONING, bucket(rec)) == []
    [lifecycle] = configures(rec, LIFECYCLE, bucket(rec))
    assert lifecycle.inputs["rules"] == [{
        "id": "abort-incomplete-uploads", "status": "Enabled", "filter": {"prefix": ""},
        "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7}}], lifecycle.urn


def test_versioned_bucket_expires_noncurrent_versions_after_versioning_is_on():
    rec = build(versioning=True, noncurrent_version_days=90)
    [versioning] = configures(rec, VERSIONING, bucket(rec))
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}, versioning.urn
    [lifecycle] = configures(rec, LIFECYCLE, bucket(rec))
    assert lifecycle.inputs["rules"][1] == {
        "id": "expire-noncurrent-versions", "status": "Enabled", "filter": {"prefix": ""},
        "noncurrentVersionExpiration": {"noncurrentDays": 90}, "expiration": {"expiredObjectDeleteMarker": True},
    }, lifecycle.urn
    assert versioning.urn in lifecycle.dependencies, lifecycle.urn


def test_protected_stacks_keep_their_buckets_table_and_queues():
    rec = build(context=context(protect=True))
    for r in [*of_type(rec, BUCKET), one(rec, TABLE), *of_type(rec, QUEUE)]:
        assert r.protect is True, r.urn
    for b in of_type(rec, BUCKET):
        assert b.inputs["forceDestroy"] is False, b.urn


# ---- the table -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pitr", "deletion_protection"), [(False, False), (True, True)])
def test_table_is_on_demand_encrypted_with_pitr_and_deletion_protection_as_asked(pitr: bool,
                                                                                 deletion_protection: bool):
    table = one(build(point_in_time_recovery=pitr, deletion_protection=deletion_protection), TABLE)
    assert table.inputs["billingMode"] == "PAY_PER_REQUEST", table.urn
    assert table.inputs["hashKey"] == "objectKey", table.urn
    assert table.inputs["attributes"] == [{"name": "objectKey", "type": "S"}], table.urn
    assert table.inputs["serverSideEncryption"] == {"enabled": True}, table.urn
    assert table.inputs["pointInTimeRecovery"] == {"enabled": pitr}, table.urn
    assert table.inputs["deletionProtectionEnabled"] is deletion_protection, table.urn


# ---- validation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"prefix": "in*/"}, "ObjectPipeline ingest: prefix must be a key prefix of at most 1024 bytes without * or ? "
                         "(got 'in*/')"),
    ({"prefix": "x" * 1025}, "ObjectPipeline ingest: prefix must be a key prefix of at most 1024 bytes without * or "
                             f"? (got '{'x' * 1025}')"),
    ({"noncurrent_version_days": 0}, "ObjectPipeline ingest: noncurrent_version_days must be at least 1 (got 0)"),
    ({"environment": (("OBJECT_KEY", "x"),)}, "ObjectPipeline ingest: the environment must not set OBJECT_KEY (the "
                                              "pipeline sets OBJECT_BUCKET, OBJECT_KEY, TABLE_NAME)"),
    ({"retry_attempts": 186}, "ObjectPipeline ingest: retry_attempts must be 0..185 (got 186)"),
    ({"max_event_age": 59}, "ObjectPipeline ingest: max_event_age must be 60..86400 seconds (got 59)"),
    ({"max_event_age": 86401}, "ObjectPipeline ingest: max_event_age must be 60..86400 seconds (got 86401)"),
])
def test_invalid_arguments_are_refused_before_anything_is_registered(changes: dict[str, Any], message: str):
    values = dict(changes)
    task = TaskSpec(image=IMAGE, environment=dict(values.pop("environment", ())))
    exc, registered = record_failure(lambda: ObjectPipeline("ingest", ObjectPipelineArgs(task=task,
                                                                                         **placement(**values))))
    assert isinstance(exc, ValueError) and str(exc) == message, repr(exc)
    assert registered == []


@pytest.mark.parametrize(("cpu", "memory", "message"), [
    (256, 4096, "ObjectPipeline ingest: cpu 256 with memory 4096 is not a Fargate task size"),
    (300, 512, "ObjectPipeline ingest: cpu 300 with memory 512 is not a Fargate task size"),
])
def test_task_sizes_fargate_does_not_run_are_refused(cpu: int, memory: int, message: str):
    task = TaskSpec(image=IMAGE, cpu=cpu, memory=memory)
    exc, _ = record_failure(lambda: ObjectPipeline("ingest", ObjectPipelineArgs(task=task, **placement())))
    assert str(exc) == message


def test_prefix_at_its_limit_is_accepted():
    rec = build(prefix="p" * 1024)
    assert json.loads(one(rec, RULE).inputs["eventPattern"])["detail"]["object"] == {"key": [{"prefix": "p" * 1024}]}
