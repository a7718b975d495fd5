"""The report as SARIF 2.1.0 (``--sarif PATH``), for code-scanning tools that show violations where they are fixed.

One run for the policy pack (GitHub code scanning takes one run per tool and category in an upload), whatever the
number of stacks:

- ``tool.driver``: the pack's name and version; a rule per policy (``id`` = policy name) with its description,
  remediation as ``help``, the FSBP controls it implements (tags ``fsbp:<id>``, ``helpUri`` to the control's page in
  the Security Hub user guide), ``security-severity`` from its severity (critical 9.5, high 8.0, medium 5.5, low 3.0,
  GitHub's bands) and ``defaultConfiguration.level`` from its enforcement level: ``error`` for mandatory in any stack
  checked, else ``warning`` for advisory, ``none`` where it is disabled everywhere. Levels differ per stack
  (``policies/config/<stack>.json``): ``properties.enforcementLevels`` has each stack's;
- one result per violation, ``level`` from that stack's enforcement (``error`` mandatory, ``warning`` advisory). It
  points at the stack file, on the line of the key that controls it when the report knows the key (``stackKey``:
  ``container-platform:services[web].readOnlyRootFilesystem`` → the service entry's ``readOnlyRootFilesystem`` line,
  or the entry's first line when the key is not set there, or the ``config:`` line when the stack file does not set
  the key at all); otherwise at the program's ``__main__.py``. ``logicalLocations`` name the resource (URN, type,
  name); ``partialFingerprints`` identify a finding by stack, policy and URN, so an alert survives edits elsewhere in
  the file;
- stacks that could not be checked are ``toolExecutionNotifications`` of the invocation, which is then not
  successful. What a preview could not evaluate is not a result (it is neither a pass nor a violation).

Artifact URIs are relative to ``root`` (the current directory: a CI job's checkout) when the project lies under it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from preflight.yamlfile import YamlError
from preflight.yamlfile import load as load_yaml

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
VERSION = "2.1.0"
LEVELS = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
FSBP_GUIDE = "https://docs.aws.amazon.com/securityhub/latest/userguide"
_STRICTNESS = {"none": 0, "warning": 1, "error": 2}
_KEY = re.compile(r"^(?P<top>[^.\[]+)(?P<rest>.*)$")
_STEP = re.compile(r"\[(?P<item>[^\]]+)\]|\.(?P<field>[^.\[]+)")


# ---- where a finding is -------------------------------------------------------------------------------------------


def key_line(stack_file: Path, stack_key: str, name_field: str = "name") -> int | None:
    """The line in ``stack_file`` that holds ``stack_key`` (``ns:key``, then ``[entry]`` and ``.field`` steps), or
    the closest line above it that exists: the list entry, the key, the ``config:`` line. None when the file cannot
    be read."""
    try:
        data = load_yaml(stack_file)
    except (OSError, YamlError):
        return None
    if not isinstance(data, dict):
        return None
    config = data.get("config")
    line = getattr(data, "lines", {}).get("config")
    m = _KEY.match(stack_key)
    if not isinstance(config, dict) or m is None or m["top"] not in config:
        return line
    node: Any = config[m["top"]]
    line = config.lines[m["top"]]
    for step in _STEP.finditer(m["rest"]):
        if step["item"] is not None and isinstance(node, list):
            item = step["item"]
            found = [e for e in node if isinstance(e, dict) and str(e.get(name_field)) == item]
            if not found and item.isdigit() and int(item) < len(node):
                found = [node[int(item)]]
            if not found or not isinstance(found[0], dict):
                return line
            node = found[0]
            line = min(node.lines.values()) if node.lines else line
        elif step["field"] is not None and isinstance(node, dict) and step["field"] in node:
            line = node.lines[step["field"]]
            node = node[step["field"]]
        else:
            return line
    return line


def _uri(path: Path, root: Path) -> str:
    path = path.resolve()
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_uri()


def _information_uri(pack_dir: Path, root: Path) -> str:
    """The pack in the repository on GitHub when running in GitHub Actions, else the pack's directory."""
    server, repo = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repo:
        where = _uri(pack_dir, root)
        ref = os.environ.get("GITHUB_SHA") or "HEAD"
        return f"{server}/{repo}/tree/{ref}/{where}" if "://" not in where else f"{server}/{repo}"
    return pack_dir.resolve().as_uri()


