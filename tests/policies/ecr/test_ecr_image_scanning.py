from guardrails.ecr.ecr_image_scanning import POLICY

from tests.policies.harness import UNKNOWN, check_resource

REPO = "aws:ecr/repository:Repository"


def test_scan_on_push_passes():
    assert check_resource(POLICY, REPO, {"imageScanningConfiguration": {"scanOnPush": True}}).violations == []


def test_scan_on_push_off_fails():
    assert check_resource(POLICY, REPO, {"imageScanningConfiguration": {"scanOnPush": False}}).messages == [
        "images pushed to this repository are not scanned for vulnerabilities "
        "(imageScanningConfiguration.scanOnPush is false); set scanOnPush to true."
    ]


def test_absent_configuration_is_the_default_no_scanning():
    assert "(imageScanningConfiguration.scanOnPush is not set)" in check_resource(POLICY, REPO, {}).messages[0]
    assert check_resource(POLICY, REPO, {"imageScanningConfiguration": {}}).violations


def test_string_true_is_not_a_boolean():
    assert check_resource(POLICY, REPO, {"imageScanningConfiguration": {"scanOnPush": "true"}}).violations


def test_other_types_not_applicable():
    assert check_resource(POLICY, "aws:ecrpublic/repository:Repository", {}).violations == []


def test_unknown_cannot_be_evaluated():
    assert check_resource(POLICY, REPO, {"imageScanningConfiguration": {"scanOnPush": UNKNOWN}}).unknown
