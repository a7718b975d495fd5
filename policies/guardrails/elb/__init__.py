"""Elastic Load Balancing (v2) policies: load balancers, listeners, target groups and what they reach."""
