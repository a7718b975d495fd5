"""``pulumi.StackReference`` answered from the preflight report of the referenced stack.

    python -m preflight --stack team --stack-reference acme/department/prod=reports/department.json

A report written with ``--json`` carries each stack's exported ``outputs``, the names of the secret ones
(``secretOutputs``; their values are withheld as ``[secret]``) and the invented values among them
(``inventedValues``, see ``invented``). A reference ``org/project/stack`` (or ``project/stack``, or ``stack``) is
matched to the report's stack of that name and project. In the program:

- ``get_output(name)`` and ``require_output(name)`` of an output the report lacks fail the run, naming the
  reference, the report and the outputs it has: offline, a missing output means a stale or wrong report, and a
  silent ``None`` would be judged as if it were the program's choice;
- secret outputs stay secret (``is_secret`` is true, and so is ``outputs``), with a placeholder value that, like an
  invented value, reaches the policy pack as unknown;
- an output that was unknown in the report (a preview's report) is unknown;
- a reference without a report fails the run with the option to pass.

The parent side (``load``, ``exports``) reads and writes reports; the child side (``install``, ``read``, ``seed``)
runs in the project's environment and needs only the standard library and ``pulumi``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from preflight.invented import UNKNOWN, Invented

SECRET = "[secret]"
TYPE = "pulumi:pulumi:StackReference"
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


class StackReferenceError(Exception):
    """A ``--stack-reference`` option or its report cannot be used; the message says which and why."""


# ---- the parent: reading and writing reports -------------------------------------------------------------------------


def exports(recording: Mapping[str, Any]) -> dict[str, Any]:
    """What a stack's report carries for the stacks that reference it."""
    outputs = dict(recording.get("outputs") or {})
    secret = sorted(set(recording.get("secretOutputs") or []) & set(outputs))
    shown = {k: (SECRET if k in secret else v) for k, v in outputs.items()}
    invented = Invented(recording.get("invented") or {})
    return {"outputs": shown, "secretOutputs": secret,
            "inventedValues": invented.found_in({k: v for k, v in outputs.items() if k not in secret})}


def _pick(report: Mapping[str, Any], name: str, path: Path) -> Mapping[str, Any]:
    parts = name.split("/")
    stack, project = parts[-1], parts[-2] if len(parts) >= 2 else None
    stacks = [s for s in report.get("stacks") or [] if isinstance(s, Mapping)]
    found = [s for s in stacks if s.get("stack") == stack and (project is None or s.get("project") == project)]
    if not found:
        have = ", ".join(f"{s.get('project')}/{s.get('stack')}" for s in stacks) or "none"
        raise StackReferenceError(f"--stack-reference {name}: {path} has no stack {stack!r}"
                                  f"{f' of project {project!r}' if project else ''} (it has: {have})")
    chosen = found[0]
    if chosen.get("error"):
        raise StackReferenceError(f"--stack-reference {name}: in {path}, stack {stack!r} could not be checked, so "
                                  f"it has no outputs: {str(chosen['error']).splitlines()[0]}")
    if not isinstance(chosen.get("outputs"), Mapping):
        raise StackReferenceError(f"--stack-reference {name}: {path} has no outputs for stack {stack!r}; write the "
                                  "report with this preflight's --json")
    return chosen


