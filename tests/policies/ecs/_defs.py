"""Builders for ECS fixtures: task definition inputs with containerDefinitions as the JSON string the provider takes."""

from __future__ import annotations

import json
from typing import Any

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CLUSTER = "aws:ecs/cluster:Cluster"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
SCALING_TARGET = "aws:appautoscaling/target:Target"


def container(name: str = "web", **fields: Any) -> dict[str, Any]:
    """A container definition that passes every ECS policy unless ``fields`` say otherwise."""
    base: dict[str, Any] = {
        "name": name,
        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0",
        "essential": True,
        "readonlyRootFilesystem": True,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web"},
        },
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def task_definition(*containers: dict[str, Any], **props: Any) -> dict[str, Any]:
    """Fargate task definition inputs (camelCase) with the given containers (default: one ``container()``)."""
    base: dict[str, Any] = {
        "family": "web",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": json.dumps(list(containers) or [container()]),
    }
    base.update(props)
    return {k: v for k, v in base.items() if v is not None}
