"""Deploy-time validity: what an EventBridge ECS target passes to RunTask fits its task definition.

For an ECS target, the target's ``input`` (or the input transformer's ``inputTemplate``) is RunTask's task
overrides: ``{"containerOverrides": [{"name": ..., "environment": [...], "command": [...]}], ...}``. RunTask fails
(and the event goes to the dead-letter queue, or is lost) when an override names a container the task definition
does not have, or when the input is not a JSON object. Placeholders of an input template that stand outside a JSON
string are read as null.

A stack policy over every ``aws:cloudwatch/eventTarget:EventTarget`` with ``ecsTarget`` and an input, relating it to
the task definition it runs (by dependency, else known ARN). A target without input runs the task as defined: not
applicable. A task definition from elsewhere cannot be read: only the shape of the input is judged.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from guardrails._graph import declared
from guardrails.base import stack_policy
from guardrails.ecs._task import BadContainerDefinitions, containers
from guardrails.events._targets import EcsTarget, Targets, overrides


def _input(use: EcsTarget) -> tuple[str, str] | None:
    """(where, text) of the target's input, or None when it passes none."""
    transformer = declared(use.target, "inputTransformer")
    if isinstance(transformer, Mapping) and transformer.get("inputTemplate") is not None:
        return "inputTransformer.inputTemplate", transformer.get("inputTemplate")
    text = declared(use.target, "input")
    return ("input", text) if text is not None else None


def _check(use: EcsTarget, report: ReportViolation) -> None:
    found = _input(use)
    if found is None:
        return
    where, text = found
    name = use.target.name
    try:
        value = overrides(str(text))
    except ValueError:
        report(f"EventBridge target '{name}' passes {where} that is not JSON; for an ECS target it must be the JSON "
               "of RunTask's task overrides ({\"containerOverrides\": [...]}).", use.target.urn)
        return
    if not isinstance(value, dict):
        report(f"EventBridge target '{name}' passes {where} that is not a JSON object; for an ECS target it must be "
               "RunTask's task overrides ({\"containerOverrides\": [...]}).", use.target.urn)
        return
    entries = value.get("containerOverrides", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        report(f"EventBridge target '{name}': containerOverrides in its {where} is not a list of objects.",
               use.target.urn)
        return
    if use.task_definition is None:
        return
    try:
        defined = [c.get("name") for c in containers(use.task_definition.props)]
    except BadContainerDefinitions:
        return  # reported by the policies that judge task definitions
    for entry in entries:
        if entry.get("name") not in defined:
            names = ", ".join(f"'{n}'" for n in defined) or "none"
            report(f"EventBridge target '{name}' overrides container '{entry.get('name')}', which task definition "
                   f"'{use.task_definition.name}' does not have (its containers: {names}); RunTask would fail. Name "
                   "one of its containers.", use.target.urn)
    for key in ("taskRoleArn", "executionRoleArn"):
        if key in value:
            report(f"EventBridge target '{name}' overrides {key} in its {where}; the role then differs from the one "
                   "the EventBridge role may pass. Keep the task definition's roles.", use.target.urn)


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    targets = Targets(args.resources)
    with_input = [u for u in targets.ecs if _input(u) is not None]
    if not with_input:
        args.not_applicable("no EventBridge ECS target passes an input")
    for use in with_input:
        _check(use, report)


POLICY = stack_policy(
    name="events-ecs-target-overrides-valid",
    description=(
        "The input an EventBridge ECS target passes is RunTask's task overrides, and it overrides only containers "
        "its task definition has."
    ),
    service="events",
    severity=Severity.HIGH,
    remediation=(
        "Make input (or input_transformer.input_template) on aws.cloudwatch.EventTarget a JSON object "
        "{\"containerOverrides\": [{\"name\": <a container of the task definition>, \"environment\": [...]}]}, "
        "with placeholders inside JSON strings (\"<key>\"), and keep the task definition's roles."
    ),
    validate=check,
)
