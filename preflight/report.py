"""The preflight's findings per stack, as text for people and as JSON for machines.

A stack's result is built once (``stack_result`` or ``error_result``); ``render_text`` and ``to_json`` only format
it. The text is compact: one line per stack, then per stack what needs attention: each violation with its
resource, policy, severity, the policy's message and the fix (the stack-file key that controls it when the project's
``preflight-hints.yaml`` says so, else the policy's remediation); what a preview could not evaluate; the ``secure:``
config nobody can read offline. ``verbose`` adds resources by type, every policy's status and each violation's URN.
Nothing in the text repeats a value of the stack's config. The JSON also carries each resource's ``inventory``
entry (digests of its inputs, ``preflight.inventory``), what ``--baseline`` compares two runs by.

Exit codes: 0 clean or advisory only, 1 a mandatory violation, 2 the stack could not be checked (config, program or
policy-pack error). Over several stacks the worst wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from preflight import hints as hints_module
from preflight import stackrefs
from preflight.analyzer import Analysis, Diagnostic
from preflight.inventory import inventory_of

OK, VIOLATIONS, ERROR = 0, 1, 2


@dataclass(frozen=True)
class Finding:
    """A violation with what a reader needs beside the policy's message."""

    diagnostic: Diagnostic
    resource_type: str | None  # None for a stack-wide finding
    resource_name: str | None
    remediation: str
    fix: hints_module.Fix | None

    @property
    def level(self) -> str:
        return self.diagnostic.level

    def to_json(self) -> dict[str, Any]:
        return {**self.diagnostic.to_json(), "resourceType": self.resource_type, "resourceName": self.resource_name,
                "remediation": self.remediation, "stackKey": self.fix.stack_key if self.fix else None,
                "fix": self.fix.text if self.fix else None}


@dataclass
class StackResult:
    stack: str
    preview: bool
    seconds: float
    error: str | None = None
    project: str = ""
    resources_by_type: dict[str, int] = field(default_factory=dict)
    analysis: Analysis | None = None
    timings: dict[str, float] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    stack_file: str = ""
    secret_keys: list[str] = field(default_factory=list)  # secure config: unknown to the program and the pack
    unchecked_keys: list[str] = field(default_factory=list)  # typed keys whose type a plaintext would decide
    config_warnings: list[str] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)  # outputs for stack references (stackrefs.exports)
    inventory: list[dict[str, Any]] = field(default_factory=list)  # per resource: digests to compare runs by

    @property
    def resource_count(self) -> int:
        return sum(self.resources_by_type.values())

    @property
    def violations(self) -> list[Diagnostic]:
        return [f.diagnostic for f in self.findings]

    @property
    def mandatory(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "mandatory"]

    @property
    def advisory(self) -> list[Finding]:
        return [f for f in self.findings if f.level != "mandatory"]

    @property
    def not_evaluated(self) -> list[Diagnostic]:
        return self.analysis.not_evaluated if self.analysis else []

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return ERROR
        return VIOLATIONS if self.mandatory else OK


def _order(f: Finding) -> tuple[int, str, str]:
    return (0 if f.level == "mandatory" else 1, f.diagnostic.policy, f.diagnostic.urn)


def stack_result(recording: Mapping[str, Any], analysis: Analysis, seconds: float,
                 timings: Mapping[str, float] | None = None,
                 hints: hints_module.Hints | None = None) -> StackResult:
    resources = list(recording.get("resources") or [])
    by_urn = {r["urn"]: r for r in resources}
    remediation = {p.name: p.remediation for p in analysis.policies}
    stack_file = recording.get("stackFile") or f"Pulumi.{recording['stack']}.yaml"
    findings = []
    for d in analysis.violations:
        resource = by_urn.get(d.urn)
        parts = d.urn.split("::") if d.urn else []
        findings.append(Finding(
            diagnostic=d,
            resource_type=resource["type"] if resource else (parts[-2].split("$")[-1] if len(parts) >= 4 else None),
            resource_name=resource["name"] if resource else (parts[-1] if len(parts) >= 4 else None),
            remediation=remediation.get(d.policy, ""),
            fix=hints_module.fix_for(hints, d.policy, d.urn, recording, stack_file)))
    counts = Counter(r["type"] for r in resources)
    return StackResult(
        stack=recording["stack"], preview=bool(recording.get("preview")), seconds=seconds,
        project=recording.get("project", ""), resources_by_type=dict(sorted(counts.items())), analysis=analysis,
        timings={**(timings or {}), **analysis.timings}, findings=sorted(findings, key=_order), stack_file=stack_file,
        secret_keys=list(recording.get("secretKeys") or []), unchecked_keys=list(recording.get("uncheckedKeys") or []),
        config_warnings=list(recording.get("configWarnings") or []), exports=stackrefs.exports(recording),
        inventory=inventory_of(recording),
    )


