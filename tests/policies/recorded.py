"""Stack fixtures from real components: what a component registered under the mocks, as the engine hands it to a
stack policy (outputs as properties, property dependencies as resources)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from preflight.engine import Recording
from tests.policies.harness import Res


def resources(rec: Recording) -> list[Res]:
    """Every custom resource of ``rec``; a name shared by several resources gets its type appended."""
    custom = [r for r in rec.resources if r.custom]
    counts = Counter(r.name for r in custom)
    names = {r.urn: r.name if counts[r.name] == 1 else f"{r.name} ({r.type.rsplit(':', 1)[-1]})" for r in custom}
    return [Res(r.type, names[r.urn], dict(r.outputs),
                {prop: [names[u] for u in urns if u in names] for prop, urns in r.property_dependencies.items()})
            for r in custom]


def edit(fixture: Iterable[Res], name: str, change: Callable[[dict[str, Any]], None]) -> list[Res]:
    """A copy of ``fixture`` where ``change`` edits the properties of the resource named ``name``."""
    out = []
    found = False
    for r in fixture:
        props = json.loads(json.dumps(r.props))
        if r.name == name:
            change(props)
            found = True
        out.append(Res(r.type, r.name, props, r.deps, r.parent))
    assert found, f"no resource named {name}: {[r.name for r in fixture]}"
    return out


def edit_document(fixture: Iterable[Res], name: str, change: Callable[[list[dict[str, Any]]], None],
                  prop: str = "policy") -> list[Res]:
    """A copy of ``fixture`` where ``change`` edits the statements of the JSON document ``prop`` of ``name``."""
    def apply(props: dict[str, Any]) -> None:
        document = json.loads(props[prop])
        change(document["Statement"])
        props[prop] = json.dumps(document)
    return edit(fixture, name, apply)
