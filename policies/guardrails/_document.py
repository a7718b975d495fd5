"""Reading an IAM-style policy document (role, bucket, key, file-system and repository policies alike)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from guardrails.base import plain


class DocumentError(ValueError):
    """A policy document that is not valid IAM policy JSON."""


def raw_statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy document given as a JSON string or as an object, each as written.

    Raises DocumentError when it is not a policy document; reading a proxied object lets an unknown value raise.
    """
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise DocumentError(f"it is not valid JSON ({exc})") from None
    elif isinstance(document, Mapping):
        document = plain(document)
    if not isinstance(document, dict):
        raise DocumentError("it is not a JSON object")
    raw = document.get("Statement")
    raw = [raw] if isinstance(raw, dict) else raw
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise DocumentError("its Statement is not an object or a list of objects")
    return raw