def error_result(stack: str, preview: bool, message: str, seconds: float) -> StackResult:
    return StackResult(stack=stack, preview=preview, seconds=seconds, error=message)


def exit_code(results: Iterable[StackResult]) -> int:
    return max((r.exit_code for r in results), default=OK)


# ---- per policy -------------------------------------------------------------------------------------------------


def _policy_rows(result: StackResult) -> list[dict[str, Any]]:
    assert result.analysis is not None
    violations = Counter(f.diagnostic.policy for f in result.findings)
    not_evaluated = Counter(d.policy for d in result.not_evaluated)
    not_applicable = Counter(policy for policy, _, _ in result.analysis.not_applicable)
    rows = []
    for p in result.analysis.policies:
        row = {**p.to_json(), "evaluated": p.level != "disabled", "violations": violations[p.name],
               "notEvaluated": not_evaluated[p.name], "notApplicable": not_applicable[p.name]}
        rows.append({**row, "status": _status(row)})
    return rows


def _status(row: Mapping[str, Any]) -> str:
    """A policy's outcome. One that could not read a value anywhere never reads "pass": it did not decide."""
    if not row["evaluated"]:
        return "disabled"
    if row["violations"]:
        return "fail"
    if row["notEvaluated"]:
        return "not evaluated"
    if row["type"] == "stack" and row["notApplicable"]:
        return "not applicable"
    return "pass"


def _not_evaluated_groups(result: StackResult) -> list[dict[str, Any]]:
    """Per policy, where it could not run and which value was unknown."""
    levels = {p.name: p.level for p in result.analysis.policies} if result.analysis else {}
    groups: dict[str, list[dict[str, str]]] = {}
    for d in sorted(result.not_evaluated, key=lambda d: (d.policy, d.urn)):
        groups.setdefault(d.policy, []).append({"urn": d.urn, "reason": d.message})
    return [{"policy": p, "enforcementLevel": levels.get(p, ""), "where": where} for p, where in groups.items()]


# ---- JSON -------------------------------------------------------------------------------------------------------


def stack_json(result: StackResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stack": result.stack, "project": result.project, "preview": result.preview, "exitCode": result.exit_code,
        "error": result.error, "seconds": round(result.seconds, 3), "stackFile": result.stack_file or None,
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
    }
    a = result.analysis
    out.update(
        resources={"count": result.resource_count, "byType": result.resources_by_type},
        pack={"name": a.pack, "version": a.version, "analyzed": a.analyzed, "config": a.config_source} if a else None,
        policies=_policy_rows(result) if a else [],
        summary={"mandatory": len(result.mandatory), "advisory": len(result.advisory),
                 "notEvaluated": len(result.not_evaluated),
                 "policiesEvaluated": sum(1 for p in a.policies if p.level != "disabled") if a else 0},
        violations=[f.to_json() for f in result.findings],
        notEvaluated=_not_evaluated_groups(result),
        secureConfig=result.secret_keys,
        uncheckedConfig=result.unchecked_keys,
        configWarnings=result.config_warnings,
        **result.exports,
        inventory=result.inventory,
    )
    return out


def to_json(results: Iterable[StackResult], preview: bool) -> dict[str, Any]:
    results = list(results)
    return {"preview": preview, "exitCode": exit_code(results), "stacks": [stack_json(r) for r in results]}


# ---- text -------------------------------------------------------------------------------------------------------


def _where(urn: str) -> str:
    """``name (type)`` from a URN; "stack-wide" for a finding about no one resource."""
    if not urn:
        return "stack-wide"
    parts = urn.split("::")
    return f"{parts[-1]} ({parts[-2].split('$')[-1]})" if len(parts) >= 4 else urn


def _mode(result: StackResult) -> str:
    return "preview" if result.preview else "update"


def verdict(result: StackResult) -> str:
    if result.error is not None:
        return "ERROR"
    if result.mandatory:
        return f"FAIL ({len(result.mandatory)} mandatory)"
    return f"PASS ({len(result.advisory)} advisory)" if result.advisory else "PASS"


