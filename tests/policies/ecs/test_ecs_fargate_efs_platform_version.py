import pytest
from guardrails.ecs.ecs_fargate_efs_platform_version import POLICY

from tests.policies.efs._stack import platform, replace
from tests.policies.harness import UNKNOWN, check_stack


@pytest.mark.parametrize("preview", [False, True])
@pytest.mark.parametrize("version", [None, "LATEST", "1.4.0", "1.5.0", "2.0.0"])
def test_latest_or_1_4_0_and_later_pass(preview, version):
    result = check_stack(POLICY, replace(platform(preview), "api", platformVersion=version))
    assert result.violations == [] and not result.unknown


@pytest.mark.parametrize("version", ["1.3.0", "1.0.0", "1.3", "legacy"])
def test_older_or_unreadable_versions_fail(version):
    result = check_stack(POLICY, replace(platform(), "api", platformVersion=version))
    assert result.messages == [f"Fargate service 'api' mounts EFS but pins platformVersion {version!r}; Fargate mounts "
                               "EFS volumes from platform version 1.4.0 on: use LATEST (or leave it unset) or 1.4.0 "
                               "or later."]
    assert result.violations[0][1].endswith("::api")


def test_a_fargate_task_definition_without_a_strategy_counts():
    stack = replace(platform(), "api", platformVersion="1.3.0", capacityProviderStrategies=None,
                    deps={"capacityProviderStrategies": []})
    assert len(check_stack(POLICY, stack).violations) == 1


def test_ec2_services_are_not_judged():
    stack = replace(platform(preview=True), "web", platformVersion="1.3.0",
                    capacityProviderStrategies=[{"capacityProvider": UNKNOWN, "weight": 1}])
    result = check_stack(POLICY, stack)
    assert result.violations == [] and not result.unknown


def test_services_without_efs_are_not_applicable():
    stack = replace(replace(platform(), "web-td", volumes=None, deps={"volumes": []}), "api-td", volumes=None,
                    deps={"volumes": []})
    assert check_stack(POLICY, stack).not_applicable
