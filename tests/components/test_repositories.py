"""Repositories built directly under the mocks: the repositories, their lifecycle policy, KMS, cross-account pulls,
enhanced scanning, the alias that keeps a repository a service used to build, and argument errors."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from components.ecr.repositories import (
    PULL_ACTIONS,
    TYPE,
    Repositories,
    RepositoriesArgs,
    RepositorySpec,
    lifecycle_policy,
)
from components.ecs import ec2_service, fargate_service
from preflight.engine import Recording
from tests.mocks import REGION, context, of_type, one, record, record_failure, ref, refs

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
KEY = "aws:kms/key:Key"
SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
#: Where FargateService api used to build its own repository.
OLD_REPOSITORY_URN = ("urn:pulumi:test::container-platform::platform:ecs:FargateService$aws:ecr/repository:Repository"
                      "::api")


def build(*specs: RepositorySpec, protect: bool = False, enhanced: bool = False) -> Recording:
    args = RepositoriesArgs(context=context(protect=protect), repositories=specs, enhanced_scanning=enhanced)
    return record(lambda: Repositories("repositories", args))


def by_name(rec: Recording, resource_type: str, name: str) -> Any:
    [found] = [r for r in of_type(rec, resource_type) if r.name == name]
    return found


# ---- repositories -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("protect", [False, True])
def test_repositories_are_named_after_the_stack_immutable_and_scanned_on_push(protect: bool):
    rec = build(RepositorySpec("api"), RepositorySpec("worker"), protect=protect)
    for name in ("api", "worker"):
        repository = by_name(rec, REPOSITORY, name)
        assert repository.inputs["name"] == f"test/{name}", repository.urn
        assert repository.inputs["imageTagMutability"] == "IMMUTABLE", repository.urn
        assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}, repository.urn
        assert repository.inputs["encryptionConfigurations"] == [{"encryptionType": "AES256"}], repository.urn
        # Destroy may empty a repository only where resources are not protected.
        assert repository.inputs["forceDelete"] is (not protect), repository.urn
        assert repository.protect is protect, repository.urn
    assert of_type(rec, KEY) == [] and of_type(rec, REPOSITORY_POLICY) == [] and of_type(rec, SCANNING) == []


def test_outputs_map_each_repository_to_its_url():
    urls: dict[str, str] = {}

    def program() -> None:
        component = Repositories("repositories", RepositoriesArgs(
            context=context(), repositories=(RepositorySpec("api"), RepositorySpec("worker"))))
        component.repository_urls.apply(urls.update)

    rec = record(program)
    assert urls == {name: by_name(rec, REPOSITORY, name).outputs["repositoryUrl"] for name in ("api", "worker")}
    assert urls["api"] == f"123456789012.dkr.ecr.{REGION}.amazonaws.com/test/api"


# ---- lifecycle policy ---------------------------------------------------------------------------------------


def test_lifecycle_policy_keeps_what_services_run_expires_untagged_and_keeps_the_newest_releases():
    rec = build(RepositorySpec("api", keep_releases=15, untagged_days=3, running_tags=("1.4.2", "1.3.0", "1.4.2")))
    policy, repository = by_name(rec, LIFECYCLE, "api"), by_name(rec, REPOSITORY, "api")
    assert ref(rec, policy, "repository", "name") == repository, policy.urn
    assert json.loads(policy.inputs["policy"]) == {"rules": [
        {"rulePriority": 1, "description": "keep 1.3.0: a service runs it",
         "selection": {"tagStatus": "tagged", "tagPatternList": ["1.3.0"], "countType": "imageCountMoreThan",
                       "countNumber": 1},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "description": "keep 1.4.2: a service runs it",
         "selection": {"tagStatus": "tagged", "tagPatternList": ["1.4.2"], "countType": "imageCountMoreThan",
                       "countNumber": 1},
         "action": {"type": "expire"}},
        {"rulePriority": 3, "description": "expire untagged images after 3 days",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                       "countNumber": 3},
         "action": {"type": "expire"}},
        {"rulePriority": 4, "description": "keep the newest 15 releases",
         "selection": {"tagStatus": "tagged", "tagPatternList": ["*"], "countType": "imageCountMoreThan",
                       "countNumber": 15},
         "action": {"type": "expire"}},
    ]}, policy.urn


@pytest.mark.parametrize("tags", [(), ("2.0.0",), ("a", "b", "c")])
def test_lifecycle_rules_follow_ecr_constraints(tags: tuple[str, ...]):
    """Unique priorities; one rule for untagged images; every tagged rule names patterns (no "any" rule, which
    would have to come last and would count untagged images); the rules that keep running tags come first and can
    never expire the one image their exact pattern selects."""
    rules = lifecycle_policy(20, 7, tags)["rules"]
    priorities = [r["rulePriority"] for r in rules]
    assert priorities == list(range(1, len(rules) + 1))
    statuses = [r["selection"]["tagStatus"] for r in rules]
    assert statuses.count("untagged") == 1 and "any" not in statuses
    for rule in rules:
        selection = rule["selection"]
        assert rule["action"] == {"type": "expire"}
        assert selection["countNumber"] >= 1
        if selection["tagStatus"] == "tagged":
            assert "tagPrefixList" not in selection and selection["tagPatternList"]
            assert all(p.count("*") <= 4 for p in selection["tagPatternList"])
        if selection["countType"] == "sinceImagePushed":
            assert selection["countUnit"] == "days"
        else:
            assert "countUnit" not in selection
    keep = rules[: len(tags)]
    assert [r["selection"]["tagPatternList"] for r in keep] == [[t] for t in sorted(tags)]
    assert all(r["selection"]["countNumber"] == 1 for r in keep)


# ---- encryption ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("protect", [False, True])
def test_kms_repositories_use_the_stack_key(protect: bool):
    rec = build(RepositorySpec("api", kms=True), RepositorySpec("legacy"), protect=protect)
    key = one(rec, KEY)
    assert key.inputs["enableKeyRotation"] is True, key.urn
    assert key.inputs["deletionWindowInDays"] == 30, key.urn
    assert key.protect is protect, key.urn
    repository = by_name(rec, REPOSITORY, "api")
    [encryption] = repository.inputs["encryptionConfigurations"]
    assert encryption == {"encryptionType": "KMS", "kmsKey": key.outputs["arn"]}, repository.urn
    assert refs(rec, repository, "encryptionConfigurations") == [key], repository.urn
    legacy = by_name(rec, REPOSITORY, "legacy")
    assert legacy.inputs["encryptionConfigurations"] == [{"encryptionType": "AES256"}], legacy.urn


# ---- cross-account pulls ------------------------------------------------------------------------------------


def test_a_repository_policy_exists_only_for_cross_account_pulls():
    rec = build(RepositorySpec("api", pull_accounts=("210987654321", "109876543210")), RepositorySpec("worker"))
    [policy] = of_type(rec, REPOSITORY_POLICY)
    assert policy.name == "api-pull", policy.urn
    assert ref(rec, policy, "repository", "name") == by_name(rec, REPOSITORY, "api"), policy.urn
    document = json.loads(policy.inputs["policy"])
    [statement] = document["Statement"]
    assert statement["Effect"] == "Allow", policy.urn
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::109876543210:root", "arn:aws:iam::210987654321:root"]}, \
        policy.urn
    assert statement["Action"] == sorted(PULL_ACTIONS), policy.urn
    assert "*" not in json.dumps(statement["Principal"]), policy.urn


# ---- enhanced scanning --------------------------------------------------------------------------------------


def test_enhanced_scanning_scans_the_stack_continuously_and_everything_on_push():
    scanning = one(build(RepositorySpec("api"), enhanced=True), SCANNING)
    assert scanning.inputs["scanType"] == "ENHANCED", scanning.urn
    assert scanning.inputs["rules"] == [
        {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "test/*", "filterType": "WILDCARD"}]},
        {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]},
    ], scanning.urn


# ---- the repository a service used to build -----------------------------------------------------------------


def _aliases(spec: RepositorySpec) -> dict[str, list[str]]:
    """The URNs the repository's and lifecycle policy's alias options name, by child type (what the engine matches
    against the stack's state)."""
    found: dict[str, list[str]] = {}

    def program() -> None:
        component = Repositories("repositories", RepositoriesArgs(context=context(), repositories=(spec,)))
        for child in component._childResources:
            urns = pulumi.Output.all(*child._aliases)
            urns.apply(lambda values, t=child._type: found.setdefault(t, []).extend(values))

    record(program)
    return found


def test_a_repository_the_service_built_keeps_its_identity():
    """Before repositories were declared, FargateService api built aws.ecr.Repository api (and its lifecycle policy)
    as its children: the alias names exactly those URNs, so an existing stack updates them in place."""
    aliases = _aliases(RepositorySpec("api", previous_owner=fargate_service.TYPE))
    assert aliases[REPOSITORY] == [OLD_REPOSITORY_URN]
    assert aliases[LIFECYCLE] == [OLD_REPOSITORY_URN.replace("aws:ecr/repository:Repository",
                                                             "aws:ecr/lifecyclePolicy:LifecyclePolicy")]


def test_the_alias_follows_the_launch_type_of_the_service_that_built_it():
    aliases = _aliases(RepositorySpec("web", previous_owner=ec2_service.TYPE))
    assert aliases[REPOSITORY] == [
        "urn:pulumi:test::container-platform::platform:ecs:Ec2Service$aws:ecr/repository:Repository::web"]


def test_a_new_repository_has_no_alias():
    assert _aliases(RepositorySpec("api")) == {REPOSITORY: [], LIFECYCLE: []}


def test_the_repository_keeps_its_physical_name_and_new_urn():
    rec = build(RepositorySpec("api", previous_owner=fargate_service.TYPE))
    repository = one(rec, REPOSITORY)
    assert repository.inputs["name"] == "test/api", repository.urn
    assert repository.urn == f"urn:pulumi:test::container-platform::{TYPE}$aws:ecr/repository:Repository::api"


# ---- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("specs", "message"), [
    ((), "Repositories repositories: needs at least one repository"),
    ((RepositorySpec("api"), RepositorySpec("api")), "Repositories repositories: repository api is declared twice"),
    ((RepositorySpec("Api"),), "Repositories repositories: test/Api is not an ECR repository name (lowercase "
                               "letters, digits and . _ - between them, 2..256 characters)"),
    ((RepositorySpec("a/b"),), "Repositories repositories: test/a/b is not an ECR repository name (lowercase "
                               "letters, digits and . _ - between them, 2..256 characters)"),
    ((RepositorySpec("a" * 252),), f"Repositories repositories: test/{'a' * 252} is not an ECR repository name "
                                   f"(lowercase letters, digits and . _ - between them, 2..256 characters)"),
    ((RepositorySpec("api", keep_releases=0),),
     "Repositories repositories: api needs keep_releases and untagged_days of at least 1 (got 0, 7)"),
    ((RepositorySpec("api", untagged_days=0),),
     "Repositories repositories: api needs keep_releases and untagged_days of at least 1 (got 20, 0)"),
    ((RepositorySpec("api", pull_accounts=("12345678901",)),),
     "Repositories repositories: api pull account '12345678901' is not a 12-digit account id"),
    ((RepositorySpec("api", running_tags=("v*",)),),
     "Repositories repositories: api running tag 'v*' is not an image tag"),
], ids=["none", "twice", "uppercase", "nested", "too-long", "keep-0", "untagged-0", "account", "tag"])
def test_argument_errors(specs: tuple[RepositorySpec, ...], message: str):
    args = RepositoriesArgs(context=context(), repositories=specs)
    exc, registered = record_failure(lambda: Repositories("repositories", args))
    assert isinstance(exc, ValueError), repr(exc)
    assert str(exc) == message
    assert registered == [], [r.urn for r in registered]


def test_the_longest_name_is_accepted():
    name = "a" * 251  # test/ + 251 = 256 characters
    assert one(build(RepositorySpec(name)), REPOSITORY).inputs["name"] == f"test/{name}"


def test_children_are_parented_to_the_component():
    rec = build(RepositorySpec("api", kms=True, pull_accounts=("210987654321",)), enhanced=True)
    component = one(rec, TYPE)
    for r in rec.resources:
        if r is not component:
            assert r.parent == component.urn, r.urn
