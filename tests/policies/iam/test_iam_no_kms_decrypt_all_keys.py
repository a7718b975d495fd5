import pytest
from guardrails.iam.iam_no_kms_decrypt_all_keys import POLICY, all_keys

from tests.policies.harness import UNKNOWN, check_resource
from tests.policies.iam._docs import MANAGED, ROLE, ROLE_POLICY, allow, document

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize("action", ["kms:Decrypt", "KMS:decrypt", "kms:*", "kms:De*", "*", "kms:ReEncrypt*"])
@pytest.mark.parametrize("resource", ["*", "arn:aws:kms:*:*:key/*", "arn:aws:kms:eu-west-1:123456789012:key/*",
                                      "arn:aws:kms:eu-west-1:123456789012:*", "arn:*"])
def test_decrypt_on_every_key_fails(action, resource):
    result = check_resource(POLICY, MANAGED, {"policy": document(allow(action, resource))})
    assert len(result.violations) == 1 and "on every KMS key (KMS.1)" in result.messages[0]


def test_inline_policy_is_kms_2():
    result = check_resource(POLICY, ROLE_POLICY, {"role": "r", "policy": document(allow(["kms:ReEncryptFrom"]))})
    assert result.messages == ["this inline role policy allows kms:ReEncryptFrom on every KMS key (KMS.2); name the "
                               "key ARNs the principal decrypts with in Resource."]
    role = {"inlinePolicies": [{"name": "k", "policy": document(allow("kms:Decrypt"))}]}
    assert "(KMS.2)" in check_resource(POLICY, ROLE, role).messages[0]


@pytest.mark.parametrize("statement", [
    allow("kms:Decrypt", KEY), allow("kms:*", [KEY, "arn:aws:kms:eu-west-1:123456789012:key/other"]),
    allow("kms:Encrypt"), allow("kms:GenerateDataKey*"), allow("kms:Decrypt", "arn:aws:kms:eu-west-1:1:alias/*"),
    allow("s3:*"), {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"},
    {"Effect": "Allow", "NotAction": ["kms:*", "iam:*"], "Resource": "*"},
])
def test_scoped_or_other_statements_pass(statement):
    assert check_resource(POLICY, MANAGED, {"policy": document(statement)}).violations == []


def test_not_action_and_not_resource_count():
    not_action = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert "kms:Decrypt and kms:ReEncryptFrom" in check_resource(POLICY, MANAGED,
                                                                 {"policy": document(not_action)}).messages[0]
    not_resource = {"Effect": "Allow", "Action": "kms:Decrypt", "NotResource": KEY}
    assert check_resource(POLICY, MANAGED, {"policy": document(not_resource)}).violations


def test_conditions_do_not_narrow_the_keys():
    statement = allow("kms:Decrypt", Condition={"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}})
    assert check_resource(POLICY, MANAGED, {"policy": document(statement)}).violations


def test_all_keys():
    assert all_keys("*") and not all_keys(KEY) and not all_keys("arn:aws:s3:::*") and all_keys("arn:aws:kms:*")


def test_unknown_document_cannot_be_evaluated():
    assert check_resource(POLICY, MANAGED, {"policy": UNKNOWN}).unknown
