import pytest
from guardrails.ecs.ecs_no_secrets_in_environment import POLICY, looks_like_credential

from tests.policies.ecs._defs import TASK_DEFINITION, container, task_definition
from tests.policies.harness import UNKNOWN, check_resource


@pytest.mark.parametrize("name", [
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA", "AWS_SESSION_TOKEN", "DB_PASSWORD",
    "dbPassword", "POSTGRES_PASSWD", "CLIENT_SECRET", "clientSecret", "GITHUB_TOKEN", "GITHUBTOKEN", "STRIPE_API_KEY",
    "apiKey", "X_APIKEY", "SSH_PRIVATE_KEY", "S3_ACCESS_KEY", "SECRET_KEY_BASE", "GOOGLE_CREDENTIALS", "JWT_SECRET",
])
def test_credential_names(name):
    assert looks_like_credential(name)


@pytest.mark.parametrize("name", [
    "PORT", "LOG_LEVEL", "DB_HOST", "JWT_SECRET_ARN", "DB_PASSWORD_SECRET_NAME", "TOKEN_URL", "PASSWORD_FILE",
    "OAUTH_TOKEN_ENDPOINT", "SESSION_TOKEN_TTL", "TOKENIZER_MODEL", "KEYCLOAK_REALM", "API_KEY_ID", "SECRET_ID",
])
def test_names_that_are_not_credentials(name):
    assert not looks_like_credential(name)


def test_configuration_and_secrets_pass():
    web = container(
        "web",
        environment=[{"name": "PORT", "value": "8080"}, {"name": "DB_PASSWORD_SECRET_ARN", "value": "arn:..."}],
        secrets=[{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"}],
    )
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(web)).violations == []


def test_plain_credentials_fail_without_echoing_the_value():
    web = container("web", environment=[
        {"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI"},
        {"name": "dbPassword", "value": "hunter2"},
        {"name": "PORT", "value": "8080"},
    ])
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(web))
    assert result.messages == [
        'container "web" passes AWS_SECRET_ACCESS_KEY as a plain environment variable; move it to secrets with '
        "valueFrom pointing at Secrets Manager or SSM Parameter Store.",
        'container "web" passes dbPassword as a plain environment variable; move it to secrets with valueFrom '
        "pointing at Secrets Manager or SSM Parameter Store.",
    ]
    assert not any("hunter2" in m or "wJalr" in m for m in result.messages)


def test_other_types_ignored():
    props = {"environment": [{"name": "DB_PASSWORD"}]}
    result = check_resource(POLICY, "aws:ecs/service:Service", props)
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_container_definitions_cannot_be_evaluated():
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(containerDefinitions=UNKNOWN)).unknown


@pytest.mark.parametrize("name", [
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ECS_ENGINE_AUTH_DATA",
    "DB_PASSWORD", "DB_PASSWD", "GPG_PASSPHRASE", "APP_SECRET", "APP_SECRETS", "BOT_TOKEN", "BOT_TOKENS",
    "X_APIKEY", "SSH_PRIVATEKEY", "SMTP_CREDENTIAL", "GCP_CREDENTIALS", "myApiKey", "privateKey", "accessKey",
    "dbPassword",
])
def test_every_credential_word_and_pair(name):
    assert looks_like_credential(name)


@pytest.mark.parametrize("suffix", [
    "ARN", "NAME", "ID", "PATH", "FILE", "URL", "URI", "ENDPOINT", "PARAMETER", "PARAM", "REF", "TTL", "EXPIRY",
    "EXPIRATION", "TIMEOUT", "LENGTH", "TYPE", "ENABLED", "REGION", "VERSION",
])
def test_every_word_that_names_or_describes_the_secret(suffix):
    assert not looks_like_credential(f"DB_PASSWORD_{suffix}")
    assert not looks_like_credential(f"dbPassword{suffix.title()}")


def test_environment_that_is_not_a_list_or_entries_without_a_name_are_skipped():
    web = container("web", environment=[{"value": "x"}, "DB_PASSWORD", {"name": 3}])
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(web)).violations == []
    web = container("web", environment={"DB_PASSWORD": "x"})
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(web)).violations == []
