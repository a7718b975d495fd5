"""Queue workers: an SQS queue and the Fargate service that consumes it, scaled on its depth."""
