"""Amazon SQS policies: queues and their access policies."""
