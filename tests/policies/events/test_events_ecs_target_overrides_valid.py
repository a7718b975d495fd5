import json

from guardrails.events.events_ecs_target_overrides_valid import POLICY

from tests.policies.events._pipeline import pipeline, scheduled
from tests.policies.harness import Res, check_stack
from tests.policies.recorded import edit

TARGET = "ingest (EventTarget)"


def with_template(text: str) -> list[Res]:
    return edit(pipeline(), TARGET, lambda p: p["inputTransformer"].update(inputTemplate=text))


def overrides(*names: str, **extra) -> str:
    return json.dumps({"containerOverrides": [{"name": n, "environment": [{"name": "K", "value": "<key>"}]}
                                              for n in names], **extra})


def test_the_pipeline_overrides_its_own_container():
    assert check_stack(POLICY, pipeline()).violations == []


def test_overriding_a_container_the_task_definition_does_not_have_fails():
    assert check_stack(POLICY, with_template(overrides("ingest", "worker"))).messages == [
        f"EventBridge target '{TARGET}' overrides container 'worker', which task definition 'ingest (TaskDefinition)' "
        "does not have (its containers: 'ingest'); RunTask would fail. Name one of its containers."]


def test_a_static_input_is_judged_the_same_way():
    fixture = edit(pipeline(), TARGET, lambda p: (p.pop("inputTransformer"), p.update(input=overrides("app"))))
    assert len(check_stack(POLICY, fixture).violations) == 1


def test_placeholders_outside_strings_are_read_as_null():
    text = '{"containerOverrides": [{"name": "ingest", "cpu": <size>}]}'
    assert check_stack(POLICY, with_template(text)).violations == []


def test_input_that_is_not_json_fails():
    assert check_stack(POLICY, with_template("containerOverrides: ingest")).messages == [
        f"EventBridge target '{TARGET}' passes inputTransformer.inputTemplate that is not JSON; for an ECS target it "
        "must be the JSON of RunTask's task overrides ({\"containerOverrides\": [...]})."]


def test_input_that_is_not_an_object_fails():
    assert "that is not a JSON object" in check_stack(POLICY, with_template('["ingest"]')).messages[0]


def test_container_overrides_that_are_not_a_list_of_objects_fail():
    result = check_stack(POLICY, with_template('{"containerOverrides": {"name": "ingest"}}'))
    assert result.messages == [f"EventBridge target '{TARGET}': containerOverrides in its "
                               "inputTransformer.inputTemplate is not a list of objects."]


def test_overriding_the_task_role_is_reported():
    result = check_stack(POLICY, with_template(overrides("ingest", taskRoleArn="arn:aws:iam::1:role/admin")))
    assert result.messages[0].startswith(f"EventBridge target '{TARGET}' overrides taskRoleArn")


def test_a_target_without_input_is_not_applicable():
    assert check_stack(POLICY, scheduled()).not_applicable


def test_in_a_preview_the_container_definitions_are_unknown():
    assert check_stack(POLICY, pipeline(preview=True)).unknown
