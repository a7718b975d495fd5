from guardrails.ecs.ecs_load_balancer_consistency import POLICY

from tests.policies.ecs._defs import SERVICE, TARGET_GROUP, TASK_DEFINITION, container, task_definition
from tests.policies.harness import UNKNOWN, Res, check_stack, urn

HEALTHY = {"enabled": True, "path": "/health", "matcher": "200"}


def _target_group(name="web-tg", **props):
    base = {"port": 8080, "protocol": "HTTP", "targetType": "ip", "healthCheck": HEALTHY}
    return Res(TARGET_GROUP, name, {**base, **props})


def _task(name="web-task", *containers, **props):
    return Res(TASK_DEFINITION, name, task_definition(*containers, **props))


def _service(name="web", task="web-task", groups=("web-tg",), entries=None, **props):
    entries = entries if entries is not None else [
        {"targetGroupArn": UNKNOWN, "containerName": "web", "containerPort": 8080}
    ]
    props = {"taskDefinition": UNKNOWN, "desiredCount": 2, "loadBalancers": entries, **props}
    return Res(SERVICE, name, props, deps={"taskDefinition": [task], "loadBalancers": list(groups)})


def _bridge_task(*containers):
    return _task("web-task", *containers, networkMode="bridge", requiresCompatibilities=["EC2"])


def test_consistent_preview_passes():
    assert check_stack(POLICY, [_task(), _target_group(), _service()]).violations == []


def test_bridge_with_default_target_type_and_dynamic_ports_passes():
    web = container("web", portMappings=[{"containerPort": 8080, "hostPort": 0}])
    group = Res(TARGET_GROUP, "web-tg", {"port": 8080, "protocol": "HTTP"})
    assert check_stack(POLICY, [_bridge_task(web), group, _service()]).violations == []


def test_awsvpc_with_instance_target_group_fails():
    result = check_stack(POLICY, [_task(), _target_group(targetType="instance"), _service()])
    assert result.violations == [(
        'service "web" runs task definition "web-task" in awsvpc network mode but target group "web-tg" has '
        'targetType "instance"; awsvpc tasks need targetType "ip".',
        urn(SERVICE, "web"),
    )]


def test_bridge_with_ip_target_group_fails():
    result = check_stack(POLICY, [_bridge_task(container("web")), _target_group(), _service()])
    assert result.messages == [
        'service "web" runs task definition "web-task" in bridge network mode but target group "web-tg" has '
        'targetType "ip"; bridge tasks need targetType "instance".'
    ]


def test_disabled_health_check_fails_once_per_target_group():
    group = _target_group(healthCheck={"enabled": False})
    result = check_stack(POLICY, [_task(), group, _service("web"), _service("web-canary")])
    assert result.violations == [(
        'target group "web-tg" of ECS service "web" disables health checks (healthCheck.enabled is false); enable '
        "them so ECS can tell healthy tasks during deployments.",
        urn(TARGET_GROUP, "web-tg"),
    )]


def test_unknown_container_name_fails():
    entries = [{"targetGroupArn": UNKNOWN, "containerName": "app", "containerPort": 8080}]
    result = check_stack(POLICY, [_task(), _target_group(), _service(entries=entries)])
    assert result.messages == [
        'service "web" load-balances container "app", which task definition "web-task" does not define (its '
        'containers: "web"); name one of its containers.'
    ]


def test_unexposed_container_port_fails():
    entries = [{"targetGroupArn": UNKNOWN, "containerName": "web", "containerPort": 80}]
    result = check_stack(POLICY, [_task(), _target_group(), _service(entries=entries)])
    assert result.messages == [
        'service "web" load-balances port 80 of container "web", which has no such portMappings containerPort (it '
        "exposes: 8080); use one of its ports."
    ]


def test_container_port_inside_a_port_range_passes():
    web = container("web", portMappings=[{"containerPortRange": "8000-8100"}])
    assert check_stack(POLICY, [_task("web-task", web), _target_group(), _service()]).violations == []


def test_bridge_fixed_host_port_fails_unless_one_task_per_instance():
    web = container("web", portMappings=[{"containerPort": 8080, "hostPort": 80}])
    group = _target_group(targetType="instance")
    result = check_stack(POLICY, [_bridge_task(web), group, _service()])
    assert result.messages == [
        'service "web" load-balances container "web" port 8080 through the fixed hostPort 80 in bridge mode, so only '
        "one task fits per instance and rolling deployments cannot place replacements beside old tasks; set hostPort "
        "to 0 or omit it (dynamic host ports)."
    ]
    distinct = _service(placementConstraints=[{"type": "distinctInstance"}])
    assert check_stack(POLICY, [_bridge_task(web), group, distinct]).violations == []


