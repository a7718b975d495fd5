import datetime

import pytest
from guardrails.eks import _calendar, eks_supported_version
from guardrails.eks._eks import AWS_CLUSTER, CLUSTER
from guardrails.eks.eks_supported_version import POLICY

from tests.policies.harness import UNKNOWN, check_resource

SHAPES = pytest.mark.parametrize("resource_type", [CLUSTER, AWS_CLUSTER], ids=["component", "resource"])


@pytest.fixture
def on(monkeypatch):
    """Run the policy on a given day."""
    def at(day: datetime.date) -> None:
        monkeypatch.setattr(eks_supported_version, "today", lambda: day)
    return at


@SHAPES
def test_version_in_standard_support_passes(resource_type, on):
    on(datetime.date(2026, 11, 29))
    assert check_resource(POLICY, resource_type, {"version": "1.35"}).violations == []
    assert check_resource(POLICY, resource_type, {"version": "1.34"}).violations == []


@SHAPES
def test_last_day_of_standard_support_passes_and_the_next_fails(resource_type, on):
    on(datetime.date(2026, 12, 1))
    assert check_resource(POLICY, resource_type, {"version": "1.34"}).violations == []
    on(datetime.date(2026, 12, 2))
    assert check_resource(POLICY, resource_type, {"version": "1.34"}).messages == [
        "Kubernetes 1.34 is out of EKS standard support since 2026-12-02 (extended support costs extra, then EKS "
        "upgrades the cluster itself); upgrade one minor version at a time to 1.35 or newer."
    ]


@SHAPES
def test_extended_support_version_fails(resource_type, on):
    on(datetime.date(2026, 11, 29))
    [message] = check_resource(POLICY, resource_type, {"version": "1.33"}).messages
    assert message.startswith("Kubernetes 1.33 is out of EKS standard support since 2026-07-29")


def test_version_older_than_the_calendar_fails(on):
    on(datetime.date(2026, 11, 29))
    [message] = check_resource(POLICY, CLUSTER, {"version": "1.21"}).messages
    assert message.startswith("Kubernetes 1.21 is out of EKS standard support (extended")


def test_newer_version_than_the_calendar_passes_while_the_calendar_can_tell(on):
    on(_calendar.trusted_until())
    assert check_resource(POLICY, CLUSTER, {"version": "1.37"}).violations == []


def test_newer_version_than_a_stale_calendar_fails_asking_for_an_update(on):
    on(_calendar.trusted_until() + datetime.timedelta(days=1))
    assert check_resource(POLICY, AWS_CLUSTER, {"version": "1.37"}).messages == [
        "Kubernetes 1.37 is newer than the pack's EKS calendar (as of 2026-04-24), which is too old to tell whether "
        "it is still in standard support; update guardrails/eks/_calendar.py or set this policy's "
        "oldestVersionSupported."
    ]


def test_configured_oldest_version_overrides_the_calendar(on):
    on(datetime.date(2026, 11, 29))
    config = {"oldestVersionSupported": "1.35"}
    assert check_resource(POLICY, CLUSTER, {"version": "1.35"}, config=config).violations == []
    [message] = check_resource(POLICY, CLUSTER, {"version": "1.34"}, config=config).messages
    assert "to 1.35 or newer" in message
    stale = {"oldestVersionSupported": "1.36"}
    on(_calendar.trusted_until() + datetime.timedelta(days=400))
    assert check_resource(POLICY, CLUSTER, {"version": "1.37"}, config=stale).violations == []


@SHAPES
def test_absent_version_is_eks_default_and_passes(resource_type):
    assert check_resource(POLICY, resource_type, {"name": "c"}).violations == []


def test_a_version_that_is_no_minor_version_fails():
    assert check_resource(POLICY, CLUSTER, {"version": "latest"}).messages == [
        "version 'latest' is not a Kubernetes minor version such as 1.35; set version to one EKS supports."
    ]


def test_minor_versions_compare_numerically(on):
    on(datetime.date(2026, 11, 29))
    assert check_resource(POLICY, CLUSTER, {"version": "1.100"}).violations == []  # not "1.100" < "1.34"
    assert check_resource(POLICY, CLUSTER, {"version": "1.4"}).violations  # not "1.4" > "1.34"


def test_calendar_helpers():
    assert _calendar.trusted_until() == datetime.date(2027, 6, 24)
    assert _calendar.oldest_in_standard_support(datetime.date(2026, 11, 29)) == (1, 34)
    assert _calendar.oldest_in_standard_support(datetime.date(2027, 3, 27)) == (1, 36)


def test_other_types_not_applicable_and_unknown_cannot_be_evaluated():
    assert check_resource(POLICY, "aws:eks/nodeGroup:NodeGroup", {"version": "1.20"}).violations == []
    assert check_resource(POLICY, CLUSTER, {"version": UNKNOWN}).unknown


def test_config_schema_declares_the_oldest_version():
    assert POLICY.config_schema.properties["oldestVersionSupported"]["type"] == "string"
