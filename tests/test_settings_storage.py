"""Repositories, file systems and the services' references to them: the stacks load, and every value ECR or EFS
would refuse is refused at its documented edge (accepted) and just past it (refused), naming the key."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import settings
from settings.storage import AccessPointSettings, FileSystemSettings, RepositorySettings, VolumeSettings
from tests.test_settings import P, S, _set, raw

R = f"{P}repositories"
F = f"{P}fileSystems"


def edited(stack: str, key: str, edit: Callable[[list[Any]], object] | None = None,
           services: Callable[[list[Any]], object] | None = None,
           changes: dict[str, str] | None = None) -> dict[str, str]:
    """The stack's config with the list under ``key`` edited in place."""
    values = raw(stack, changes, services)
    if edit is not None:
        items = json.loads(values.get(key, "[]"))
        edit(items)
        values[key] = json.dumps(items)
    return values


def load(stack: str = "dev", key: str = R, edit: Callable[[list[Any]], object] | None = None,
         services: Callable[[list[Any]], object] | None = None, changes: dict[str, str] | None = None):
    return settings.load(stack, edited(stack, key, edit, services, changes))


def error(stack: str = "dev", key: str = R, edit: Callable[[list[Any]], object] | None = None,
          services: Callable[[list[Any]], object] | None = None, changes: dict[str, str] | None = None) -> str:
    with pytest.raises(settings.ConfigError) as info:
        load(stack, key, edit, services, changes)
    return str(info.value)


def first(**changes: Any) -> Callable[[list[Any]], None]:
    return lambda items: items[0].update(changes)


def point(**changes: Any) -> Callable[[list[Any]], None]:
    return lambda items: items[0]["accessPoints"][0].update(changes)


def volume(service: str, **changes: Any) -> Callable[[list[Any]], None]:
    return lambda items: next(s for s in items if s["name"] == service)["volumes"][0].update(changes)


# ---- the stacks -------------------------------------------------------------------------------------------------


ASSETS = AccessPointSettings(name="assets", path="/assets", uid=1000, gid=1000, permissions="0750")


@pytest.mark.parametrize(("stack", "backups", "scanning"), [("dev", False, "basic"), ("staging", False, "basic"),
                                                            ("prod", True, "enhanced")])
def test_stacks_declare_the_api_repository_and_one_shared_file_system(stack: str, backups: bool, scanning: str):
    s = settings.load(stack, raw(stack))
    assert s.storage.repositories == (RepositorySettings(name="api", keep_releases=20, untagged_days=7,
                                                         pull_accounts=(), kms=False),)
    assert s.storage.registry_scanning == scanning
    assert s.storage.file_systems == (FileSystemSettings(name="shared", backups=backups,
                                                         transition_to_ia="AFTER_30_DAYS", access_points=(ASSETS,)),)
    web, api = s.services
    assert (web.launch_type, web.volumes) == ("ec2", (VolumeSettings("shared", "assets", "/usr/share/nginx/html/assets",
                                                                     True),))
    assert (api.launch_type, api.repository, api.volumes) == ("fargate", "api", (VolumeSettings(
        "shared", "assets", "/data/assets", False),))


def test_prod_encrypts_new_repositories_with_kms_and_keeps_the_existing_one():
    s = load("prod", edit=lambda items: items.append({"name": "worker"}))
    assert [(r.name, r.kms) for r in s.storage.repositories] == [("api", False), ("worker", True)]


def test_a_repository_may_override_the_stack_encryption():
    s = load("dev", edit=lambda items: items.append({"name": "worker", "encryption": "KMS"}))
    assert [(r.name, r.kms) for r in s.storage.repositories] == [("api", False), ("worker", True)]


def test_a_stack_without_repositories_or_file_systems_runs_external_images_only():
    def external(services: list[Any]) -> None:
        for svc in services:
            svc.pop("volumes", None)
        api = next(s for s in services if s["name"] == "api")
        api.pop("repository")
        api.pop("imageTag")
        api["image"] = "public.ecr.aws/example/api:1.0.0"

    s = settings.load("dev", raw("dev", {R: "[]", F: "[]"}, external))
    assert s.storage == settings.StorageSettings(registry_scanning="basic")


