from guardrails.ec2.launch_template_imdsv2 import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LT = "aws:ec2/launchTemplate:LaunchTemplate"


def test_required_tokens_and_hop_limit_one_pass():
    options = {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}
    assert check_resource(POLICY, LT, {"imageId": UNKNOWN, "metadataOptions": options}).violations == []


def test_disabled_metadata_service_passes():
    assert check_resource(POLICY, LT, {"metadataOptions": {"httpEndpoint": "disabled"}}).violations == []


def test_optional_tokens_fail():
    options = {"httpTokens": "optional", "httpPutResponseHopLimit": 1}
    assert check_resource(POLICY, LT, {"metadataOptions": options}).messages == [
        "instances launched from this template accept IMDSv1 (metadataOptions.httpTokens is 'optional'); set "
        "metadataOptions.httpTokens to 'required'."
    ]


def test_hop_limit_two_lets_containers_reach_credentials():
    options = {"httpTokens": "required", "httpPutResponseHopLimit": 2}
    assert check_resource(POLICY, LT, {"metadataOptions": options}).messages == [
        "the metadata PUT response hop limit is 2, so containers on the instance can obtain instance credentials; "
        "set metadataOptions.httpPutResponseHopLimit to 1."
    ]


def test_unset_metadata_options_fail_twice():
    assert len(check_resource(POLICY, LT, {"imageId": "ami-0123"}).violations) == 2


def test_other_types_not_applicable():
    result = check_resource(POLICY, "aws:autoscaling/group:Group", {})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_metadata_options_cannot_be_evaluated():
    assert check_resource(POLICY, LT, {"metadataOptions": UNKNOWN}).unknown


def test_everything_left_out_fails_with_the_defaults_named():
    assert check_resource(POLICY, LT, {}).messages == [
        "instances launched from this template accept IMDSv1 (metadataOptions.httpTokens is not set, so 'optional'); "
        "set metadataOptions.httpTokens to 'required'.",
        "the metadata PUT response hop limit is not set, so 2 on AMIs registered with ImdsSupport v2.0 such as "
        "Amazon Linux 2023, so containers on the instance can obtain instance credentials; set "
        "metadataOptions.httpPutResponseHopLimit to 1.",
    ]


def test_endpoint_left_out_is_enabled():
    options = {"httpTokens": "required", "httpPutResponseHopLimit": 1}
    assert check_resource(POLICY, LT, {"metadataOptions": options}).violations == []
    options = {"httpEndpoint": "enabled", "httpTokens": "optional", "httpPutResponseHopLimit": 1}
    assert len(check_resource(POLICY, LT, {"metadataOptions": options}).violations) == 1
    options = {"httpEndpoint": " Disabled ", "httpTokens": "optional", "httpPutResponseHopLimit": 64}
    assert check_resource(POLICY, LT, {"metadataOptions": options}).violations == []


def test_hop_limit_edges_and_forms():
    for limit, ok in ((1, True), ("1", True), (0, False), (2, False), (64, False), ("one", False)):
        options = {"httpTokens": "required", "httpPutResponseHopLimit": limit}
        assert (check_resource(POLICY, LT, {"metadataOptions": options}).violations == []) is ok, limit
    options = {"httpTokens": "required", "httpPutResponseHopLimit": "one"}
    assert check_resource(POLICY, LT, {"metadataOptions": options}).messages[0].startswith(
        "the metadata PUT response hop limit is 'one', so")


def test_tokens_compared_without_case():
    options = {"httpTokens": "REQUIRED", "httpPutResponseHopLimit": 1}
    assert check_resource(POLICY, LT, {"metadataOptions": options}).violations == []
