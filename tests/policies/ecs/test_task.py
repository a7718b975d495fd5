"""The ECS helpers: container definitions, launch types, rolling updates and the task definition a service runs."""

import json

import pytest
from guardrails.ecs._task import (
    BadContainerDefinitions,
    containers,
    label,
    runs_on_fargate,
    strategy_providers,
    task_definition_of,
    uses_rolling_update,
)

from tests.policies.ecs._defs import SERVICE, TASK_DEFINITION
from tests.policies.harness import UNKNOWN, Res
from tests.policies.test_graph import stack


@pytest.mark.parametrize("raw, message", [
    (None, "containerDefinitions is not set"),
    ('{"name": "web"}', "containerDefinitions is a JSON object, not a list of containers"),
    ('"web"', "containerDefinitions is a JSON string, not a list of containers"),
    ("true", "containerDefinitions is a JSON boolean, not a list of containers"),
    ("null", "containerDefinitions is a JSON null, not a list of containers"),
    ("1.5", "containerDefinitions is a JSON number, not a list of containers"),
    ('[{"name": "web"}, []]', "containerDefinitions[1] is a JSON array, not a container definition object"),
    ('[{"name": "web"}, 3]', "containerDefinitions[1] is a JSON number, not a container definition object"),
])
def test_malformed_container_definitions(raw, message):
    props = {} if raw is None else {"containerDefinitions": raw}
    with pytest.raises(BadContainerDefinitions) as caught:
        containers(props)
    assert str(caught.value) == message


def test_container_definitions_as_json_or_as_a_list():
    assert containers({"containerDefinitions": json.dumps([{"name": "web"}])}) == [{"name": "web"}]
    assert containers({"containerDefinitions": [{"name": "web"}]}) == [{"name": "web"}]
    assert containers({"containerDefinitions": "[]"}) == []


def test_label_names_a_container_or_its_position():
    assert label({"name": "web"}, 0) == 'container "web"'
    assert label({"name": ""}, 1) == "container #2 (unnamed)"
    assert label({"name": 3}, 0) == "container #1 (unnamed)" and label({}, 2) == "container #3 (unnamed)"


def test_strategy_providers_and_fargate():
    props = {"capacityProviderStrategies": [{"capacityProvider": "FARGATE"}, {"capacityProvider": 3}, "x",
                                            {"weight": 1}]}
    assert strategy_providers(props) == ["FARGATE"]
    assert runs_on_fargate(props) and runs_on_fargate({"launchType": "FARGATE"})
    assert runs_on_fargate({"capacityProviderStrategies": [{"capacityProvider": "FARGATE_SPOT"}]})
    assert not runs_on_fargate({}) and not runs_on_fargate({"launchType": "EC2"})
    assert not runs_on_fargate({"capacityProviderStrategies": [{"capacityProvider": "asg"}]})


@pytest.mark.parametrize("props, rolling", [
    ({}, True), ({"deploymentController": {"type": "ECS"}}, True), ({"deploymentController": {}}, True),
    ({"deploymentConfiguration": {"strategy": "ROLLING"}}, True), ({"deploymentConfiguration": {}}, True),
    ({"deploymentController": {"type": "CODE_DEPLOY"}}, False), ({"deploymentController": {"type": "EXTERNAL"}}, False),
    ({"deploymentConfiguration": {"strategy": "BLUE_GREEN"}}, False),
    ({"deploymentConfiguration": {"strategy": "CANARY"}}, False),
])
def test_rolling_update_is_the_default(props, rolling):
    assert uses_rolling_update(props.get) is rolling


def test_task_definition_by_dependency_arn_or_unique_family():
    r = stack(
        Res(TASK_DEFINITION, "web", {"family": "web", "arn": "arn:aws:ecs:eu-west-1:1:task-definition/web:3"}),
        Res(TASK_DEFINITION, "api-1", {"family": "api"}), Res(TASK_DEFINITION, "api-2", {"family": "api"}),
        Res(SERVICE, "by-dep", {"taskDefinition": UNKNOWN}, deps={"taskDefinition": ["web"]}),
        Res(SERVICE, "by-arn", {"taskDefinition": "arn:aws:ecs:eu-west-1:1:task-definition/web:3"}),
        Res(SERVICE, "by-family", {"taskDefinition": "web"}),
        Res(SERVICE, "by-family-arn", {"taskDefinition": "arn:aws:ecs:eu-west-1:1:task-definition/web:7"}),
        Res(SERVICE, "ambiguous", {"taskDefinition": "api:1"}),
        Res(SERVICE, "elsewhere", {"taskDefinition": "other:1"}),
        Res(SERVICE, "unknown", {"taskDefinition": UNKNOWN}),
        Res(SERVICE, "empty", {"taskDefinition": ""}),
    )
    resources = list(r.values())
    found = {name: task_definition_of(r[name], resources) for name in
             ("by-dep", "by-arn", "by-family", "by-family-arn", "ambiguous", "elsewhere", "unknown", "empty")}
    assert {k: v.name if v else None for k, v in found.items()} == {
        "by-dep": "web", "by-arn": "web", "by-family": "web", "by-family-arn": "web", "ambiguous": None,
        "elsewhere": None, "unknown": None, "empty": None}


def test_a_known_arn_wins_over_an_ambiguous_family():
    arn = "arn:aws:ecs:eu-west-1:1:task-definition/web:3"
    r = stack(Res(TASK_DEFINITION, "web-3", {"family": "web", "arn": arn}),
              Res(TASK_DEFINITION, "web-4", {"family": "web", "arn": arn[:-1] + "4"}),
              Res(SERVICE, "svc", {"taskDefinition": arn}))
    assert task_definition_of(r["svc"], list(r.values())) is r["web-3"]