# ---- repositories -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "expected"), [
    (first(nme="x"), f"unknown key {R}[api].nme; did you mean name?"),
    (lambda items: items[0].pop("name"), f"{R}[0].name is required"),
    (lambda items: items.append("api"), f'{R}[1] must be a mapping (got "api")'),
    (first(keepReleases="20"), f'{R}[api].keepReleases must be an integer (got "20")'),
    (first(keepReleases=0), f"{R}[api].keepReleases must be at least 1 (a lifecycle rule counts from 1) (got 0)"),
    (first(untaggedDays=0), f"{R}[api].untaggedDays must be at least 1 (a lifecycle rule counts from 1) (got 0)"),
    (first(pullAccounts=["12345678901"]),
     f"{R}[api].pullAccounts must list 12-digit AWS account ids ('12345678901' is not one) (got [\"12345678901\"])"),
    (first(pullAccounts=[210987654321]),
     f"{R}[api].pullAccounts must list 12-digit AWS account ids (210987654321 is not one) (got [210987654321])"),
    (first(pullAccounts=["210987654321", "210987654321"]),
     f'{R}[api].pullAccounts must not repeat an account (210987654321) (got ["210987654321", "210987654321"])'),
    (first(encryption="aes256"), f'{R}[api].encryption must be one of AES256, KMS (got "aes256")'),
    (first(name="Api"), f"{R}[Api].name must be lowercase letters and digits, with single . _ or - between them, so "
                        f'that dev/<name> has at most 256 characters (got "Api")'),
    (first(name="a--b"), f"{R}[a--b].name must be lowercase letters and digits, with single . _ or - between them, "
                         f'so that dev/<name> has at most 256 characters (got "a--b")'),
    (first(name="team/api"), f"{R}[team/api].name must be lowercase letters and digits, with single . _ or - between "
                             f'them, so that dev/<name> has at most 256 characters (got "team/api")'),
    (lambda items: items.append({"name": "api"}), f"{R} must have unique names (api appears twice)"),
], ids=["unknown-key", "no-name", "not-a-mapping", "type", "keep-0", "untagged-0", "account-digits",
        "account-number", "account-twice", "encryption", "uppercase", "double-separator", "nested", "twice"])
def test_repository_errors(edit: Callable[[list[Any]], None], expected: str):
    assert error("dev", R, edit) == f"Pulumi.dev.yaml: {expected}"


def test_repository_name_length_edges():
    longest = "a" * (256 - len("dev/"))
    s = load("dev", edit=first(name=longest), services=_set("api", repository=longest))
    assert s.storage.repositories[0].name == longest
    assert error("dev", R, first(name=longest + "a"), services=_set("api", repository=longest + "a")).startswith(
        f"Pulumi.dev.yaml: {R}[{longest}a].name must be lowercase letters")


@pytest.mark.parametrize("key", ["keepReleases", "untaggedDays"])
def test_counts_of_one_are_accepted(key: str):
    s = load("dev", edit=first(**{key: 1}))
    assert (s.storage.repositories[0].keep_releases, s.storage.repositories[0].untagged_days) == \
        ((1, 7) if key == "keepReleases" else (20, 1))


def test_stack_level_encryption_and_scanning_values_are_checked():
    assert error("dev", changes={f"{P}repositoryEncryption": "kms"}) == \
        f'Pulumi.dev.yaml: {P}repositoryEncryption must be one of AES256, KMS (got "kms")'
    assert error("dev", changes={f"{P}registryScanning": "ENHANCED"}) == \
        f'Pulumi.dev.yaml: {P}registryScanning must be one of basic, enhanced (got "ENHANCED")'


def test_a_service_names_a_declared_repository():
    assert error("dev", services=_set("api", repository="apj")) == (
        f"Pulumi.dev.yaml: {S}[api].repository must name one of {R} (api) (got 'apj'); did you mean api?")
    assert error("dev", R, lambda items: items.clear()) == (
        f"Pulumi.dev.yaml: {S}[api].repository must name one of {R} (none are declared) (got 'api')")


