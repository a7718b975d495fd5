import json

from guardrails.ecs.ecs_container_definitions_valid import POLICY

from tests.policies.ecs._defs import TASK_DEFINITION, container, task_definition
from tests.policies.harness import UNKNOWN, check_resource


def _check(*containers, **props):
    return check_resource(POLICY, TASK_DEFINITION, task_definition(*containers, **props))


def test_valid_definitions_pass():
    sidecar = container(
        "envoy", essential=False, portMappings=[{"containerPort": 9901, "hostPort": 9901, "protocol": "udp"}],
        environment=[{"name": "LOG_LEVEL", "value": "info"}], healthCheck={"command": ["CMD", "true"], "retries": 3},
    )
    assert _check(container("web"), sidecar).violations == []


def test_bridge_mode_allows_any_host_port():
    web = container("web", portMappings=[{"containerPort": 8080, "hostPort": 80}, {"containerPort": 9000}])
    props = task_definition(web, networkMode="bridge", requiresCompatibilities=["EC2"])
    assert check_resource(POLICY, TASK_DEFINITION, props).violations == []


def test_not_json_fails():
    result = _check(containerDefinitions='[{"name": "web",}]')
    assert result.messages == [
        "containerDefinitions is not valid JSON (Expecting property name enclosed in double quotes at line 1 column "
        "17), so the container definitions cannot be checked; give a JSON list of ECS container definitions."
    ]


def test_empty_list_fails():
    assert _check(containerDefinitions="[]").messages == [
        "containerDefinitions is an empty list; a task definition needs at least one container."
    ]


def test_model_mismatches_fail():
    web = container(
        "web", portMapping=[{"containerPort": 80}], essential="yes", memory=512.0, command="run", logConfiguration={},
    )
    assert _check(web).messages == [
        'container "web" has the unknown field "portMapping"; did you mean "portMappings"?',
        'container "web": essential is "yes"; the ECS API expects a boolean there.',
        'container "web": logConfiguration lacks the required field "logDriver".',
        'container "web": memory is 512.0; the ECS API expects an integer there.',
        'container "web": command is "run"; the ECS API expects a list there.',
    ]


def test_unknown_field_without_close_match():
    assert _check(container("web", replicas=2)).messages == [
        'container "web" has the unknown field "replicas"; the ECS API has no such field.'
    ]


def test_enumerations_fail():
    web = container(
        "web", portMappings=[{"containerPort": 8080, "protocol": "TCP"}], logConfiguration={"logDriver": "cloudwatch"}
    )
    assert _check(web).messages == [
        'container "web": portMappings[0].protocol is "TCP"; allowed values: tcp, udp.',
        'container "web": logConfiguration.logDriver is "cloudwatch"; allowed values: json-file, syslog, journald, '
        "gelf, fluentd, awslogs, splunk, awsfirelens.",
    ]


def test_name_image_and_essential_fail():
    raw = [
        {"image": "nginx", "essential": False},
        {"name": "web", "essential": False},
        {"name": "web", "image": "nginx", "essential": False},
        {"name": "bad name!", "image": "nginx", "essential": False},
    ]
    assert _check(containerDefinitions=json.dumps(raw)).messages == [
        "container #1 (unnamed) has no name; every container needs a name.",
        'container "web" has no image; every container needs an image (repository-url/image:tag or @digest).',
        'container "web" is defined more than once; container names must be unique in a task definition.',
        'container "bad name!" has an invalid name; use up to 255 letters, digits, hyphens and underscores.',
        "no container is essential (all set essential: false); a task needs at least one essential container.",
    ]


def test_awsvpc_host_port_must_equal_container_port():
    mappings = [{"containerPort": 8080, "hostPort": 80}, {"containerPort": 9000, "hostPort": 9000}]
    web = container("web", portMappings=mappings)
    assert _check(web).messages == [
        'container "web" portMappings[0] maps hostPort 80 to containerPort 8080 in awsvpc network mode; there '
        "hostPort must be unset or equal to containerPort."
    ]


