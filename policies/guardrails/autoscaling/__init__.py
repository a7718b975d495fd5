"""Application Auto Scaling policies: scalable targets, scaling policies and the alarms that drive them."""
