"""EKS cluster and managed node group policies: both the pulumi-eks components and the aws:eks resources."""