def load(options: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``NAME=REPORT`` options → the answer for each reference name."""
    out: dict[str, dict[str, Any]] = {}
    for option in options:
        name, sep, file = option.partition("=")
        if not sep or not name or not file:
            raise StackReferenceError(f"--stack-reference {option}: expected NAME=REPORT.json, e.g. "
                                      "acme/platform/prod=reports/prod.json")
        path = Path(file)
        try:
            report = json.loads(path.read_text())
        except OSError as exc:
            raise StackReferenceError(f"--stack-reference {name}: cannot read {path} ({exc.strerror})") from None
        except json.JSONDecodeError as exc:
            raise StackReferenceError(f"--stack-reference {name}: {path} is not JSON ({exc})") from None
        if not isinstance(report, Mapping):
            raise StackReferenceError(f"--stack-reference {name}: {path} is not a preflight report")
        stack = _pick(report, name, path)
        outputs = dict(stack["outputs"])
        secret = [k for k in stack.get("secretOutputs") or [] if k in outputs]
        invented = {str(k): str(v) for k, v in (stack.get("inventedValues") or {}).items()}
        for key in secret:
            outputs[key] = f"[secret {key} of {name}]"
            invented[outputs[key]] = f"stack reference {name} output {key} (secret: the report withholds it)"
        out[name] = {"name": name, "report": str(path), "outputs": outputs, "secretOutputs": secret,
                     "invented": invented}
    return out


# ---- the child: answering the program -------------------------------------------------------------------------------

_REFERENCES: dict[str, dict[str, Any]] = {}


def install(references: Mapping[str, Mapping[str, Any]]) -> None:
    """Answer the program's stack references from ``references`` (what ``load`` returned)."""
    _REFERENCES.clear()
    _REFERENCES.update({k: dict(v) for k, v in references.items()})
    _patch()


def seed(invented: Invented) -> None:
    """Register the referenced stacks' invented values (and secret placeholders) as invented here too."""
    for answer in _REFERENCES.values():
        invented.update(answer.get("invented") or {})


def _answer(name: str) -> dict[str, Any]:
    answer = _REFERENCES.get(name)
    if answer is None:
        matches = [a for key, a in _REFERENCES.items() if key.split("/")[-len(name.split("/")):] == name.split("/")]
        if len(matches) == 1:
            return matches[0]
        given = ", ".join(sorted(_REFERENCES)) or "none"
        raise LookupError(f"no report for the stack reference {name!r}: run the preflight with --stack-reference "
                          f"{name}=REPORT.json (references given: {given})")
    return answer


def _value(answer: Mapping[str, Any], output: str) -> Any:
    if output not in answer["outputs"]:
        have = ", ".join(sorted(answer["outputs"])) or "none"
        raise LookupError(f"stack reference {answer['name']!r} has no output {output!r} in {answer['report']} "
                          f"(outputs: {have})")
    return answer["outputs"][output]


def _has_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def read(name: str) -> tuple[str, dict[str, Any]]:
    """The mock engine's read of the reference: its id and state (secret outputs marked secret)."""
    answer = _answer(name)
    secret = set(answer["secretOutputs"])
    outputs = {k: ({_SIG_KEY: _SECRET_SIG, "value": v} if k in secret else v) for k, v in answer["outputs"].items()}
    return name, {"name": name, "outputs": outputs, "secretOutputNames": sorted(secret)}


def _output(ref: Any, name: Any) -> Any:
    import pulumi

    answer = _answer(ref._preflight_reference)
    if isinstance(name, str):
        _value(answer, name)  # fail where the program asks
    name_output = pulumi.Output.from_input(name)

    async def value() -> Any:
        found = _value(answer, await name_output.future())
        return None if _has_unknown(found) else found

    async def known() -> bool:
        return await name_output.is_known() and not _has_unknown(_value(answer, await name_output.future()))

    async def secret() -> bool:
        return await name_output.is_secret() or await name_output.future() in answer["secretOutputs"]

    async def resources() -> set[Any]:
        return {ref} | await name_output.resources()

    return pulumi.Output(asyncio.ensure_future(resources()), asyncio.ensure_future(value()),
                         asyncio.ensure_future(known()), asyncio.ensure_future(secret()))


def _patch() -> None:
    import pulumi

    cls = pulumi.StackReference
    if getattr(cls, "_preflight_patched", False):
        return
    original_init = cls.__init__
    original_details = cls.get_output_details

    def __init__(self, name, stack_name=None, opts=None):  # noqa: N807 - replaces the SDK's constructor
        target = stack_name if stack_name is not None else name
        _answer(target)
        self._preflight_reference = target
        original_init(self, name, stack_name, opts)

    async def get_output_details(self, name):
        _value(_answer(self._preflight_reference), name)
        return await original_details(self, name)

    cls.__init__ = __init__
    cls.get_output = _output
    cls.require_output = _output
    cls.get_output_details = get_output_details
    cls._preflight_patched = True
