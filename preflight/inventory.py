"""What a report carries about each resource so that two runs can be compared (``baseline``): digests, not values.

Per recorded resource: URN, type, name, the component it belongs to, and a digest of each top-level input property
and of each resource option that is set (``protect``, ``ignoreChanges``, ``deleteBeforeReplace``, ``provider``, ...).
A digest is the first 16 hex digits of SHA-256 over the value's canonical JSON: equal values give equal digests, so
a comparison can name the properties that changed without the report holding a single value.

Chosen over carrying the inputs themselves because the report travels (CI artifacts, pull-request comments) and the
inputs are large (a task definition's container definitions, policy documents) and may hold what should not travel
(a credential in a container's environment, which a policy flags but which the report must not repeat). Digests
cost about 100 KB for the largest stack (200 resources).

Two kinds of value never reach a digest:

- a secret (Pulumi's secret marker) is replaced by a fixed marker first: a hash of a short secret can be brute-forced.
  A property holding one is listed in ``secretInputs``; a change of the secret itself is not seen, only of what
  surrounds it;
- a value the preflight invented for a data source (``invented``) is replaced by the unknown value, as the policy
  pack sees it: the invention is the preflight's, not the program's, and must never read as a change.

An unknown value (a preview) digests as what it is, the unknown sentinel: unknown on both sides compares equal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from preflight.invented import Invented

_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SECRET_MARK = "[secret]"
DIGEST_LENGTH = 16
#: Resource options whose change a reviewer should see; ``aliases`` are kept apart (they match renamed resources).
OPTIONS = ("protect", "ignoreChanges", "deleteBeforeReplace", "replaceOnChanges", "retainOnDelete", "deletedWith",
           "customTimeouts", "additionalSecretOutputs", "importId", "version")


def _is_secret(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get(_SIG_KEY) == _SECRET_SIG


def masked(value: Any) -> Any:
    """``value`` with every secret replaced by ``SECRET_MARK``."""
    if _is_secret(value):
        return SECRET_MARK
    if isinstance(value, Mapping):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def holds_secret(value: Any) -> bool:
    if _is_secret(value):
        return True
    if isinstance(value, Mapping):
        return any(holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_secret(v) for v in value)
    return False


def digest(value: Any) -> str:
    """The digest of a value (secrets masked first)."""
    text = json.dumps(masked(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_LENGTH]


def _set(value: Any) -> bool:
    return value not in (None, False, "", [], {})


def resource_entry(res: Mapping[str, Any], made_up: Invented, component: str = "") -> dict[str, Any]:
    """One resource's entry; ``component`` is the name of the component it belongs to ("" at the top level)."""
    urn = res.get("urn", "")
    inputs = made_up.conceal(urn, res.get("inputs") or {}, note=False)
    options = dict(res.get("options") or {})
    entry: dict[str, Any] = {
        "urn": urn, "type": res.get("type", ""), "name": res.get("name") or urn.split("::")[-1],
        "component": component, "custom": bool(res.get("custom")),
        "inputs": {k: digest(v) for k, v in sorted(inputs.items())},
    }
    secret = sorted(k for k, v in inputs.items() if holds_secret(v))
    if secret:
        entry["secretInputs"] = secret
    compared = {k: options.get(k) for k in OPTIONS}
    compared["protect"] = compared["protect"] if "protect" in options else res.get("protect")
    if res.get("provider"):
        compared["provider"] = res["provider"]
    set_options = {k: digest(v) for k, v in sorted(compared.items()) if _set(v)}
    if set_options:
        entry["options"] = set_options
    aliases = [a for a in options.get("aliases") or [] if isinstance(a, str) and a]
    if aliases:
        entry["aliases"] = sorted(aliases)
    return entry


def inventory_of(recording: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every recorded resource's entry, in URN order."""
    made_up = Invented(recording.get("invented") or {})
    resources = list(recording.get("resources") or [])
    by_urn = {r["urn"]: r for r in resources}

    def component(res: Mapping[str, Any]) -> str:
        parent = by_urn.get(res.get("parent") or "")
        while parent is not None and parent.get("custom"):
            parent = by_urn.get(parent.get("parent") or "")
        return parent.get("name", "") if parent is not None else ""

    entries = [resource_entry(r, made_up, component(r)) for r in resources]
    return sorted(entries, key=lambda e: e["urn"])
