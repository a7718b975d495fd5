"""Building blocks every policy module uses: metadata, the never-raise guard, and safe property reads.

A policy module defines its check and exposes it as ``POLICY = resource_policy(...)`` or
``POLICY = stack_policy(...)``. The module's stem must be the policy name in snake_case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

FSBP = "AWS Foundational Security Best Practices"
FSBP_VERSION = "1.0.0"
FSBP_REFERENCE = "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html"

ResourceCheck = Callable[[ResourceValidationArgs, ReportViolation], None]
StackCheck = Callable[[StackValidationArgs, ReportViolation], None]


def _passes_through(exc: BaseException) -> bool:
    """Unknown values (preview) and not-applicable markers are the SDK's own signals: let them through."""
    return isinstance(exc, UnknownValueError) or type(exc).__name__ == "_NotApplicableError"


def _guard(name: str, check: Callable[[Any, ReportViolation], None]) -> Callable[[Any, ReportViolation], None]:
    """Run ``check`` so that a bug or an odd input is reported as a violation, never raised to the engine.

    An exception escaping a policy fails the whole ``pulumi preview``; failing closed with a message keeps the
    gate honest without taking the run down.
    """

    def guarded(args: Any, report: ReportViolation) -> None:
        try:
            check(args, report)
        except Exception as exc:  # noqa: BLE001 - see docstring
            if _passes_through(exc):
                raise
            report(f"{name} could not evaluate this input ({type(exc).__name__}: {exc}); fix the input or the policy.")

    guarded.__wrapped__ = check  # type: ignore[attr-defined]
    return guarded


def _build(policy_class: type, *, name: str, description: str, service: str, severity: Severity,
           remediation: str, validate: Callable[[Any, ReportViolation], None], controls: Iterable[str],
           tags: Iterable[str], enforcement: EnforcementLevel, config_schema: PolicyConfigSchema | None) -> Any:
    """The pulumi_policy object with its metadata: the FSBP framework and tags for the controls it implements."""
    controls = list(controls)
    framework = (
        PolicyComplianceFramework(
            name=FSBP, version=FSBP_VERSION, reference=", ".join(controls), specification=FSBP_REFERENCE
        )
        if controls
        else None
    )
    return policy_class(
        name=name,
        description=description,
        validate=_guard(name, validate),
        enforcement_level=enforcement,
        config_schema=config_schema,
        severity=severity,
        framework=framework,
        tags=[f"service:{service}", *(f"fsbp:{c}" for c in controls), *tags],
        remediation_steps=remediation,
    )


def resource_policy(
    *,
    name: str,
    description: str,
    service: str,
    severity: Severity,
    remediation: str,
    validate: ResourceCheck,
    controls: Iterable[str] = (),
    tags: Iterable[str] = (),
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    config_schema: PolicyConfigSchema | None = None,
) -> ResourceValidationPolicy:
    """A policy that judges one resource's inputs at a time.

    ``config_schema`` declares the policy's own configuration properties (read with ``args.get_config()``).
    """
    return _build(ResourceValidationPolicy, name=name, description=description, service=service, severity=severity,
                  remediation=remediation, validate=validate, controls=controls, tags=tags, enforcement=enforcement,
                  config_schema=config_schema)


def stack_policy(
    *,
    name: str,
    description: str,
    service: str,
    severity: Severity,
    remediation: str,
    validate: StackCheck,
    controls: Iterable[str] = (),
    tags: Iterable[str] = (),
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    config_schema: PolicyConfigSchema | None = None,
) -> StackValidationPolicy:
    """A policy that judges the whole stack at once (relations between resources)."""
    return _build(StackValidationPolicy, name=name, description=description, service=service, severity=severity,
                  remediation=remediation, validate=validate, controls=controls, tags=tags, enforcement=enforcement,
                  config_schema=config_schema)


# ---- safe reads -------------------------------------------------------------------------------------------
# Policy inputs are read-only proxies in Pulumi's wire format: numbers arrive as floats, lists and maps as
# Sequence/Mapping proxies, and an absent property is simply missing. These helpers turn them into plain values.


def plain(value: Any) -> Any:
    """A deep, plain copy of a proxied value (dicts and lists), reading every element."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [plain(v) for v in value]
    return value


def as_int(value: Any) -> int | None:
    """A whole number from a wire value (8080.0 → 8080); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def as_list(value: Any) -> list[Any]:
    """A list from a wire value: None → [], a single value → [value]."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)):
        return [value]
    return list(value)



def count_entries(value: Any) -> int:
    """Entries of a list input without reading them (elements may be unknown in a preview); one for a scalar."""
    if value is None:
        return 0
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return len(value)
    return 1
