"""Entry point the Pulumi engine runs: builds the pack from the registry and serves it."""

from pulumi_policy import EnforcementLevel, PolicyPack

from guardrails.registry import all_policies

PolicyPack(
    name="container-platform-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=all_policies(),
)
