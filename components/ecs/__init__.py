"""ECS cluster, EC2 capacity and services (EC2 and Fargate variants)."""
