"""The stack's ECR repositories, their lifecycle and who may pull from them."""
