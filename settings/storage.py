"""Images and shared files: the stack's ECR repositories (services refer to them by name) and its EFS file systems
with their access points (services mount them through ``volumes``). Every value ECR or EFS would refuse is refused
here, naming the key."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from components.ecr.repositories import REPOSITORY_NAME, REPOSITORY_NAME_LENGTH
from components.storage.file_system import POSIX_IDS, TRANSITIONS, path_problem
from settings.schema import PROJECT, ConfigError, Key, Reader, article, did_you_mean, has_type, one_of

if TYPE_CHECKING:
    from settings.services import ServiceSettings

ENCRYPTIONS = ("AES256", "KMS")
SCANNING = ("basic", "enhanced")
_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
_REPOSITORY = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_ACCOUNT = re.compile(r"\d{12}")
_PERMISSIONS = re.compile(r"[0-7]{3,4}")
#: A container path: absolute, not "/", no "." or ".." segments, no spaces.
_CONTAINER_PATH = re.compile(r"(/[A-Za-z0-9_@+=:,~-][A-Za-z0-9_.@+=:,~-]*)+")


@dataclass(frozen=True)
class RepositorySettings:
    name: str
    keep_releases: int
    untagged_days: int
    pull_accounts: tuple[str, ...]
    kms: bool


@dataclass(frozen=True)
class AccessPointSettings:
    name: str
    path: str
    uid: int
    gid: int
    permissions: str


@dataclass(frozen=True)
class FileSystemSettings:
    name: str
    backups: bool
    transition_to_ia: str
    access_points: tuple[AccessPointSettings, ...]


@dataclass(frozen=True)
class VolumeSettings:
    """One mount of a service: an access point of a file system at a path in the container."""

    file_system: str
    access_point: str
    container_path: str
    read_only: bool


@dataclass(frozen=True)
class StorageSettings:
    repositories: tuple[RepositorySettings, ...] = ()
    registry_scanning: str = "basic"
    file_systems: tuple[FileSystemSettings, ...] = ()


KEYS: tuple[Key, ...] = (
    Key("repositories", "array", [], "The stack's ECR repositories (see README: repositories); services name them in "
        "repository.", items="object"),
    Key("repositoryEncryption", "string", "AES256",
        "Default encryption of new ECR repositories: AES256, or KMS with the stack's customer-managed key.",
        one_of(*ENCRYPTIONS)),
    Key("registryScanning", "string", "basic",
        "ECR image scanning: basic (scan on push per repository) or enhanced (Amazon Inspector, registry-wide).",
        one_of(*SCANNING)),
    Key("fileSystems", "array", [], "Shared EFS file systems and their access points (see README: file systems); "
        "services mount them in volumes.", items="object"),
)

#: Repository spec keys: name → (type, default or REQUIRED, description). The README documents each one.
REQUIRED = object()
REPOSITORY_KEYS: dict[str, tuple[str, Any, str]] = {
    "name": ("string", REQUIRED, "Short name; the repository is <stack>/<name>."),
    "keepReleases": ("integer", 20, "Tagged images kept, newest first, besides those the services run."),
    "untaggedDays": ("integer", 7, "Days after their push untagged images expire."),
    "pullAccounts": ("array", [], "Other AWS account ids whose principals may pull."),
    "encryption": ("string", None, "AES256 or KMS (default: the stack's repositoryEncryption); fixed at creation."),
}
FILE_SYSTEM_KEYS: dict[str, tuple[str, Any, str]] = {
    "name": ("string", REQUIRED, "File system name in the stack."),
    "backups": ("boolean", False, "Automatic daily backups (AWS Backup)."),
    "transitionToIa": ("string", "AFTER_30_DAYS", "When an unread file moves to Infrequent Access."),
    "accessPoints": ("array", REQUIRED, "The access points clients mount through."),
}
ACCESS_POINT_KEYS: dict[str, tuple[str, Any, str]] = {
    "name": ("string", REQUIRED, "Access point name, unique per file system."),
    "path": ("string", REQUIRED, "Root directory the clients see (not /)."),
    "uid": ("integer", 1000, "POSIX user of every request (not 0)."),
    "gid": ("integer", 1000, "POSIX group of every request."),
    "permissions": ("string", "0750", "Octal mode of the root directory when EFS creates it."),
}
VOLUME_KEYS: dict[str, tuple[str, Any, str]] = {
    "fileSystem": ("string", REQUIRED, "A file system of container-platform:fileSystems."),
    "accessPoint": ("string", REQUIRED, "One of its access points."),
    "containerPath": ("string", REQUIRED, "Where the container sees it."),
    "readOnly": ("boolean", False, "Mount read-only (the task role gets no write access)."),
}


def _fields(reader: Reader, where: str, item: Any, keys: Mapping[str, tuple[str, Any, str]]) -> dict[str, Any]:
    """The item's values by key (defaults filled in), each of its declared type; unknown keys are refused."""
    if not isinstance(item, dict):
        raise reader.fail(where, "must be a mapping", item)
    for key in item:
        if key not in keys:
            raise ConfigError(f"{reader.file}: unknown key {where}.{key}{did_you_mean(key, keys)}")
    values: dict[str, Any] = {}
    for key, (type_name, default, _) in keys.items():
        if key not in item:
            if default is REQUIRED:
                raise ConfigError(f"{reader.file}: {where}.{key} is required")
            values[key] = default
            continue
        if not has_type(item[key], type_name):
            raise reader.fail(f"{where}.{key}", f"must be {article(type_name)}", item[key])
        values[key] = item[key]
    return values


