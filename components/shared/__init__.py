"""Small helpers the components compose: the platform context, IAM documents, names."""