# ---- file systems -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "expected"), [
    (first(backup=True), f"unknown key {F}[shared].backup; did you mean backups?"),
    (lambda items: items[0].pop("accessPoints"), f"{F}[shared].accessPoints is required"),
    (first(accessPoints=[]),
     f"{F}[shared].accessPoints must list at least one access point (clients mount only through them) (got [])"),
    (first(name="Shared"), f'{F}[Shared].name must be lowercase letters, digits and hyphens, starting with a letter, '
                           f'up to 32 characters (got "Shared")'),
    (first(transitionToIa="AFTER_2_DAYS"),
     f"{F}[shared].transitionToIa must be one of AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, "
     f'AFTER_60_DAYS, AFTER_90_DAYS, AFTER_180_DAYS, AFTER_270_DAYS, AFTER_365_DAYS (got "AFTER_2_DAYS")'),
    (first(backups="yes"), f'{F}[shared].backups must be a boolean (got "yes")'),
    (lambda items: items.append({"name": "shared", "accessPoints": [{"name": "x", "path": "/x"}]}),
     f"{F} must have unique names (shared appears twice)"),
    (lambda items: items[0]["accessPoints"].append({"name": "assets", "path": "/other"}),
     f"{F}[shared].accessPoints must have unique names (assets appears twice)"),
    (point(gidd=1), f"unknown key {F}[shared].accessPoints[assets].gidd; did you mean gid?"),
    (lambda items: items[0]["accessPoints"][0].pop("path"), f"{F}[shared].accessPoints[assets].path is required"),
    (point(path="/"), f"{F}[shared].accessPoints[assets].path must be an absolute path other than / with one to four "
                      f"directories (none starting with . and without $ # < > ; ` | & ? {{ }} ^ *), up to 100 "
                      f'characters (got "/")'),
    (point(path="/a/b/c/d/e"), f"{F}[shared].accessPoints[assets].path must be an absolute path other than / with one "
                               f"to four directories (none starting with . and without $ # < > ; ` | & ? {{ }} ^ *), "
                               f'up to 100 characters (got "/a/b/c/d/e")'),
    (point(path="/" + "x" * 100), f"{F}[shared].accessPoints[assets].path must be an absolute path other than / with "
                                  f"one to four directories (none starting with . and without $ # < > ; ` | & ? {{ }} "
                                  f'^ *), up to 100 characters (got "/{"x" * 100}")'),
    (point(path="/.hidden"), f"{F}[shared].accessPoints[assets].path must be an absolute path other than / with one "
                             f"to four directories (none starting with . and without $ # < > ; ` | & ? {{ }} ^ *), up "
                             f'to 100 characters (got "/.hidden")'),
    (point(path="assets"), f"{F}[shared].accessPoints[assets].path must be an absolute path other than / with one to "
                           f"four directories (none starting with . and without $ # < > ; ` | & ? {{ }} ^ *), up to "
                           f'100 characters (got "assets")'),
    (point(uid=0), f"{F}[shared].accessPoints[assets].uid must be a POSIX user id 1..4294967295 (0 would give every "
                   f"client root on the directory) (got 0)"),
    (point(uid=2**32), f"{F}[shared].accessPoints[assets].uid must be a POSIX user id 1..4294967295 (0 would give "
                       f"every client root on the directory) (got 4294967296)"),
    (point(gid=-1), f"{F}[shared].accessPoints[assets].gid must be a POSIX group id 0..4294967295 (got -1)"),
    (point(permissions="0788"),
     f'{F}[shared].accessPoints[assets].permissions must be an octal mode of 3 or 4 digits, e.g. 0750 (got "0788")'),
    (point(permissions="07555"),
     f'{F}[shared].accessPoints[assets].permissions must be an octal mode of 3 or 4 digits, e.g. 0750 (got "07555")'),
    (point(permissions=750), f"{F}[shared].accessPoints[assets].permissions must be a string (got 750)"),
], ids=["unknown-key", "no-access-points", "empty-access-points", "name", "transition", "backups-type", "twice",
        "point-twice", "point-unknown-key", "no-path", "root", "five-levels", "101-characters", "dot", "relative",
        "uid-0", "uid-2^32", "gid-negative", "mode-8", "mode-5-digits", "mode-number"])
def test_file_system_errors(edit: Callable[[list[Any]], None], expected: str):
    assert error("dev", F, edit) == f"Pulumi.dev.yaml: {expected}"