# ---- rules --------------------------------------------------------------------------------------------------------


def _controls(policy: Mapping[str, Any]) -> list[str]:
    return [t.split(":", 1)[1] for t in policy.get("tags") or [] if t.startswith("fsbp:")]


def control_uri(control: str) -> str:
    """The control's section in the Security Hub user guide, e.g. ELB.5 → elb-controls.html#elb-5."""
    service, _, number = control.partition(".")
    return f"{FSBP_GUIDE}/{service.lower()}-controls.html#{service.lower()}-{number}"


def _first_sentence(text: str) -> str:
    head = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return head or text


def _markdown(text: str) -> str:
    """Text that Markdown shows as written (``<bucket name>`` is not an HTML tag)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rule(policy: Mapping[str, Any], levels: Mapping[str, str]) -> dict[str, Any]:
    controls = _controls(policy)
    sarif_levels = [LEVELS.get(level, "warning") for level in levels.values()]
    default = max(sarif_levels, key=_STRICTNESS.__getitem__) if sarif_levels else "warning"
    remediation = policy.get("remediation") or "(the policy gives no remediation)"
    markdown = f"**Remediation:** {_markdown(remediation)}"
    if controls:
        links = ", ".join(f"[{c}]({control_uri(c)})" for c in controls)
        markdown += f"\n\nAWS Foundational Security Best Practices: {links}"
    properties: dict[str, Any] = {"tags": ["security", *(policy.get("tags") or [])], "precision": "high",
                                  "enforcementLevels": dict(sorted(levels.items()))}
    if policy.get("severity"):
        properties["severity"] = policy["severity"]
        if policy["severity"] in SECURITY_SEVERITY:
            properties["security-severity"] = SECURITY_SEVERITY[policy["severity"]]
    if policy.get("framework"):
        properties["framework"] = policy["framework"]
    rule: dict[str, Any] = {
        "id": policy["name"], "name": policy["name"],
        "shortDescription": {"text": _first_sentence(policy.get("description") or policy["name"])},
        "fullDescription": {"text": policy.get("description") or policy["name"]},
        "help": {"text": remediation, "markdown": markdown},
        "defaultConfiguration": {"level": default, "enabled": default != "none"},
        "properties": properties,
    }
    if controls:
        rule["helpUri"] = control_uri(controls[0])
    return rule


# ---- results ------------------------------------------------------------------------------------------------------


def _fingerprint(stack: str, policy: str, urn: str, message: str) -> str:
    # A stack-wide finding has no URN: its message tells two of them apart.
    text = "|".join([stack, policy, urn or message])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _result(stack: Mapping[str, Any], v: Mapping[str, Any], rule_index: int, *, project_dir: Path, program: Path,
            root: Path) -> dict[str, Any]:
    name, project = stack["stack"], stack.get("project") or ""
    stack_file = project_dir / (stack.get("stackFile") or f"Pulumi.{name}.yaml")
    line = key_line(stack_file, v["stackKey"]) if v.get("stackKey") else None
    where = (stack_file, line) if line is not None else (program, 1)
    urn = v.get("urn") or ""
    subject = f"{v.get('resourceName')} ({v.get('resourceType')})" if urn else "stack-wide"
    text = f"{name}: {subject}: {v.get('message')}"
    if v.get("fix"):
        text += f" Fix: {v['fix']}"
    logical = ({"name": v.get("resourceName") or "", "fullyQualifiedName": urn, "kind": "resource",
                "properties": {"resourceType": v.get("resourceType") or "", "stack": name}} if urn else
               {"name": f"{project}-{name}", "kind": "namespace",
                "fullyQualifiedName": f"urn:pulumi:{name}::{project}::pulumi:pulumi:Stack::{project}-{name}",
                "properties": {"resourceType": "pulumi:pulumi:Stack", "stack": name}})
    properties = {"stack": name, "enforcementLevel": v.get("enforcementLevel"), "severity": v.get("severity") or "",
                  "urn": urn, "phase": v.get("phase") or ""}
    properties.update({k: v[k] for k in ("stackKey", "fix") if v.get(k)})
    return {
        "ruleId": v["policy"], "ruleIndex": rule_index,
        "level": LEVELS.get(v.get("enforcementLevel") or "", "warning"),
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": _uri(where[0], root)},
                                 "region": {"startLine": where[1]}},
            "logicalLocations": [logical],
        }],
        "partialFingerprints": {"preflightFinding/v1": _fingerprint(name, v["policy"], urn, v.get("message") or "")},
        "properties": properties,
    }


def _notification(stack: Mapping[str, Any]) -> dict[str, Any]:
    first = str(stack.get("error") or "").strip().splitlines()
    return {"level": "error", "message": {"text": f"{stack['stack']}: could not be checked: "
                                                  f"{first[0] if first else 'unknown error'}"},
            "descriptor": {"id": "stack-not-checked"}}


# ---- the log ------------------------------------------------------------------------------------------------------


def from_report(report: Mapping[str, Any], *, project_dir: Path, program: Path, pack_dir: Path,
                root: Path | None = None) -> dict[str, Any]:
    """A SARIF log from a report (``report.to_json``)."""
    root = Path.cwd() if root is None else root
    stacks = list(report.get("stacks") or [])
    policies: dict[str, Mapping[str, Any]] = {}
    levels: dict[str, dict[str, str]] = {}
    pack = next((s["pack"] for s in stacks if s.get("pack")), None) or {}
    for s in stacks:
        for p in s.get("policies") or []:
            policies.setdefault(p["name"], p)
            levels.setdefault(p["name"], {})[s["stack"]] = p.get("enforcementLevel") or "advisory"
    names = sorted(policies)
    index = {n: i for i, n in enumerate(names)}
    results = []
    for s in stacks:
        for v in s.get("violations") or []:
            if v.get("policy") not in index:  # a policy the pack did not describe: give it a rule of its own
                policies[v["policy"]] = {"name": v["policy"], "severity": v.get("severity") or ""}
                levels[v["policy"]] = {s["stack"]: v.get("enforcementLevel") or "advisory"}
                names.append(v["policy"])
                index[v["policy"]] = len(names) - 1
            results.append(_result(s, v, index[v["policy"]], project_dir=project_dir, program=program, root=root))
    errors = [s for s in stacks if s.get("error") is not None]
    driver: dict[str, Any] = {
        "name": pack.get("name") or f"policy pack {pack_dir.name}",
        "informationUri": _information_uri(pack_dir, root),
        "rules": [_rule(policies[n], levels.get(n, {})) for n in names],
    }
    if pack.get("version"):
        driver.update(version=str(pack["version"]), semanticVersion=str(pack["version"]))
    invocation: dict[str, Any] = {
        "executionSuccessful": not errors, "exitCode": int(report.get("exitCode") or 0),
        "properties": {"preview": bool(report.get("preview")),
                       "stacks": {s["stack"]: {"exitCode": s.get("exitCode"), **(s.get("summary") or {})}
                                  for s in stacks}},
    }
    if errors:
        invocation["toolExecutionNotifications"] = [_notification(s) for s in errors]
    return {
        "$schema": SCHEMA, "version": VERSION,
        "runs": [{"tool": {"driver": driver}, "invocations": [invocation], "columnKind": "utf16CodeUnits",
                  "results": results}],
    }


def write(path: Path, log: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(log, indent=2) + "\n")
