"""The storage area: the stack's ECR repositories and its EFS file systems, built before the services that pull
from and mount them."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.ecr.repositories import Repositories, RepositoriesArgs, RepositorySpec
from components.ecs import ec2_service, fargate_service
from components.network.vpc import Vpc
from components.shared.context import PlatformContext
from components.storage.file_system import AccessPointSpec, FileSystem, FileSystemArgs
from settings import Settings


@dataclass(frozen=True)
class StorageArea:
    repositories: Repositories | None
    """None when the stack declares no repository."""
    file_systems: dict[str, FileSystem]


def running_tags(config: Settings, repository: str) -> tuple[str, ...]:
    """The tags the stack's services run from ``repository``."""
    return tuple(sorted({s.image_tag for s in config.services if s.repository == repository and s.image_tag}))


def previous_owner(config: Settings, repository: str) -> str | None:
    """The component type of the service that built ``repository`` as its own child before repositories were
    declared: a service named like the repository that runs from it."""
    service = next((s for s in config.services if s.name == repository and s.repository == repository), None)
    if service is None:
        return None
    return ec2_service.TYPE if service.launch_type == "ec2" else fargate_service.TYPE


def build(config: Settings, context: PlatformContext, network: Vpc, opts: pulumi.ResourceOptions) -> StorageArea:
    repositories = None
    if config.storage.repositories:
        repositories = Repositories(
            "repositories",
            RepositoriesArgs(
                context=context,
                repositories=tuple(
                    RepositorySpec(name=r.name, keep_releases=r.keep_releases, untagged_days=r.untagged_days,
                                   kms=r.kms, pull_accounts=r.pull_accounts,
                                   running_tags=running_tags(config, r.name),
                                   previous_owner=previous_owner(config, r.name))
                    for r in config.storage.repositories),
                enhanced_scanning=config.storage.registry_scanning == "enhanced",
            ),
            opts=opts,
        )
    file_systems = {
        fs.name: FileSystem(
            fs.name,
            FileSystemArgs(
                context=context,
                vpc_id=network.vpc_id,
                subnet_ids=network.private_subnet_ids_by_zone,
                access_points=tuple(AccessPointSpec(name=a.name, path=a.path, uid=a.uid, gid=a.gid,
                                                    permissions=a.permissions) for a in fs.access_points),
                backups=fs.backups,
                transition_to_ia=fs.transition_to_ia,
            ),
            opts=opts,
        )
        for fs in config.storage.file_systems
    }
    return StorageArea(repositories=repositories, file_systems=file_systems)
