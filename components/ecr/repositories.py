"""The stack's private ECR repositories: immutable tags, scan on push (and, where asked, the registry's enhanced
scanning), a lifecycle policy that never expires an image a service runs, AES256 or the stack's KMS key, and a
repository policy only for cross-account pulls."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.shared.context import PlatformContext

TYPE = "platform:ecr:Repositories"
#: What another account's principals may do: pull, nothing else.
PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
#: ECR's repository name pattern (CreateRepository) and length limits.
REPOSITORY_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
REPOSITORY_NAME_LENGTH = range(2, 256 + 1)
_ACCOUNT = re.compile(r"\d{12}")
#: Image tags (the Docker reference grammar): no "*", so a tag is also a lifecycle pattern that matches only itself.
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


@dataclass(frozen=True)
class RepositorySpec:
    """One repository, named ``<stack>/<name>``."""

    name: str
    """Short name (one path segment); the repository is ``<stack>/<name>``."""
    keep_releases: int = 20
    """Tagged images kept, newest first, besides those a service runs."""
    untagged_days: int = 7
    """Days after its push an untagged image (a superseded manifest, a failed push) expires."""
    kms: bool = False
    """Encrypt with the stack's customer-managed KMS key instead of AES256. ECR fixes the encryption when it creates
    the repository: changing it replaces the repository and loses its images."""
    pull_accounts: tuple[str, ...] = ()
    """Other AWS accounts (12-digit ids) whose IAM principals may pull; a repository policy exists only for them."""
    running_tags: tuple[str, ...] = ()
    """Tags the stack's services run: the lifecycle policy never expires them."""
    previous_owner: str | None = None
    """Type token of the service component that built this repository as its child before repositories had a
    component of their own (e.g. ``platform:ecs:FargateService``, the service being named like the repository): the
    repository and its lifecycle policy keep their identity through an alias to that old parent."""


@dataclass(frozen=True)
class RepositoriesArgs:
    context: PlatformContext
    """Environment facts (stack, account, protect)."""
    repositories: tuple[RepositorySpec, ...]
    """The repositories, at least one."""
    enhanced_scanning: bool = False
    """Turn on Amazon Inspector enhanced scanning for the account's registry in this region: continuous scans of
    this stack's repositories, scan on push for every other repository of the registry. A registry-wide setting: one
    stack per account and region should own it."""


def lifecycle_policy(keep_releases: int, untagged_days: int, running_tags: Sequence[str] = ()) -> dict[str, Any]:
    """The lifecycle policy document, rules in priority order.

    - One rule per tag a service runs, first: ``tagPatternList`` with the tag itself (a pattern without "*" matches
      only that tag, and an immutable repository holds one image per tag) and ``imageCountMoreThan`` 1, which never
      expires the one image it selects. ECR never lets a lower-priority rule expire an image that a higher-priority
      rule's tag selection matched, so the image a service runs outlives the count rule below however many
      releases were pushed after it.
    - Untagged images expire ``untagged_days`` after their push (the only rule that selects untagged images).
    - Tagged images beyond the newest ``keep_releases`` expire (pattern "*": every tag is a release; moving tags
      such as latest cannot exist in an immutable repository the platform deploys from).
    """
    rules: list[dict[str, Any]] = []
    for tag in sorted(set(running_tags)):
        rules.append({
            "rulePriority": len(rules) + 1, "description": f"keep {tag}: a service runs it",
            "selection": {"tagStatus": "tagged", "tagPatternList": [tag], "countType": "imageCountMoreThan",
                          "countNumber": 1},
            "action": {"type": "expire"}})
    rules.append({
        "rulePriority": len(rules) + 1, "description": f"expire untagged images after {untagged_days} days",
        "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                      "countNumber": untagged_days},
        "action": {"type": "expire"}})
    rules.append({
        "rulePriority": len(rules) + 1, "description": f"keep the newest {keep_releases} releases",
        "selection": {"tagStatus": "tagged", "tagPatternList": ["*"], "countType": "imageCountMoreThan",
                      "countNumber": keep_releases},
        "action": {"type": "expire"}})
    return {"rules": rules}