def test_literal_arns_are_matched():
    task = Res(TASK_DEFINITION, "web-task", {
        **task_definition(), "arn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3",
    })
    tg_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-tg/0123456789abcdef"
    group = Res(TARGET_GROUP, "web-tg", {"targetType": "instance", "arn": tg_arn, "port": 8080, "protocol": "HTTP"})
    service = Res(SERVICE, "web", {
        "taskDefinition": "web:3",
        "loadBalancers": [{"targetGroupArn": tg_arn, "containerName": "web", "containerPort": 8080}],
    })
    assert check_stack(POLICY, [task, group, service]).messages == [
        'service "web" runs task definition "web-task" in awsvpc network mode but target group "web-tg" has '
        'targetType "instance"; awsvpc tasks need targetType "ip".'
    ]


def test_malformed_container_definitions_fail_closed():
    task = _task(containerDefinitions="not json")
    assert check_stack(POLICY, [task, _target_group(), _service()]).messages == [
        'service "web": containerDefinitions is not valid JSON (Expecting value at line 1 column 1) in task '
        'definition "web-task", so its load-balanced containers cannot be checked; give a JSON list of ECS container '
        "definitions."
    ]


def test_services_without_load_balancers_not_applicable():
    service = Res(SERVICE, "worker", {"desiredCount": 1}, deps={"taskDefinition": ["web-task"]})
    assert check_stack(POLICY, [_task(), service]).not_applicable
    assert check_stack(POLICY, [_task()]).not_applicable


def test_unknown_container_definitions_still_report_target_groups():
    result = check_stack(POLICY, [
        _task(containerDefinitions=UNKNOWN), _target_group(targetType="instance"), _service(),
    ])
    assert result.unknown
    assert len(result.violations) == 1 and "targetType" in result.messages[0]


def test_network_mode_and_target_type_left_out_are_bridge_and_instance():
    web = container("web", portMappings=[{"containerPort": 8080}])
    task = _task("web-task", web, networkMode=None, requiresCompatibilities=["EC2"])
    group = Res(TARGET_GROUP, "web-tg", {"port": 8080})
    assert check_stack(POLICY, [task, group, _service()]).violations == []
    ip_group = Res(TARGET_GROUP, "web-tg", {"port": 8080, "targetType": "ip"})
    assert check_stack(POLICY, [task, ip_group, _service()]).messages == [
        'service "web" runs task definition "web-task" in bridge network mode but target group "web-tg" has '
        'targetType "ip"; bridge tasks need targetType "instance".'
    ]
    awsvpc = _task()
    assert check_stack(POLICY, [awsvpc, group, _service()]).messages[0].endswith(
        'has targetType "instance"; awsvpc tasks need targetType "ip".')


def test_health_check_left_out_is_enabled():
    group = _target_group(healthCheck=None)
    group.props = {k: v for k, v in group.props.items() if v is not None}
    assert check_stack(POLICY, [_task(), group, _service()]).violations == []
    assert check_stack(POLICY, [_task(), _target_group(healthCheck={"path": "/"}), _service()]).violations == []


def test_host_port_left_out_in_bridge_mode_is_dynamic_and_zero_is_too():
    for mapping in ({"containerPort": 8080}, {"containerPort": 8080, "hostPort": 0}):
        web = container("web", portMappings=[mapping])
        assert check_stack(POLICY, [_bridge_task(web), _target_group(targetType="instance"), _service()]
                           ).violations == [], mapping
    web = container("web", portMappings=[{"containerPort": 8080, "hostPort": 8080}])
    assert len(check_stack(POLICY, [_bridge_task(web), _target_group(targetType="instance"), _service()]
                           ).violations) == 1


def test_port_range_edges_are_inside_and_one_beyond_is_not():
    for low, high, ok in ((8080, 8100, True), (8000, 8080, True), (8081, 8100, False), (8000, 8079, False)):
        web = container("web", portMappings=[{"containerPortRange": f"{low}-{high}"}])
        result = check_stack(POLICY, [_task("web-task", web), _target_group(), _service()])
        assert (result.violations == []) is ok, (low, high)
    for odd in ("8080", "a-b", "8080-"):
        web = container("web", portMappings=[{"containerPortRange": odd}])
        assert check_stack(POLICY, [_task("web-task", web), _target_group(), _service()]).violations, odd


def test_fixed_host_port_outside_bridge_mode_is_not_this_policys_concern():
    web = container("web", portMappings=[{"containerPort": 8080, "hostPort": 8080}])
    assert check_stack(POLICY, [_task("web-task", web), _target_group(), _service()]).violations == []
    other = _service(placementConstraints=[{"type": "memberOf", "expression": "attribute:x == y"}])
    bridge = container("web", portMappings=[{"containerPort": 8080, "hostPort": 80}])
    assert len(check_stack(POLICY, [_bridge_task(bridge), _target_group(targetType="instance"), other]
                           ).violations) == 1


def test_unexposed_port_lists_ranges_and_odd_ports():
    web = container("web", portMappings=[{"containerPortRange": "9000-9010"}, {"containerPort": 8081}])
    entries = [{"targetGroupArn": UNKNOWN, "containerName": "web", "containerPort": "http"}]
    assert check_stack(POLICY, [_task("web-task", web), _target_group(), _service(entries=entries)]).messages == [
        'service "web" load-balances port http of container "web", which has no such portMappings containerPort (it '
        "exposes: 9000-9010, 8081); use one of its ports."
    ]
