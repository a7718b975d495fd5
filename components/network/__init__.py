"""VPC and subnets."""