def _named(item: Any, where: str, index: int) -> str:
    """``where[<name>]``, or ``where[<index>]`` for an item without a name."""
    named = isinstance(item, dict) and isinstance(item.get("name"), str)
    return f"{where}[{item['name']}]" if named else f"{where}[{index}]"


def _unique(reader: Reader, where: str, names: Sequence[str]) -> None:
    if duplicate := next((n for n in names if names.count(n) > 1), None):
        raise reader.fail(where, f"must have unique names ({duplicate} appears twice)", show_value=False)


# ---- repositories ---------------------------------------------------------------------------------------------


def _repositories(reader: Reader, v: Mapping[str, Any]) -> tuple[RepositorySettings, ...]:
    found = []
    for index, item in enumerate(v["repositories"]):
        where = _named(item, f"{PROJECT}:repositories", index)
        r = _fields(reader, where, item, REPOSITORY_KEYS)
        full = f"{reader.stack}/{r['name']}"
        if not _REPOSITORY.fullmatch(r["name"]) or not REPOSITORY_NAME.fullmatch(full) \
                or len(full) not in REPOSITORY_NAME_LENGTH:
            raise reader.fail(f"{where}.name", f"must be lowercase letters and digits, with single . _ or - between "
                                               f"them, so that {reader.stack}/<name> has at most "
                                               f"{REPOSITORY_NAME_LENGTH.stop - 1} characters", r["name"])
        for key in ("keepReleases", "untaggedDays"):
            if r[key] < 1:
                raise reader.fail(f"{where}.{key}", "must be at least 1 (a lifecycle rule counts from 1)", r[key])
        accounts = r["pullAccounts"]
        if bad := next((a for a in accounts if not isinstance(a, str) or not _ACCOUNT.fullmatch(a)), None):
            raise reader.fail(f"{where}.pullAccounts", f"must list 12-digit AWS account ids ({bad!r} is not one)",
                              accounts)
        if duplicate := next((a for a in accounts if accounts.count(a) > 1), None):
            raise reader.fail(f"{where}.pullAccounts", f"must not repeat an account ({duplicate})", accounts)
        encryption = r["encryption"] if r["encryption"] is not None else v["repositoryEncryption"]
        if encryption not in ENCRYPTIONS:
            raise reader.fail(f"{where}.encryption", f"must be one of {', '.join(ENCRYPTIONS)}", encryption)
        found.append(RepositorySettings(name=r["name"], keep_releases=r["keepReleases"],
                                        untagged_days=r["untaggedDays"], pull_accounts=tuple(accounts),
                                        kms=encryption == "KMS"))
    _unique(reader, f"{PROJECT}:repositories", [r.name for r in found])
    return tuple(found)


# ---- file systems -----------------------------------------------------------------------------------------------


def _file_systems(reader: Reader, v: Mapping[str, Any]) -> tuple[FileSystemSettings, ...]:
    found = []
    for index, item in enumerate(v["fileSystems"]):
        where = _named(item, f"{PROJECT}:fileSystems", index)
        f = _fields(reader, where, item, FILE_SYSTEM_KEYS)
        if not _NAME.fullmatch(f["name"]):
            raise reader.fail(f"{where}.name", "must be lowercase letters, digits and hyphens, starting with a "
                                               "letter, up to 32 characters", f["name"])
        if f["transitionToIa"] not in TRANSITIONS:
            raise reader.fail(f"{where}.transitionToIa", f"must be one of {', '.join(TRANSITIONS)}",
                              f["transitionToIa"])
        if not f["accessPoints"]:
            raise reader.fail(f"{where}.accessPoints", "must list at least one access point (clients mount only "
                                                       "through them)", f["accessPoints"])
        points = tuple(_access_point(reader, f"{where}.accessPoints", i, ap) for i, ap in enumerate(f["accessPoints"]))
        _unique(reader, f"{where}.accessPoints", [p.name for p in points])
        found.append(FileSystemSettings(name=f["name"], backups=f["backups"], transition_to_ia=f["transitionToIa"],
                                        access_points=points))
    _unique(reader, f"{PROJECT}:fileSystems", [f.name for f in found])
    return tuple(found)


