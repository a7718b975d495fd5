import pytest
from guardrails.ecr.ecr_repository_kms_encryption import POLICY

from tests.policies.harness import check_resource

REPOSITORY = "aws:ecr/repository:Repository"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def run(props: dict, config: dict | None = None):
    return check_resource(POLICY, REPOSITORY, {"name": "prod/api", **props}, config=config)


@pytest.mark.parametrize("configuration", [{"encryptionType": "KMS", "kmsKey": KEY}, {"encryptionType": "KMS"},
                                           {"encryptionType": "kms"}], ids=["customer-key", "aws-managed", "case"])
def test_kms_passes(configuration):
    assert run({"encryptionConfigurations": [configuration]}).violations == []


@pytest.mark.parametrize(("props", "shown"), [
    ({}, "not set, so AES256"),
    ({"encryptionConfigurations": []}, "not set, so AES256"),
    ({"encryptionConfigurations": [{"encryptionType": "AES256"}]}, "'AES256'"),
], ids=["absent", "empty", "aes256"])
def test_aes256_fails(props, shown):
    result = run(props)
    assert result.messages == [f"the repository's images are encrypted with S3-managed keys (encryptionType {shown}); "
                               "create it with encryptionType KMS (ECR cannot change the encryption of an existing "
                               "repository)."]


def test_an_exempt_repository_is_not_applicable():
    result = run({"encryptionConfigurations": [{"encryptionType": "AES256"}]}, {"exemptRepositories": ["prod/api"]})
    assert result.not_applicable and result.violations == []


def test_the_exemption_names_repositories_exactly():
    config = {"exemptRepositories": ["prod/ap", "prod/api-old"]}
    assert len(run({"encryptionConfigurations": [{"encryptionType": "AES256"}]}, config).violations) == 1


def test_an_exempt_repository_may_still_use_kms():
    result = run({"encryptionConfigurations": [{"encryptionType": "KMS"}]}, {"exemptRepositories": ["prod/api"]})
    assert result.violations == [] and not result.not_applicable


def test_config_schema_declares_the_exemption_list():
    schema = POLICY.config_schema.properties["exemptRepositories"]
    assert schema["type"] == "array" and schema["items"] == {"type": "string"} and schema["default"] == []


def test_other_types_are_ignored():
    assert check_resource(POLICY, "aws:ecr/repositoryPolicy:RepositoryPolicy", {}).violations == []
