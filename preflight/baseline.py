"""What a change does, offline: this run compared with an earlier report (``--baseline REPORT.json``).

    python -m preflight --all --baseline main-report.json --baseline-markdown changes.md

Per stack: the resources added, removed, renamed (a new URN whose ``aliases`` name an old one, as the engine would
match them) and changed, with the names of the input properties and resource options that changed, and the
violations that are new or gone. The reports carry digests, not values (``inventory``), so nothing here can show a
value, secret or not; a property holding a secret is compared without the secret and said so.

A resource is "changed" when a digest differs: what the engine would show as an update or a replacement in
``pulumi preview``. Which of the two it would be depends on the provider's schema, which the preflight does not
have; a reviewer reads the property names. Only like compares with like: an update-like run with an update-like
report, a preview with a preview (unknown values differ between them).

Violations are matched by policy, enforcement level, resource and message: a policy that moves from advisory to
mandatory shows its violation as gone at one level and new at the other.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class BaselineError(Exception):
    """The baseline report cannot be used; the message says why."""


@dataclass(frozen=True)
class Baseline:
    path: Path
    preview: bool
    stacks: dict[str, dict[str, Any]]


def load(path: Path, preview: bool) -> Baseline:
    """The report at ``path``, checked for what a comparison needs."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise BaselineError(f"--baseline {path}: cannot be read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"--baseline {path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("stacks"), list):
        raise BaselineError(f"--baseline {path}: not a preflight report (written with --json)")
    if bool(data.get("preview")) != preview:
        was, now = ("a preview", "an update") if data.get("preview") else ("an update", "a preview")
        raise BaselineError(f"--baseline {path}: the report is of {was} and this run is {now}; compare like with "
                            f"like ({'add' if data.get('preview') else 'drop'} --preview)")
    stacks = {s["stack"]: s for s in data["stacks"] if isinstance(s, dict) and isinstance(s.get("stack"), str)}
    for name, stack in stacks.items():
        if stack.get("error") is None and not isinstance(stack.get("inventory"), list):
            raise BaselineError(f"--baseline {path}: stack {name} has no resource inventory (the report was written "
                                "by an earlier preflight); write it again with this preflight's --json")
    return Baseline(path=Path(path), preview=bool(data.get("preview")), stacks=stacks)


# ---- comparing ----------------------------------------------------------------------------------------------------


def _brief(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"urn": entry["urn"], "type": entry["type"], "name": entry["name"], "component": entry.get("component", "")}


def _grouped(entry: Mapping[str, Any]) -> tuple[str, bool, str, str]:
    """A component first, then what it holds; top-level resources by themselves."""
    return (entry.get("component") or entry["name"], bool(entry.get("component")), entry["type"], entry["name"])


