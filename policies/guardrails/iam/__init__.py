"""IAM guardrails: the task roles and execution roles of ECS task definitions."""