def pull_policy(partition: str, accounts: Sequence[str]) -> dict[str, Any]:
    """A repository policy letting the principals of ``accounts`` (account ARNs, never "*") pull images."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "CrossAccountPull", "Effect": "Allow",
        "Principal": {"AWS": [f"arn:{partition}:iam::{account}:root" for account in sorted(accounts)]},
        "Action": sorted(PULL_ACTIONS)}]}


class Repositories(pulumi.ComponentResource):
    urls: dict[str, pulumi.Output[str]]
    """Repository URL by short name."""
    arns: dict[str, pulumi.Output[str]]
    """Repository ARN by short name."""
    repository_urls: pulumi.Output[dict[str, str]]
    repository_arns: pulumi.Output[dict[str, str]]

    def __init__(self, name: str, args: RepositoriesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        _validate(name, args)
        super().__init__(TYPE, name, None, opts)
        ctx = args.context
        key = None
        if any(spec.kms for spec in args.repositories):
            key = aws.kms.Key(f"{name}-key", description=f"ECR repositories of stack {ctx.stack}",
                              enable_key_rotation=True, deletion_window_in_days=30,
                              opts=pulumi.ResourceOptions(parent=self, protect=ctx.protect))
        if args.enhanced_scanning:
            aws.ecr.RegistryScanningConfiguration(
                f"{name}-scanning", scan_type="ENHANCED",
                rules=[
                    aws.ecr.RegistryScanningConfigurationRuleArgs(
                        scan_frequency="CONTINUOUS_SCAN",
                        repository_filters=[aws.ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs(
                            filter=f"{ctx.stack}/*", filter_type="WILDCARD")]),
                    aws.ecr.RegistryScanningConfigurationRuleArgs(
                        scan_frequency="SCAN_ON_PUSH",
                        repository_filters=[aws.ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs(
                            filter="*", filter_type="WILDCARD")]),
                ],
                opts=pulumi.ResourceOptions(parent=self))

        self.urls, self.arns = {}, {}
        for spec in args.repositories:
            aliases = _previous_identity(spec)
            encryption = (aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=key.arn)
                          if spec.kms and key is not None
                          else aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256"))
            # An explicit name: a replacement must delete the old repository first. Destroy empties it only where
            # resources are not protected (dev, staging).
            repository = aws.ecr.Repository(
                spec.name, name=f"{ctx.stack}/{spec.name}", image_tag_mutability="IMMUTABLE",
                force_delete=not ctx.protect,
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
                encryption_configurations=[encryption],
                opts=pulumi.ResourceOptions(parent=self, protect=ctx.protect, delete_before_replace=True,
                                            aliases=aliases))
            # One lifecycle policy per repository: a second resource for the same repository would delete the
            # policy when the first goes, so the old one is updated in place (same alias).
            aws.ecr.LifecyclePolicy(
                spec.name, repository=repository.name,
                policy=json.dumps(lifecycle_policy(spec.keep_releases, spec.untagged_days, spec.running_tags)),
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True, aliases=aliases))
            if spec.pull_accounts:
                aws.ecr.RepositoryPolicy(
                    f"{spec.name}-pull", repository=repository.name,
                    policy=json.dumps(pull_policy(ctx.partition, spec.pull_accounts)),
                    opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True))
            self.urls[spec.name] = repository.repository_url
            self.arns[spec.name] = repository.arn

        self.repository_urls = pulumi.Output.all(**self.urls) if self.urls else pulumi.Output.from_input({})
        self.repository_arns = pulumi.Output.all(**self.arns) if self.arns else pulumi.Output.from_input({})
        self.register_outputs({"repositoryUrls": self.repository_urls, "repositoryArns": self.repository_arns})


def _previous_identity(spec: RepositorySpec) -> list[pulumi.Alias]:
    """The alias to the URN the repository (or its lifecycle policy) had as a child of its service component."""
    if spec.previous_owner is None:
        return []
    old_parent = f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{spec.previous_owner}::{spec.name}"
    return [pulumi.Alias(parent=old_parent)]


def _validate(name: str, args: RepositoriesArgs) -> None:
    names = [spec.name for spec in args.repositories]
    if not names:
        raise ValueError(f"Repositories {name}: needs at least one repository")
    if duplicate := next((n for n in names if names.count(n) > 1), None):
        raise ValueError(f"Repositories {name}: repository {duplicate} is declared twice")
    for spec in args.repositories:
        full = f"{args.context.stack}/{spec.name}"
        if "/" in spec.name or not REPOSITORY_NAME.fullmatch(full) or len(full) not in REPOSITORY_NAME_LENGTH:
            raise ValueError(f"Repositories {name}: {full} is not an ECR repository name (lowercase letters, digits "
                             f"and . _ - between them, 2..256 characters)")
        if spec.keep_releases < 1 or spec.untagged_days < 1:
            raise ValueError(f"Repositories {name}: {spec.name} needs keep_releases and untagged_days of at least 1 "
                             f"(got {spec.keep_releases}, {spec.untagged_days})")
        if bad := next((a for a in spec.pull_accounts if not _ACCOUNT.fullmatch(a)), None):
            raise ValueError(f"Repositories {name}: {spec.name} pull account {bad!r} is not a 12-digit account id")
        if bad := next((t for t in spec.running_tags if not _TAG.fullmatch(t)), None):
            raise ValueError(f"Repositories {name}: {spec.name} running tag {bad!r} is not an image tag")