def test_port_ranges():
    web = container("web", portMappings=[{"containerPortRange": "7000-7010", "hostPort": 7000}])
    assert _check(web, networkMode="host", requiresCompatibilities=["EC2"]).messages == [
        'container "web" portMappings[0] uses containerPortRange "7000-7010" in host network mode; port ranges work '
        "only in the awsvpc and bridge modes.",
        'container "web" portMappings[0] sets hostPort 7000 with containerPortRange; leave hostPort unset for a port '
        "range.",
    ]


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/service:Service", {"containerDefinitions": "nope"})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_container_definitions_cannot_be_evaluated():
    assert _check(containerDefinitions=UNKNOWN).unknown



def test_network_mode_left_out_is_bridge_and_essential_left_out_is_true():
    web = container("web", essential=None, portMappings=[{"containerPort": 8080, "hostPort": 80}])
    assert _check(web, networkMode=None, requiresCompatibilities=["EC2"]).violations == []
    web = container("web", essential=None, portMappings=[{"containerPort": 8080, "hostPort": 80}])
    assert _check(web, networkMode="awsvpc").messages == [
        'container "web" portMappings[0] maps hostPort 80 to containerPort 8080 in awsvpc network mode; there '
        "hostPort must be unset or equal to containerPort."
    ]
    sidecar = container("log-router", essential=False)
    assert _check(sidecar, container("web", essential=None)).violations == []


def test_host_mode_host_port_must_equal_container_port_too():
    web = container("web", portMappings=[{"containerPort": 8080, "hostPort": 80}, {"containerPort": 9000}])
    assert _check(web, networkMode="host", requiresCompatibilities=["EC2"]).messages == [
        'container "web" portMappings[0] maps hostPort 80 to containerPort 8080 in host network mode; there hostPort '
        "must be unset or equal to containerPort."
    ]


def test_type_names_and_long_values_in_messages():
    long_command = "x" * 80
    web = container("web", cpu="1", links="db", environment={"A": "b"}, dockerLabels=["a"], command=long_command)
    assert _check(web).messages == [
        'container "web": cpu is "1"; the ECS API expects an integer there.',
        'container "web": links is "db"; the ECS API expects a list there.',
        'container "web": environment is {"A": "b"}; the ECS API expects a list there.',
        'container "web": dockerLabels is ["a"]; the ECS API expects an object there.',
        f'container "web": command is "{"x" * 56}...; the ECS API expects a list there.',
    ]


def test_enumerations_inside_maps_and_nested_lists():
    web = container("web", ulimits=[{"name": "nofiles", "softLimit": 1, "hardLimit": 1}],
                    logConfiguration={"logDriver": "awslogs", "secretOptions": [{"name": "a", "valueFrom": "b"}]})
    assert _check(web).messages == [
        'container "web": ulimits[0].name is "nofiles"; allowed values: core, cpu, data, fsize, locks, memlock, '
        "msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack."
    ]


def test_odd_port_mappings_and_names():
    web = container("web", portMappings=["8080", {"containerPort": 8080}])
    assert _check(web).messages == [
        'container "web": portMappings[0] is "8080"; the ECS API expects an object there.']
    assert _check(containerDefinitions=json.dumps([{"name": 5, "image": "nginx"}])).messages == [
        'container #1 (unnamed): name is 5; the ECS API expects a string there.',
        "container #1 (unnamed) has no name; every container needs a name.",
    ]


def test_model_minimums_at_the_edge():
    def gpu(memory):
        return container("web", resourceRequirements=[
            {"type": "GPU", "value": "1", "sharingStrategy": {"nvidiaMps": {"memory": memory}}}])

    assert _check(gpu(1)).violations == []
    assert _check(gpu(0)).messages == [
        'container "web": resourceRequirements[0].sharingStrategy.nvidiaMps.memory is 0; the ECS API\'s minimum is 1.']
