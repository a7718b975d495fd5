"""Tasks that events start: an EventBridge rule running a Fargate task (object pipelines, scheduled tasks)."""
