"""Values the preflight made up, kept from the policy pack as unknowns.

Offline, a data source has no real answer. The preflight gives the program a believable one (``datasources``) so
that it runs as it would against AWS: ids with AWS's prefixes, three subnets in three zones, a role's trust policy.
Some of those values are facts the preflight can know: the region and partition, the account it pretends to be,
the zones of the region, the ELB log-delivery account of the region, a default VPC's ``172.31.0.0/16``, anything
computed from the arguments (``get_policy_document``, an ARN built from a name the program gave). The others are
invented: the default VPC's id and subnet ids, how many subnets a filter matches, an AMI id, a parameter's or a
secret's value, a looked-up role's trust policy, a looked-up stack output that was secret. The recorder lists them
in the recording (``invented``: value → data source and field).

A policy that judged an invented value would judge the preflight, not the program: an ALB in "the default VPC's
subnets" is in as many subnets as the preflight chose to invent. So before the pack is asked, ``conceal_recording``
replaces every input (and output) value that is or contains an invented string by Pulumi's unknown value; a list
with an invented element becomes unknown as a whole, since its length was invented too. The recording itself keeps
what the program registered. The policy pack then does what it does with any unknown in a
preview: a policy that reads the value reports "can't run policy ... during preview" and the preflight lists it as
*not evaluated*, never as a pass or a violation. ``explain`` rewrites those entries to name the data source, so the
report says why. The program itself still sees the believable values (its applies run, its outputs are computed):
only what the pack is shown changes.

Chosen over only listing which policies saw invented values because a policy that judged one has already produced
a verdict (pass or violation) that the report would have to take back; an unknown is the engine's own way of
saying "cannot be judged yet", and every policy already handles it. The cost: a value the program derives from an
invented one by computation (``ipaddress`` arithmetic on an invented CIDR) is not recognised; inclusion is
(``f"{subnet_id}"``, a JSON document holding an invented ARN). Short invented values and addresses (CIDR blocks) are
matched only when equal, long ones with letters (ids, ARNs, documents, tokens) also inside other strings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_MIN_EXACT = 6  # shorter values ("1", "ebs") are shapes, not facts
_MIN_INSIDE = 12  # from this length, with a letter, a value is distinctive enough to be found inside other strings
_UNKNOWN_AT = re.compile(r"^(?P<kind>\w+) value at \.(?P<path>\S+) can't be known during preview$")


def _distinctive(value: str) -> bool:
    return len(value) >= _MIN_INSIDE and any(c.isalpha() for c in value)


class Invented:
    """Invented strings, each with where it came from (``<token> <field path>``)."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self.values: dict[str, str] = {}
        self.concealed: dict[str, dict[str, str]] = {}  # urn → property path → source
        self._pattern: re.Pattern[str] | None = None
        for value, source in (values or {}).items():
            self.add(value, source)

    def add(self, value: str, source: str) -> None:
        if isinstance(value, str) and len(value) >= _MIN_EXACT and value not in self.values and value != UNKNOWN:
            self.values[value] = source
            self._pattern = None

    def update(self, values: Mapping[str, str]) -> None:
        for value, source in values.items():
            self.add(value, source)

    def source_of(self, text: str) -> str | None:
        """The source of the invented value ``text`` is or contains, if any."""
        if text in self.values:
            return self.values[text]
        if len(text) < _MIN_INSIDE:
            return None
        if self._pattern is None:
            long = sorted((v for v in self.values if _distinctive(v)), key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, long))) if long else re.compile(r"(?!)")
        m = self._pattern.search(text)
        return self.values[m.group(0)] if m else None

    def found_in(self, value: Any) -> dict[str, str]:
        """Every invented value inside ``value`` (any JSON), with its source."""
        found: dict[str, str] = {}

        def walk(v: Any) -> None:
            if isinstance(v, str):
                for candidate, source in self.values.items():
                    if candidate == v or (_distinctive(candidate) and candidate in v):
                        found[candidate] = source
            elif isinstance(v, dict):
                for item in v.values():
                    walk(item)
            elif isinstance(v, list):
                for item in v:
                    walk(item)

        walk(value)
        return found

    # -- what the pack is shown --

    def conceal(self, urn: str, inputs: Mapping[str, Any], *, note: bool = True) -> dict[str, Any]:
        """``inputs`` (wire format) with invented values replaced by the unknown value; ``note`` records where."""
        if not self.values:
            return dict(inputs)
        notes: dict[str, str] = {}

        def walk(value: Any, path: str) -> Any:
            if isinstance(value, str):
                source = self.source_of(value)
                if source is None:
                    return value
                notes[path] = source
                return UNKNOWN
            if isinstance(value, list):
                for item in value:
                    source = self.source_of(item) if isinstance(item, str) else None
                    if source is not None:
                        notes[path] = source
                        return UNKNOWN
                return [walk(item, f"{path}.{i}") for i, item in enumerate(value)]
            if isinstance(value, dict):
                if value.get(_SIG_KEY) == _SECRET_SIG and "value" in value:
                    return {**value, "value": walk(value["value"], path)}
                return {k: walk(v, f"{path}.{k}" if path else k) for k, v in value.items()}
            return value

        out = {k: walk(v, k) for k, v in inputs.items()}
        if note and notes:
            self.concealed.setdefault(urn, {}).update(notes)
        return out



# ---- the parent's side: what the pack is shown, and what the report says -----------------------------------------


def conceal_recording(recording: Mapping[str, Any]) -> dict[str, Any]:
    """The recording as the pack should see it, with ``concealed`` (URN → property path → source) added."""
    made_up = Invented(recording.get("invented") or {})
    resources = []
    for res in recording.get("resources") or []:
        urn = res.get("urn", "")
        resources.append({**res, "inputs": made_up.conceal(urn, res.get("inputs") or {}),
                          "outputs": made_up.conceal(urn, res.get("outputs") or {}, note=False)})
    return {**recording, "resources": resources, "concealed": made_up.concealed}


def _source_for(path: str, concealed: Mapping[str, str]) -> str | None:
    for where, source in concealed.items():
        if path == where or path.startswith(where + "."):
            return source
    return None


def explain(recording: Mapping[str, Any], diagnostics: Iterable[Any]) -> list[Any]:
    """Not-evaluated diagnostics about a concealed value, reworded to name the data source that invented it.

    ``diagnostics`` are the analyzer's (frozen dataclasses with ``urn``, ``message``, ``not_evaluated``); a
    stack-wide diagnostic (no URN) is matched against every resource's concealed paths.
    """
    concealed: Mapping[str, Mapping[str, str]] = recording.get("concealed") or {}
    out = []
    for d in diagnostics:
        m = _UNKNOWN_AT.match(d.message) if d.not_evaluated and concealed else None
        source = None
        if m:
            places = [concealed.get(d.urn, {})] if d.urn else list(concealed.values())
            for place in places:
                source = _source_for(m["path"], place)
                if source:
                    break
        if source:
            d = dataclasses.replace(d, message=f"{m['kind']} value at .{m['path']} is not known offline: it comes from "
                                               f"{source}, which the preflight answers with an invented value")
        out.append(d)
    return out
