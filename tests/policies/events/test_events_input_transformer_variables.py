import json

import pytest
from guardrails.events.events_input_transformer_variables import POLICY

from tests.policies.harness import check_resource

TARGET = "aws:cloudwatch/eventTarget:EventTarget"
PATHS = {"bucket": "$.detail.bucket.name", "key": "$.detail.object.key"}


def template(*variables: str) -> str:
    return json.dumps({"containerOverrides": [{"name": "ingest", "environment": [
        {"name": v.upper(), "value": f"<{v}>"} for v in variables]}]})


def target(paths=None, text=None) -> dict:
    return {"arn": "arn:aws:ecs:eu-west-1:1:cluster/c",
            "inputTransformer": {"inputPaths": PATHS if paths is None else paths,
                                 "inputTemplate": template("bucket", "key") if text is None else text}}


def test_variables_from_the_input_paths_pass():
    assert check_resource(POLICY, TARGET, target()).violations == []


def test_predefined_variables_need_no_input_path():
    text = template("bucket", "aws.events.rule-arn", "aws.events.event.ingestion-time")
    assert check_resource(POLICY, TARGET, target(text=text)).violations == []


def test_a_variable_missing_from_the_input_paths_is_reported():
    result = check_resource(POLICY, TARGET, target(text=template("bucket", "key", "size")))
    assert result.messages == [
        "inputTransformer.inputTemplate uses <size>, which inputPaths does not define (it defines: bucket, key); add "
        "'size' to inputPaths or fix the template."]


def test_a_misspelt_variable_is_reported_once():
    text = template("bucket", "kye", "kye")
    assert len(check_resource(POLICY, TARGET, target(text=text)).violations) == 1


def test_a_template_without_input_paths():
    assert check_resource(POLICY, TARGET, target(paths={}, text=template("key"))).messages[0].startswith(
        "inputTransformer.inputTemplate uses <key>, which inputPaths does not define (it defines: none)")


@pytest.mark.parametrize(("paths", "message"), [
    ({"AWSKey": "$.detail"}, "inputTransformer.inputPaths key 'AWSKey' starts with 'AWS', which EventBridge reserves; "
                             "rename it."),
    ({"key": "detail.object.key"}, "inputTransformer.inputPaths['key'] is 'detail.object.key', not a JSON path into "
                                   "the event (such as $.detail.object.key)."),
])
def test_input_paths_eventbridge_refuses(paths, message):
    assert message in check_resource(POLICY, TARGET, target(paths=paths, text="{}")).messages


def test_at_most_100_input_paths():
    paths = {f"v{i}": "$.detail" for i in range(100)}
    assert check_resource(POLICY, TARGET, target(paths=paths, text="{}")).violations == []
    paths["v100"] = "$.detail"
    assert check_resource(POLICY, TARGET, target(paths=paths, text="{}")).messages == [
        "inputTransformer.inputPaths defines 101 variables; EventBridge allows 100."]


def test_a_template_of_at_most_8192_characters():
    assert check_resource(POLICY, TARGET, target(text='"' + "x" * 8190 + '"')).violations == []
    assert check_resource(POLICY, TARGET, target(text='"' + "x" * 8191 + '"')).messages == [
        "inputTransformer.inputTemplate has 8193 characters; EventBridge allows 8192."]


def test_targets_without_a_transformer_are_not_applicable():
    assert check_resource(POLICY, TARGET, {"arn": "x", "input": "{}"}).not_applicable
