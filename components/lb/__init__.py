"""Application load balancer and the security-group rules between it and its targets."""
