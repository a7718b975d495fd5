"""The preflight's findings per stack, as text for people and as JSON for machines.

A stack's result is built once (``stack_result`` or ``error_result``); ``render_text`` and ``to_json`` only format
it. Exit codes: 0 clean or advisory only, 1 a mandatory violation, 2 the stack could not be checked (config,
program or policy-pack error). Over several stacks the worst wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from preflight import stackrefs
from preflight.analyzer import Analysis, Diagnostic

OK, VIOLATIONS, ERROR = 0, 1, 2


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
    exports: dict[str, Any] = field(default_factory=dict)  # outputs for stack references (stackrefs.exports)

    @property
    def resource_count(self) -> int:
        return sum(self.resources_by_type.values())

    @property
    def violations(self) -> list[Diagnostic]:
        return self.analysis.violations if self.analysis else []

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.violations if d.level == "mandatory"]

    @property
    def advisory(self) -> list[Diagnostic]:
        return [d for d in self.violations if d.level != "mandatory"]

    @property
    def not_evaluated(self) -> list[Diagnostic]:
        return self.analysis.not_evaluated if self.analysis else []

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return ERROR
        return VIOLATIONS if self.mandatory else OK


def stack_result(recording: Mapping[str, Any], analysis: Analysis, seconds: float,
                 timings: Mapping[str, float] | None = None) -> StackResult:
    counts = Counter(r["type"] for r in recording.get("resources") or [])
    return StackResult(
        stack=recording["stack"], preview=bool(recording.get("preview")), seconds=seconds,
        project=recording.get("project", ""), resources_by_type=dict(sorted(counts.items())), analysis=analysis,
        timings={**(timings or {}), **analysis.timings}, exports=stackrefs.exports(recording),
    )


def error_result(stack: str, preview: bool, message: str, seconds: float) -> StackResult:
    return StackResult(stack=stack, preview=preview, seconds=seconds, error=message)


def exit_code(results: Iterable[StackResult]) -> int:
    return max((r.exit_code for r in results), default=OK)


# ---- JSON -------------------------------------------------------------------------------------------------------


def _not_evaluated_groups(result: StackResult) -> list[dict[str, Any]]:
    """Per policy, where it could not run and which value was unknown."""
    levels = {p.name: p.level for p in result.analysis.policies} if result.analysis else {}
    groups: dict[str, list[dict[str, str]]] = {}
    for d in sorted(result.not_evaluated, key=lambda d: (d.policy, d.urn)):
        groups.setdefault(d.policy, []).append({"urn": d.urn, "reason": d.message})
    return [{"policy": p, "enforcementLevel": levels.get(p, ""), "where": where} for p, where in groups.items()]


def _policy_rows(result: StackResult) -> list[dict[str, Any]]:
    assert result.analysis is not None
    violations = Counter(d.policy for d in result.violations)
    not_evaluated = Counter(d.policy for d in result.not_evaluated)
    not_applicable = Counter(policy for policy, _, _ in result.analysis.not_applicable)
    rows = []
    for p in result.analysis.policies:
        rows.append({**p.to_json(), "evaluated": p.level != "disabled", "violations": violations[p.name],
                     "notEvaluated": not_evaluated[p.name], "notApplicable": not_applicable[p.name]})
    return rows


def stack_json(result: StackResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stack": result.stack, "project": result.project, "preview": result.preview, "exitCode": result.exit_code,
        "error": result.error, "seconds": round(result.seconds, 3),
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
        violations=[d.to_json() for d in sorted(result.violations, key=_order)],
        notEvaluated=_not_evaluated_groups(result),
        **result.exports,
    )
    return out


def to_json(results: Iterable[StackResult], preview: bool) -> dict[str, Any]:
    results = list(results)
    return {"preview": preview, "exitCode": exit_code(results), "stacks": [stack_json(r) for r in results]}


# ---- text -------------------------------------------------------------------------------------------------------


def _order(d: Diagnostic) -> tuple[int, str, str]:
    return (0 if d.level == "mandatory" else 1, d.policy, d.urn)


def _where(urn: str) -> str:
    """``name (type)`` from a URN; "stack-wide" for a diagnostic about no one resource."""
    if not urn:
        return "stack-wide"
    parts = urn.split("::")
    return f"{parts[-1]} ({parts[-2].split('$')[-1]})" if len(parts) >= 4 else urn


def render_stack(result: StackResult) -> str:
    mode = "preview" if result.preview else "update"
    lines = [f"== {result.stack} ({mode}) " + "=" * max(0, 60 - len(result.stack) - len(mode))]
    if result.error is not None or result.analysis is None:
        lines += [f"ERROR: {result.error}", ""]
        return "\n".join(lines)
    a = result.analysis
    evaluated = [p for p in a.policies if p.level != "disabled"]
    config = f" with {a.config_source}" if a.config_source else ""
    lines.append(f"{result.resource_count} resources, {len(evaluated)} policies of {a.pack} {a.version}{config}, "
                 f"{result.seconds:.1f} s")
    lines.append("")
    lines.append("Resources by type:")
    width = max((len(str(n)) for n in result.resources_by_type.values()), default=1)
    for type_, n in sorted(result.resources_by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {n:>{width}}  {type_}")

    lines.append("")
    lines.append("Policies:")
    rows = _policy_rows(result)
    name_w = max((len(r["name"]) for r in rows), default=10)
    for r in rows:
        if not r["evaluated"]:
            status = "disabled"
        else:
            bits = [f"{r['violations']} violation(s)" if r["violations"] else "pass"]
            if r["notEvaluated"]:
                bits.append(f"not evaluated on {r['notEvaluated']}")
            status = ", ".join(bits)
        lines.append(f"  {r['enforcementLevel']:<9} {r['severity'] or '-':<8} {r['type']:<8} "
                     f"{r['name']:<{name_w}}  {status}")

    lines.append("")
    if result.violations:
        lines.append(f"Violations ({len(result.mandatory)} mandatory, {len(result.advisory)} advisory):")
        for d in sorted(result.violations, key=_order):
            lines.append(f"  [{d.level}] {d.policy}: {_where(d.urn)}")
            lines.append(f"      {d.message}")
            if d.urn:
                lines.append(f"      {d.urn}")
    else:
        lines.append("Violations: none")

    if result.not_evaluated:
        lines.append("")
        lines.append("Not evaluated (a value was unknown, as in a preview: neither passed nor failed):")
        for group in _not_evaluated_groups(result):
            where = group["where"]
            head = f"  {group['policy']} [{group['enforcementLevel']}]"
            if len(where) == 1:
                lines.append(f"{head}: {_where(where[0]['urn'])}: {where[0]['reason']}")
                continue
            lines.append(f"{head}: {len(where)} places")
            for w in where:
                lines.append(f"      {_where(w['urn'])}: {w['reason']}")
    lines.append("")
    lines.append(f"Result: {verdict(result)}")
    lines.append("")
    return "\n".join(lines)


def verdict(result: StackResult) -> str:
    if result.error is not None:
        return "ERROR (the stack could not be checked)"
    if result.mandatory:
        text = f"FAIL ({len(result.mandatory)} mandatory violation(s))"
    elif result.advisory:
        text = f"PASS with {len(result.advisory)} advisory violation(s)"
    else:
        text = "PASS"
    unevaluated = {d.policy for d in result.not_evaluated}
    if unevaluated:
        text += f"; {len(unevaluated)} policy(ies) not evaluated"
    return text


def render_text(results: Iterable[StackResult]) -> str:
    results = list(results)
    text = "\n".join(render_stack(r) for r in results)
    if len(results) > 1:
        summary = ", ".join(f"{r.stack}: {verdict(r)}" for r in results)
        text += f"\nOverall: exit {exit_code(results)} ({summary})\n"
    return text