def _summary(results: list[StackResult]) -> list[str]:
    rows = [("stack", "mode", "resources", "policies", "mandatory", "advisory", "not evaluated", "seconds", "result")]
    for r in results:
        if r.analysis is None:
            rows.append((r.stack, _mode(r), "-", "-", "-", "-", "-", f"{r.seconds:.1f}", verdict(r)))
            continue
        evaluated = sum(1 for p in r.analysis.policies if p.level != "disabled")
        rows.append((r.stack, _mode(r), str(r.resource_count), str(evaluated), str(len(r.mandatory)),
                     str(len(r.advisory)), str(len({d.policy for d in r.not_evaluated})), f"{r.seconds:.1f}",
                     verdict(r)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(row[2:-1], widths[2:-1], strict=True)]
        lines.append("  ".join([*cells, row[-1]]))
    return lines


def _finding_lines(f: Finding, verbose: bool) -> list[str]:
    d = f.diagnostic
    head = f"  {d.level:<9} {d.severity or '-':<8} {d.policy}: {_where(d.urn)}"
    fix = f.fix.text if f.fix is not None else f.remediation or "(the policy gives none)"
    if d.level != "mandatory" and not verbose:  # an advisory finding: one line with its fix
        return [f"{head}; fix: {fix}"]
    lines = [head, f"      {d.message}", f"      fix: {fix}"]
    if verbose and f.fix is not None:
        lines.append(f"      remediation: {f.remediation or '(the policy gives none)'}")
    if verbose and d.urn:
        lines.append(f"      urn: {d.urn}")
    return lines


def _details(result: StackResult) -> list[str]:
    """Resources by type and every policy's status (``--verbose``)."""
    assert result.analysis is not None
    a = result.analysis
    config = f" with {a.config_source}" if a.config_source else ""
    lines = [f"  {result.resource_count} resources, policies of {a.pack} {a.version}{config}", "  resources by type:"]
    width = max((len(str(n)) for n in result.resources_by_type.values()), default=1)
    for type_, n in sorted(result.resources_by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"    {n:>{width}}  {type_}")
    lines.append("  policies:")
    rows = _policy_rows(result)
    name_w = max((len(r["name"]) for r in rows), default=10)
    for r in rows:
        bits = [f"{r['violations']} violation(s)"] if r["violations"] else []
        bits += [f"not evaluated on {r['notEvaluated']}"] if r["notEvaluated"] else []
        status = ", ".join(bits) if r["evaluated"] and bits else r["status"]
        lines.append(f"    {r['enforcementLevel']:<9} {r['severity'] or '-':<8} {r['type']:<8} "
                     f"{r['name']:<{name_w}}  {status}")
    return lines


def _not_evaluated_lines(result: StackResult, verbose: bool) -> list[str]:
    groups = _not_evaluated_groups(result)
    if not groups:
        return []
    head = "  not evaluated (a value was unknown, as in a preview: neither passed nor failed)"
    if not verbose:
        named = ", ".join(g["policy"] for g in groups) if len(groups) <= 5 else f"{len(groups)} policies"
        return [f"{head}: {named}; --verbose shows where"]
    lines = [f"{head}:"]
    for group in groups:
        for w in group["where"]:
            lines.append(f"    {group['policy']} [{group['enforcementLevel']}]: {_where(w['urn'])}: {w['reason']}")
    return lines


def render_stack(result: StackResult, verbose: bool = False) -> list[str]:
    """What needs attention in one stack (nothing for a clean one, unless ``verbose``)."""
    head = f"{result.stack} ({_mode(result)})"
    if result.error is not None or result.analysis is None:
        return [f"{head}: ERROR, the stack could not be checked",
                *(f"  {line}" for line in (result.error or "").splitlines())]
    lines = _details(result) if verbose else []
    if result.findings and verbose:
        lines.append("  violations:")
    for f in result.findings:
        lines += _finding_lines(f, verbose)
    lines += _not_evaluated_lines(result, verbose)
    if result.secret_keys:
        lines.append(f"  secure config, unknown offline (its value is never read): {', '.join(result.secret_keys)}; "
                     "policies reading it are not evaluated")
    if result.unchecked_keys:
        lines.append(f"  type not checked offline (it depends on the secure value): {', '.join(result.unchecked_keys)}")
    lines += [f"  warning: {w}" for w in result.config_warnings]
    return [f"{head}: {verdict(result)}", *lines] if lines else []


def _closing(results: list[StackResult]) -> str:
    code = exit_code(results)
    failed = [r.stack for r in results if r.exit_code == code]
    if code == ERROR:
        return f"exit 2: {', '.join(failed)} could not be checked"
    if code == VIOLATIONS:
        return f"exit 1: mandatory violations in {', '.join(failed)}"
    return "exit 0: no mandatory violations"


def render_text(results: Iterable[StackResult], verbose: bool = False, extra: Iterable[str] = ()) -> str:
    """The report; ``extra`` lines (e.g. the comparison with a baseline) come before the closing line."""
    results = list(results)
    lines = _summary(results)
    for r in results:
        section = render_stack(r, verbose)
        if section:
            lines += ["", *section]
    extra = list(extra)
    if extra:
        lines += ["", *extra]
    lines += ["", _closing(results)]
    return "\n".join(lines) + "\n"
