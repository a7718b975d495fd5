"""EC2 launch template and Auto Scaling group policies."""
