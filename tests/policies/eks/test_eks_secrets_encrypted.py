from guardrails.eks._eks import AWS_CLUSTER, CLUSTER
from guardrails.eks.eks_secrets_encrypted import POLICY

from tests.policies.harness import UNKNOWN, check_resource

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"


def test_component_with_key_passes_known_or_computed():
    assert check_resource(POLICY, CLUSTER, {"encryptionConfigKeyArn": KEY}).violations == []
    assert check_resource(POLICY, CLUSTER, {"encryptionConfigKeyArn": UNKNOWN}).violations == []


def test_component_without_key_fails():
    for props in ({}, {"encryptionConfigKeyArn": ""}):
        assert check_resource(POLICY, CLUSTER, props).messages == [
            "Kubernetes secrets are not encrypted with a KMS key of the account (encryptionConfigKeyArn is not set); "
            "set encryptionConfigKeyArn to the ARN of a symmetric KMS key with rotation on."
        ]


def test_cluster_resource_with_secrets_encryption_passes():
    props = {"encryptionConfig": {"provider": {"keyArn": KEY}, "resources": ["secrets"]}}
    assert check_resource(POLICY, AWS_CLUSTER, props).violations == []


def test_cluster_resource_without_encryption_config_fails():
    assert check_resource(POLICY, AWS_CLUSTER, {"name": "c"}).messages == [
        "Kubernetes secrets are not encrypted with a KMS key of the account (encryptionConfig is not set); set "
        "encryptionConfig with provider.keyArn and resources ['secrets']."
    ]


def test_cluster_resource_without_key_or_secrets_fails_for_each():
    props = {"encryptionConfig": {"provider": {}, "resources": ["configmaps"]}}
    assert check_resource(POLICY, AWS_CLUSTER, props).messages == [
        "encryptionConfig names no KMS key (provider.keyArn is not set); set provider.keyArn.",
        "encryptionConfig does not cover Kubernetes secrets (resources lacks 'secrets'); set resources to "
        "['secrets'].",
    ]


def test_other_types_not_applicable():
    assert check_resource(POLICY, "aws:kms/key:Key", {}).violations == []
