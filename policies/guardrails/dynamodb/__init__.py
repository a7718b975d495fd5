"""DynamoDB policies: tables."""
