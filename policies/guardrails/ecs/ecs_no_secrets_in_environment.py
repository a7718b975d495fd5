"""ECS.8: secrets must not be passed to containers as plain environment variables.

Judges every container of ``aws:ecs/taskDefinition:TaskDefinition``. A plain ``environment`` entry is stored in the
task definition in clear text (visible to anyone who can describe it); credentials belong in ``secrets`` with
``valueFrom`` (Secrets Manager or SSM Parameter Store), which ECS injects at start.

A variable name looks like a credential when:
- it is one FSBP names: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA (and AWS_SESSION_TOKEN); or
- one of its words (camelCase and ``_ - .`` separate words; compare upper-case) ends with PASSWORD, PASSWD,
  PASSPHRASE, SECRET(S), TOKEN(S), APIKEY, PRIVATEKEY, CREDENTIAL(S) (so DB_PASSWORD, clientSecret, GITHUBTOKEN), or
  two consecutive words are API KEY, PRIVATE KEY or ACCESS KEY;
- unless its last word says it names or locates the secret rather than holding it: ARN, NAME, ID, PATH, FILE, URL,
  URI, ENDPOINT, PARAMETER, PARAM, REF, or describes it: TTL, EXPIRY, EXPIRATION, TIMEOUT, LENGTH, TYPE, ENABLED,
  REGION, VERSION (JWT_SECRET_ARN, TOKEN_URL, PASSWORD_FILE pass).
Values are never echoed in messages.
"""

from __future__ import annotations

import re

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import TASK_DEFINITION, containers_or_report, label

KNOWN_CREDENTIALS = frozenset(
    {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ECS_ENGINE_AUTH_DATA"}
)
_WORD_ENDINGS = (
    "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "TOKENS", "APIKEY", "PRIVATEKEY",
    "CREDENTIAL", "CREDENTIALS",
)
_WORD_PAIRS = frozenset({("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY")})
_NOT_A_VALUE = frozenset({
    "ARN", "NAME", "ID", "PATH", "FILE", "URL", "URI", "ENDPOINT", "PARAMETER", "PARAM", "REF",
    "TTL", "EXPIRY", "EXPIRATION", "TIMEOUT", "LENGTH", "TYPE", "ENABLED", "REGION", "VERSION",
})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def looks_like_credential(name: str) -> bool:
    """Whether an environment variable name looks like it holds a credential (rules in the module docstring)."""
    if name.upper() in KNOWN_CREDENTIALS:
        return True
    words = [w for w in _SEPARATORS.split(_CAMEL.sub("_", name).upper()) if w]
    if not words or words[-1] in _NOT_A_VALUE:
        return False
    if any(word.endswith(_WORD_ENDINGS) for word in words):
        return True
    return any(pair in _WORD_PAIRS for pair in zip(words, words[1:], strict=False))


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    definitions = containers_or_report(args.props, report, "the environment variables")
    for index, container in enumerate(definitions or []):
        environment = container.get("environment")
        if not isinstance(environment, list):
            continue
        for variable in environment:
            name = variable.get("name") if isinstance(variable, dict) else None
            if isinstance(name, str) and looks_like_credential(name):
                report(
                    f"{label(container, index)} passes {name} as a plain environment variable; move it to secrets "
                    "with valueFrom pointing at Secrets Manager or SSM Parameter Store."
                )


POLICY = resource_policy(
    name="ecs-no-secrets-in-environment",
    description="ECS containers receive credentials through secrets (valueFrom), not plain environment variables.",
    service="ecs",
    severity=Severity.HIGH,
    controls=["ECS.8"],
    remediation=(
        "Store the value in Secrets Manager or SSM Parameter Store, replace the environment entry with "
        '{"name": ..., "valueFrom": <secret or parameter ARN>} under "secrets", and allow the task execution role '
        "to read it (secretsmanager:GetSecretValue or ssm:GetParameters, plus kms:Decrypt for a customer key)."
    ),
    validate=check,
)