def _access_point(reader: Reader, where: str, index: int, item: Any) -> AccessPointSettings:
    where = _named(item, where, index)
    a = _fields(reader, where, item, ACCESS_POINT_KEYS)
    if not _NAME.fullmatch(a["name"]):
        raise reader.fail(f"{where}.name", "must be lowercase letters, digits and hyphens, starting with a letter, "
                                           "up to 32 characters", a["name"])
    if problem := path_problem(a["path"]):
        raise reader.fail(f"{where}.path", problem, a["path"])
    if a["uid"] not in POSIX_IDS or a["uid"] == 0:
        raise reader.fail(f"{where}.uid", f"must be a POSIX user id 1..{POSIX_IDS.stop - 1} (0 would give every "
                                          f"client root on the directory)", a["uid"])
    if a["gid"] not in POSIX_IDS:
        raise reader.fail(f"{where}.gid", f"must be a POSIX group id 0..{POSIX_IDS.stop - 1}", a["gid"])
    if not _PERMISSIONS.fullmatch(a["permissions"]):
        raise reader.fail(f"{where}.permissions", "must be an octal mode of 3 or 4 digits, e.g. 0750",
                          a["permissions"])
    return AccessPointSettings(name=a["name"], path=a["path"], uid=a["uid"], gid=a["gid"],
                               permissions=a["permissions"])


# ---- a service's volumes ----------------------------------------------------------------------------------------


def parse_volumes(reader: Reader, where: str, items: Sequence[Any]) -> tuple[VolumeSettings, ...]:
    """A service's ``volumes`` (``where`` is ``container-platform:services[<name>]``); references to file systems
    and access points are checked by ``read`` once every key is read."""
    volumes = []
    for index, item in enumerate(items):
        here = f"{where}.volumes[{index}]"
        m = _fields(reader, here, item, VOLUME_KEYS)
        path = m["containerPath"]
        if not _CONTAINER_PATH.fullmatch(path) or len(path) > 255 or any(s in (".", "..") for s in path.split("/")):
            raise reader.fail(f"{here}.containerPath", "must be an absolute path other than / (letters, digits and "
                                                       "_ . @ + = : , ~ -; no . or .. parts), up to 255 characters",
                              path)
        volumes.append(VolumeSettings(file_system=m["fileSystem"], access_point=m["accessPoint"],
                                      container_path=path, read_only=m["readOnly"]))
    paths = [v.container_path for v in volumes]
    if duplicate := next((p for p in paths if paths.count(p) > 1), None):
        raise reader.fail(f"{where}.volumes", f"must mount one volume per path ({duplicate} appears twice)",
                          show_value=False)
    pairs = [(v.file_system, v.access_point) for v in volumes]
    if duplicate := next((p for p in pairs if pairs.count(p) > 1), None):
        raise reader.fail(f"{where}.volumes", f"must mount an access point once ({'/'.join(duplicate)} appears "
                                              f"twice)", show_value=False)
    return tuple(volumes)


# ---- the area -----------------------------------------------------------------------------------------------------


def read(reader: Reader, v: Mapping[str, Any], services: Sequence[ServiceSettings]) -> StorageSettings:
    storage = StorageSettings(repositories=_repositories(reader, v), registry_scanning=v["registryScanning"],
                              file_systems=_file_systems(reader, v))
    _check_references(reader, storage, services)
    return storage


def _check_references(reader: Reader, storage: StorageSettings, services: Sequence[ServiceSettings]) -> None:
    """Each service's repository and volumes name what the stack declares."""
    repositories = [r.name for r in storage.repositories]
    file_systems = {f.name: f for f in storage.file_systems}
    for service in services:
        where = f"{PROJECT}:services[{service.name}]"
        if service.repository is not None and service.repository not in repositories:
            known = ", ".join(repositories) or "none are declared"
            raise ConfigError(f"{reader.file}: {where}.repository must name one of {PROJECT}:repositories ({known}) "
                              f"(got {service.repository!r}){did_you_mean(service.repository, repositories)}")
        for index, volume in enumerate(service.volumes):
            here = f"{where}.volumes[{index}]"
            declared = file_systems.get(volume.file_system)
            if declared is None:
                known = ", ".join(file_systems) or "none are declared"
                raise ConfigError(f"{reader.file}: {here}.fileSystem must name one of {PROJECT}:fileSystems "
                                  f"({known}) (got {volume.file_system!r})")
            if volume.access_point not in [a.name for a in declared.access_points]:
                owner = next((f.name for f in storage.file_systems
                              if volume.access_point in [a.name for a in f.access_points]), None)
                why = (f"it is an access point of file system {owner}, and ECS mounts an access point only with "
                       f"its own file system" if owner else
                       f"its access points are {', '.join(a.name for a in declared.access_points)}")
                raise ConfigError(f"{reader.file}: {here}.accessPoint must be an access point of file system "
                                  f"{volume.file_system}: {why} (got {volume.access_point!r})")
