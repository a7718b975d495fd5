"""EventBridge policies: rules and their targets, above all the ECS targets that run tasks."""