@pytest.mark.parametrize(("changes", "expected"), [
    ({"path": "/a/b/c/d"}, ("/a/b/c/d", 1000, 1000, "0750")),
    ({"path": "/" + "x" * 99}, ("/" + "x" * 99, 1000, 1000, "0750")),
    ({"uid": 1, "gid": 0}, ("/assets", 1, 0, "0750")),
    ({"uid": 2**32 - 1, "gid": 2**32 - 1, "permissions": "755"}, ("/assets", 2**32 - 1, 2**32 - 1, "755")),
], ids=["four-levels", "100-characters", "lowest-ids", "highest-ids"])
def test_access_points_at_their_edges_are_accepted(changes: dict[str, Any], expected: tuple):
    [access_point] = load("dev", F, point(**changes)).storage.file_systems[0].access_points
    assert (access_point.path, access_point.uid, access_point.gid, access_point.permissions) == expected


# ---- volumes ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "expected"), [
    (volume("web", fileSystem="shard"), f"{S}[web].volumes[0].fileSystem must name one of {F} (shared) (got 'shard')"),
    (volume("web", accessPoint="uploads"), f"{S}[web].volumes[0].accessPoint must be an access point of file system "
                                           f"shared: its access points are assets (got 'uploads')"),
    (volume("web", containerPath="/"), f"{S}[web].volumes[0].containerPath must be an absolute path other than / "
                                       f"(letters, digits and _ . @ + = : , ~ -; no . or .. parts), up to 255 "
                                       f'characters (got "/")'),
    (volume("web", containerPath="html/assets"), f"{S}[web].volumes[0].containerPath must be an absolute path other "
                                                 f"than / (letters, digits and _ . @ + = : , ~ -; no . or .. parts), "
                                                 f'up to 255 characters (got "html/assets")'),
    (volume("web", containerPath="/srv/../etc"), f"{S}[web].volumes[0].containerPath must be an absolute path other "
                                                 f"than / (letters, digits and _ . @ + = : , ~ -; no . or .. parts), "
                                                 f'up to 255 characters (got "/srv/../etc")'),
    (volume("web", containerPath="/" + "x" * 255), f"{S}[web].volumes[0].containerPath must be an absolute path other "
                                                   f"than / (letters, digits and _ . @ + = : , ~ -; no . or .. parts), "
                                                   f'up to 255 characters (got "/{"x" * 255}")'),
    (volume("web", readOnly="true"), f'{S}[web].volumes[0].readOnly must be a boolean (got "true")'),
    (volume("web", containerPth="/x"), f"unknown key {S}[web].volumes[0].containerPth; did you mean containerPath?"),
    (lambda services: services[0]["volumes"][0].pop("containerPath"), f"{S}[web].volumes[0].containerPath is required"),
    (lambda services: services[0]["volumes"].append(dict(services[0]["volumes"][0], containerPath="/srv/other")),
     f"{S}[web].volumes must mount an access point once (shared/assets appears twice)"),
], ids=["unknown-file-system", "unknown-access-point", "root", "relative", "dot-dot", "256-characters",
        "read-only-type", "unknown-key", "no-path", "twice"])
def test_volume_errors(edit: Callable[[list[Any]], None], expected: str):
    assert error("dev", services=edit) == f"Pulumi.dev.yaml: {expected}"


def test_two_volumes_at_one_path_are_refused():
    def edit(items: list[Any]) -> None:
        items[0]["accessPoints"].append({"name": "logs", "path": "/logs"})

    def services(items: list[Any]) -> None:
        web = items[0]
        web["volumes"].append(dict(web["volumes"][0], accessPoint="logs"))

    assert error("dev", F, edit, services) == (
        f"Pulumi.dev.yaml: {S}[web].volumes must mount one volume per path (/usr/share/nginx/html/assets appears "
        f"twice)")


def test_an_access_point_of_another_file_system_is_refused_by_name():
    """ECS mounts an access point only together with its own file system."""
    def edit(items: list[Any]) -> None:
        items.append({"name": "media", "accessPoints": [{"name": "images", "path": "/images"}]})

    assert error("dev", F, edit, volume("web", accessPoint="images")) == (
        f"Pulumi.dev.yaml: {S}[web].volumes[0].accessPoint must be an access point of file system shared: it is an "
        f"access point of file system media, and ECS mounts an access point only with its own file system "
        f"(got 'images')")


def test_a_container_path_of_255_characters_is_accepted():
    path = "/" + "x" * 254
    s = load("dev", services=volume("web", containerPath=path))
    assert s.services[0].volumes[0].container_path == path
