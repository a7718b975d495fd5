"""The container platform's policies: one policy per module, grouped by AWS service."""
