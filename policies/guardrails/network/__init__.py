"""VPC, subnet and security-group policies."""
