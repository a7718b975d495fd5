"""The test suite's one mocks module: runs code under preflight's recording mock engine.

Tests build components (or run the real program) inside ``record`` and assert on what the engine was sent: the
recorded inputs (camelCase wire names, numbers as floats, references as ids), parents, URNs, protect flags and
property dependencies. Never on ``Output`` objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from components.shared.context import PlatformContext
from preflight import engine
from preflight.engine import ACCOUNT_ID, Recording, Registration
from settings import PROJECT

REGION = "eu-west-1"


def record(fn: Callable[[], None], stack: str = "test", config: Mapping[str, str] | None = None,
           preview: bool = False, registrations: list[Registration] | None = None) -> Recording:
    """Run ``fn`` as the body of a fresh stack; ``aws:region`` defaults to eu-west-1."""
    return engine.run(fn, project=PROJECT, stack=stack, config={"aws:region": REGION, **(config or {})},
                      preview=preview, registrations=registrations)


def record_failure(fn: Callable[[], None], stack: str = "test", config: Mapping[str, str] | None = None,
                   preview: bool = False) -> tuple[Exception, list[Registration]]:
    """Run ``fn`` expecting it to raise: the error and everything registered before it."""
    registered: list[Registration] = []
    try:
        recording = record(fn, stack=stack, config=config, preview=preview, registrations=registered)
    except Exception as exc:  # noqa: BLE001 - the error is the result
        return exc, registered
    raise AssertionError(f"expected the program to fail; it registered {len(recording.resources)} resource(s)")


def of_type(recording: Recording, resource_type: str) -> list[Registration]:
    return recording.by_type(resource_type)


def one(recording: Recording, resource_type: str) -> Registration:
    found = recording.by_type(resource_type)
    assert len(found) == 1, f"expected one {resource_type}, got {[r.urn for r in found]}"
    return found[0]


def refs(recording: Recording, registration: Registration, prop: str) -> list[Registration]:
    """The resources input ``prop`` of ``registration`` was built from (its property dependencies; the engine
    keeps no order, so for a list input compare sets)."""
    by_urn = {r.urn: r for r in recording.resources}
    return [by_urn[urn] for urn in registration.property_dependencies.get(prop, []) if urn in by_urn]


def ref(recording: Recording, registration: Registration, prop: str, attr: str = "id") -> Registration:
    """The one resource input ``prop`` was built from; the input must hold that resource's ``attr``."""
    found = refs(recording, registration, prop)
    assert len(found) == 1, f"{registration.urn}: {prop} depends on {[x.urn for x in found]}"
    value = found[0].id if attr == "id" else found[0].outputs[attr]
    assert registration.inputs[prop] == value, \
        f"{registration.urn}: {prop} = {registration.inputs[prop]!r}, not the {attr} of {found[0].urn}"
    return found[0]


def context(**changes: object) -> PlatformContext:
    """A PlatformContext for component tests: stack test in eu-west-1, the mocks' account, 30-day logs."""
    values: dict[str, object] = {"stack": "test", "region": REGION, "account_id": ACCOUNT_ID,
                                 "log_retention_days": 30, "protect": False}
    return PlatformContext(**{**values, **changes})  # type: ignore[arg-type]
