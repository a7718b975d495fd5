from guardrails.kms.kms_key_rotation_enabled import KEY, POLICY

from tests.policies.harness import UNKNOWN, check_resource


def test_rotation_on_passes_with_a_period_at_its_edges():
    assert check_resource(POLICY, KEY, {"enableKeyRotation": True, "policy": UNKNOWN}).violations == []
    for days in (90, 2560):
        assert check_resource(POLICY, KEY, {"enableKeyRotation": True, "rotationPeriodInDays": days}).violations == []


def test_period_just_outside_the_range_fails():
    for days in (89, 2561):
        assert check_resource(POLICY, KEY, {"enableKeyRotation": True, "rotationPeriodInDays": days}).messages == [
            f"rotationPeriodInDays is {days}; KMS accepts 90..2560."
        ]


def test_rotation_off_or_unset_fails():
    assert check_resource(POLICY, KEY, {"enableKeyRotation": False}).messages == [
        "the key's material never rotates (enableKeyRotation is false); set enableKeyRotation to true."
    ]
    assert check_resource(POLICY, KEY, {"description": "k"}).messages == [
        "the key's material never rotates (enableKeyRotation is not set); set enableKeyRotation to true."
    ]


def test_keys_that_cannot_rotate_are_not_applicable():
    assert check_resource(POLICY, KEY, {"customerMasterKeySpec": "RSA_2048"}).not_applicable
    assert check_resource(POLICY, KEY, {"keyUsage": "GENERATE_VERIFY_MAC", "customerMasterKeySpec": "HMAC_256"}
                          ).not_applicable


def test_other_types_not_applicable_and_unknown_cannot_be_evaluated():
    assert check_resource(POLICY, "aws:kms/alias:Alias", {}).violations == []
    assert check_resource(POLICY, KEY, {"enableKeyRotation": UNKNOWN}).unknown
