"""ECS cluster, service and task-definition policies."""
