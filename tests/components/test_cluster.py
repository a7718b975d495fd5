"""Cluster built directly under the mocks: Container Insights, ECS Exec logging, outputs."""

from __future__ import annotations

import functools

import pulumi
import pytest

from components.ecs.cluster import TYPE, Cluster, ClusterArgs
from preflight.engine import Recording
from tests.mocks import context, one, record, refs

CLUSTER = "aws:ecs/cluster:Cluster"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


@functools.cache
def build(log_retention_days: int = 30, stack: str = "test") -> Recording:
    """One cluster named main; its outputs exported as name, arn, execLogGroupName."""
    def program() -> None:
        cluster = Cluster("main", ClusterArgs(context=context(log_retention_days=log_retention_days, stack=stack)))
        pulumi.export("name", cluster.name)
        pulumi.export("arn", cluster.arn)
        pulumi.export("execLogGroupName", cluster.exec_log_group_name)

    return record(program, stack=stack)


def test_container_insights_enabled():
    cluster = one(build(), CLUSTER)
    assert cluster.inputs["settings"] == [{"name": "containerInsights", "value": "enabled"}], cluster.urn


def test_exec_sessions_logged_to_the_exec_log_group():
    rec = build()
    cluster, group = one(rec, CLUSTER), one(rec, LOG_GROUP)
    exec_config = cluster.inputs["configuration"]["executeCommandConfiguration"]
    assert exec_config["logging"] == "OVERRIDE", cluster.urn
    assert exec_config["logConfiguration"] == {"cloudWatchLogGroupName": group.outputs["name"]}, cluster.urn
    assert refs(rec, cluster, "configuration") == [group], cluster.urn
    assert "kmsKeyId" not in exec_config, cluster.urn


@pytest.mark.parametrize("days", [1, 30, 365, 3653])
def test_exec_log_group_keeps_the_context_retention(days: int):
    group = one(build(log_retention_days=days), LOG_GROUP)
    assert group.inputs["retentionInDays"] == days, group.urn


@pytest.mark.parametrize("stack", ["test", "prod"])
def test_exec_log_group_is_named_after_stack_and_cluster(stack: str):
    group = one(build(stack=stack), LOG_GROUP)
    assert group.inputs["name"] == f"/platform/{stack}/main/exec", group.urn


def test_outputs_name_the_cluster_and_its_exec_log_group():
    rec = build()
    cluster, group = one(rec, CLUSTER), one(rec, LOG_GROUP)
    assert rec.outputs["name"] == cluster.outputs["name"], cluster.urn
    assert rec.outputs["arn"] == cluster.outputs["arn"], cluster.urn
    assert rec.outputs["arn"].startswith("arn:aws:ecs:eu-west-1:"), cluster.urn
    assert rec.outputs["execLogGroupName"] == group.outputs["name"], group.urn


def test_children_are_parented_to_the_component():
    rec = build()
    component = one(rec, TYPE)
    assert component.urn == f"urn:pulumi:test::container-platform::{TYPE}::main", component.urn
    assert len(rec.resources) == 3, [r.urn for r in rec.resources]
    for r in rec.resources:
        if r is not component:
            assert r.parent == component.urn, r.urn
            assert r.name in ("main", "main-exec"), r.urn
            assert r.protect is False, r.urn


def test_two_clusters_do_not_collide():
    def program() -> None:
        for name in ("blue", "green"):
            Cluster(name, ClusterArgs(context=context()))

    rec = record(program)
    urns = [r.urn for r in rec.resources]
    assert len(urns) == len(set(urns)), [u for u in urns if urns.count(u) > 1]
    names = [r.inputs["name"] for r in rec.by_type(LOG_GROUP)]
    assert len(names) == len(set(names)) == 2, names
