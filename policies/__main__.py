"""Entry point the Pulumi engine runs: builds the pack from the registry and serves it."""

from guardrails.registry import all_policies
from guardrails.serving import install, warm
from pulumi_policy import EnforcementLevel, PolicyPack

install()  # each resource's properties converted once per question, not once per policy (guardrails/serving.py)
warm()  # the IAM database and the ECS API model loaded before the first question, not during it
PolicyPack(
    name="container-platform-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=all_policies(),
)
