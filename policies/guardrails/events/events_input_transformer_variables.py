"""Deploy-time validity: an EventBridge input transformer's template uses only variables its input paths define.

Judges ``aws:cloudwatch/eventTarget:EventTarget`` with ``inputTransformer``. A ``<name>`` placeholder in
``inputTemplate`` must be a key of ``inputPaths`` or one of EventBridge's predefined variables (``aws.events.rule-arn``,
``aws.events.rule-name``, ``aws.events.event.ingestion-time``, ``aws.events.event``, ``aws.events.event.json``);
otherwise EventBridge passes the placeholder through and the target gets text that was never an event's value.
EventBridge's own limits are checked too: at most 100 input paths, keys that do not start with "AWS" (reserved),
paths that are JSON paths (starting with ``$``), a template of at most 8192 characters.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.events._targets import PREDEFINED_VARIABLES, TARGET, placeholders

MAX_INPUT_PATHS = 100
MAX_TEMPLATE = 8192


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TARGET:
        return
    transformer = args.props.get("inputTransformer")
    if transformer is None:
        args.not_applicable("the target has no input transformer")
    template = transformer.get("inputTemplate")
    paths = transformer.get("inputPaths") or {}
    if not isinstance(paths, Mapping):
        report("inputTransformer.inputPaths is not a mapping of variable names to JSON paths.")
        return
    paths = dict(paths)
    if len(paths) > MAX_INPUT_PATHS:
        report(f"inputTransformer.inputPaths defines {len(paths)} variables; EventBridge allows {MAX_INPUT_PATHS}.")
    for name, path in sorted(paths.items()):
        if name.lower().startswith("aws"):
            report(f"inputTransformer.inputPaths key '{name}' starts with 'AWS', which EventBridge reserves; rename "
                   "it.")
        if not isinstance(path, str) or not path.startswith("$"):
            report(f"inputTransformer.inputPaths['{name}'] is {path!r}, not a JSON path into the event (such as "
                   "$.detail.object.key).")
    if not isinstance(template, str):
        report("inputTransformer.inputTemplate is not set; give the template EventBridge fills in.")
        return
    if len(template) > MAX_TEMPLATE:
        report(f"inputTransformer.inputTemplate has {len(template)} characters; EventBridge allows {MAX_TEMPLATE}.")
    missing = [v for v in dict.fromkeys(placeholders(template)) if v not in paths and v not in PREDEFINED_VARIABLES]
    for variable in missing:
        known = ", ".join(sorted(paths)) or "none"
        report(f"inputTransformer.inputTemplate uses <{variable}>, which inputPaths does not define (it defines: "
               f"{known}); add '{variable}' to inputPaths or fix the template.")


POLICY = resource_policy(
    name="events-input-transformer-variables",
    description=(
        "An EventBridge input transformer's template uses only variables defined in its input paths (or "
        "EventBridge's predefined ones), within EventBridge's limits."
    ),
    service="events",
    severity=Severity.HIGH,
    remediation=(
        "For every <name> in input_transformer.input_template on aws.cloudwatch.EventTarget, add name to "
        "input_transformer.input_paths with a JSON path into the event (e.g. {'key': '$.detail.object.key'}); "
        "keep at most 100 paths, no key starting with AWS."
    ),
    validate=check,
)
