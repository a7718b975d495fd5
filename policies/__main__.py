"""Entry point the Pulumi engine runs: builds the pack from the registry and serves it."""

from guardrails.registry import all_policies
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name="container-platform-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=all_policies(),
)