def _differences(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def _violation_key(v: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (v.get("policy", ""), v.get("enforcementLevel", ""), v.get("urn", ""), v.get("message", ""))


def _violation(v: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("policy", "enforcementLevel", "severity", "urn", "resourceType", "resourceName", "message", "fix")
    return {k: v.get(k) for k in keys}


def _violations(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    before, after = {_violation_key(v): v for v in old}, {_violation_key(v): v for v in new}
    return {"new": [_violation(after[k]) for k in sorted(set(after) - set(before))],
            "gone": [_violation(before[k]) for k in sorted(set(before) - set(after))]}


def compare_stack(stack: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> dict[str, Any]:
    """One stack's comparison (``old`` from the baseline, ``new`` from this run; either may be missing)."""
    out: dict[str, Any] = {"stack": stack}
    if new is not None and new.get("error") is not None:
        return {**out, "status": "not compared", "reason": "this run could not check the stack"}
    if old is not None and old.get("error") is not None:
        return {**out, "status": "not compared", "reason": "the baseline could not check the stack"}
    before = {e["urn"]: e for e in (old or {}).get("inventory") or []}
    after = {e["urn"]: e for e in (new or {}).get("inventory") or []}
    added_urns = sorted(set(after) - set(before))
    removed_urns = set(before) - set(after)
    renamed = []
    for urn in list(added_urns):
        old_urn = next((a for a in after[urn].get("aliases") or [] if a in removed_urns), None)
        if old_urn is None:
            continue
        added_urns.remove(urn)
        removed_urns.discard(old_urn)
        renamed.append({"from": old_urn, **_brief(after[urn]),
                        "properties": _differences(before[old_urn]["inputs"], after[urn]["inputs"])})
    changed, unchanged = [], 0
    for urn in sorted(set(before) & set(after)):
        b, a = before[urn], after[urn]
        properties = _differences(b.get("inputs") or {}, a.get("inputs") or {})
        options = _differences(b.get("options") or {}, a.get("options") or {})
        if not properties and not options:
            unchanged += 1
            continue
        entry = {**_brief(a), "properties": properties, "options": options}
        secret = sorted(set(b.get("secretInputs") or []) | set(a.get("secretInputs") or []))
        if secret:
            entry["secretNotCompared"] = secret
        changed.append(entry)
    status = "compared" if old is not None and new is not None else ("new stack" if old is None else "removed stack")
    return {**out, "status": status,
            "added": sorted((_brief(after[u]) for u in added_urns), key=_grouped),
            "removed": sorted((_brief(before[u]) for u in removed_urns), key=_grouped),
            "renamed": sorted(renamed, key=_grouped), "changed": sorted(changed, key=_grouped),
            "unchanged": unchanged,
            "violations": _violations((old or {}).get("violations") or [], (new or {}).get("violations") or [])}


def compare(baseline: Baseline, stacks: Iterable[Mapping[str, Any]], all_stacks: bool) -> dict[str, Any]:
    """This run's stacks (``report.stack_json`` records) against the baseline. With ``all_stacks`` a stack the
    baseline has and this run has not is reported as removed."""
    current = {s["stack"]: s for s in stacks}
    names = list(current) + (sorted(set(baseline.stacks) - set(current)) if all_stacks else [])
    return {"report": str(baseline.path), "preview": baseline.preview,
            "stacks": [compare_stack(n, baseline.stacks.get(n), current.get(n)) for n in names]}


# ---- text and Markdown --------------------------------------------------------------------------------------------


def _counts(s: Mapping[str, Any]) -> str:
    parts = [f"{len(s[k])} {k}" for k in ("added", "removed", "renamed", "changed") if s[k]]
    v = s["violations"]
    parts += [f"{len(v[k])} {k} violation{'s' if len(v[k]) != 1 else ''}" for k in ("new", "gone") if v[k]]
    return ", ".join(parts) if parts else "no change"


def _where(e: Mapping[str, Any]) -> str:
    return f"{e['name']} ({e['type']})" + (f" in {e['component']}" if e.get("component") else "")


def _what_changed(e: Mapping[str, Any]) -> str:
    bits = list(e.get("properties") or []) + [f"option {o}" for o in e.get("options") or []]
    text = ", ".join(bits) or "its URN only"
    if e.get("secretNotCompared"):
        text += f" (secret, not compared: {', '.join(e['secretNotCompared'])})"
    return text


def _violation_text(v: Mapping[str, Any]) -> str:
    urn = v.get("urn") or ""
    where = f"{v.get('resourceName')} ({v.get('resourceType')})" if urn else "stack-wide"
    return f"{v.get('enforcementLevel')} {v.get('severity') or '-'} {v.get('policy')}: {where}: {v.get('message')}"


def render_text(comparison: Mapping[str, Any]) -> list[str]:
    """The comparison as report lines: a line per stack, then what changed."""
    lines = [f"compared with {comparison['report']}:"]
    for s in comparison["stacks"]:
        if s["status"] == "not compared":
            lines.append(f"{s['stack']}: not compared: {s['reason']}")
            continue
        if s["status"] != "compared":
            what = len(s["added"]) if s["status"] == "new stack" else len(s["removed"])
            lines.append(f"{s['stack']}: {s['status']} ({what} resources)")
            continue
        lines.append(f"{s['stack']}: {_counts(s)}")
        lines += [f"  added    {_where(e)}" for e in s["added"]]
        lines += [f"  removed  {_where(e)}" for e in s["removed"]]
        lines += [f"  renamed  {_where(e)} from {e['from'].split('::')[-1]}" for e in s["renamed"]]
        lines += [f"  changed  {_where(e)}: {_what_changed(e)}" for e in s["changed"]]
        lines += [f"  new      {_violation_text(v)}" for v in s["violations"]["new"]]
        lines += [f"  gone     {_violation_text(v)}" for v in s["violations"]["gone"]]
    return lines


def _md(text: Any) -> str:
    """Text for a Markdown list item or table cell: no HTML, no table breaks."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _md_where(e: Mapping[str, Any]) -> str:
    where = f"**{_md(e['name'])}** `{e['type']}`"
    return where + (f" in {_md(e['component'])}" if e.get("component") else "")


def _md_section(title: str, items: list[str], fold_after: int = 15) -> list[str]:
    if not items:
        return []
    if len(items) <= fold_after:
        return [f"**{title}**", "", *items, ""]
    return [f"<details><summary><b>{title}</b></summary>", "", *items, "", "</details>", ""]


def render_markdown(comparison: Mapping[str, Any], title: str = "Preflight: what this change does") -> str:
    """The comparison for a pull-request comment: a table of stacks, then per stack what changed."""
    mode = "a preview of a new stack" if comparison["preview"] else "an update"
    lines = [f"### {title}", "",
             f"Offline (program under Pulumi's mock engine, the policy pack over gRPC), as {mode}, compared with "
             f"`{_md(Path(comparison['report']).name)}`. Values are never shown.", "",
             "| stack | added | removed | renamed | changed | new violations | gone violations |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in comparison["stacks"]:
        if s["status"] == "not compared":
            lines.append(f"| {s['stack']} | {_md(s['reason'])} | | | | | |")
            continue
        v = s["violations"]
        cells = [len(s[k]) for k in ("added", "removed", "renamed", "changed")] + [len(v["new"]), len(v["gone"])]
        name = s["stack"] if s["status"] == "compared" else f"{s['stack']} ({s['status']})"
        lines.append(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")
    lines.append("")
    for s in comparison["stacks"]:
        if s["status"] != "compared" or _counts(s) == "no change":
            continue
        lines += [f"#### {s['stack']}", ""]
        lines += _md_section(f"Added ({len(s['added'])})", [f"- {_md_where(e)}" for e in s["added"]])
        lines += _md_section(f"Removed ({len(s['removed'])})", [f"- {_md_where(e)}" for e in s["removed"]])
        lines += _md_section(f"Renamed ({len(s['renamed'])})", [
            f"- {_md_where(e)} (was `{_md(e['from'].split('::')[-1])}`)" for e in s["renamed"]])
        lines += _md_section(f"Changed ({len(s['changed'])})", [
            f"- {_md_where(e)}: {_md(_what_changed(e))}" for e in s["changed"]])
        for kind, label in (("new", "New violations"), ("gone", "Violations gone")):
            items = s["violations"][kind]
            lines += _md_section(f"{label} ({len(items)})", [f"- {_md(_violation_text(v))}" for v in items])
    return "\n".join(lines).rstrip() + "\n"
