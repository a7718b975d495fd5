import pytest
from guardrails.ecs.ecs_container_insights import POLICY

from tests.policies.ecs._defs import CLUSTER
from tests.policies.harness import UNKNOWN, check_resource


@pytest.mark.parametrize("value", ["enabled", "enhanced"])
def test_enabled_passes(value):
    props = {"settings": [{"name": "containerInsights", "value": value}]}
    assert check_resource(POLICY, CLUSTER, props).violations == []


def test_disabled_fails():
    props = {"settings": [{"name": "containerInsights", "value": "disabled"}]}
    assert check_resource(POLICY, CLUSTER, props).messages == [
        'the cluster sets containerInsights to "disabled"; it must be "enhanced" or "enabled".'
    ]


def test_unset_fails():
    assert check_resource(POLICY, CLUSTER, {"name": "platform"}).messages == [
        'the cluster does not set containerInsights; add settings [{name: "containerInsights", value: "enhanced"}] '
        '(or "enabled").'
    ]


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/service:Service", {})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_settings_cannot_be_evaluated():
    assert check_resource(POLICY, CLUSTER, {"settings": UNKNOWN}).unknown
    assert check_resource(POLICY, CLUSTER, {"settings": [{"name": "containerInsights", "value": UNKNOWN}]}).unknown


def test_the_last_container_insights_setting_counts_and_other_settings_do_not():
    settings = [{"name": "containerInsights", "value": "enabled"}, {"name": "containerInsights", "value": "disabled"}]
    assert len(check_resource(POLICY, CLUSTER, {"settings": settings}).violations) == 1
    assert check_resource(POLICY, CLUSTER, {"settings": settings[::-1]}).violations == []
    other = [{"name": "somethingElse", "value": "enabled"}]
    assert check_resource(POLICY, CLUSTER, {"settings": other}).messages[0].startswith(
        "the cluster does not set containerInsights;")
    assert check_resource(POLICY, CLUSTER, {"settings": []}).violations
