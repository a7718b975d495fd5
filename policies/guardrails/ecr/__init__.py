"""Amazon ECR policies: private repositories, their scanning, tag mutability and lifecycle policies."""
