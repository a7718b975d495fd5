"""KMS key policies."""
