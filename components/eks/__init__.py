"""EKS: the cluster, its managed node groups and IAM roles for service accounts."""
