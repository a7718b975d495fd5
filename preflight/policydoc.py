"""``aws.iam.get_policy_document`` computed from its arguments, as the AWS provider computes it.

The data source is a pure function, so the preflight answers it exactly and policies judge the real document. The
rules, from the provider's documentation and behaviour:

- ``version`` defaults to ``2012-10-17`` (``2008-10-17`` is the only other value); ``policy_id`` becomes ``Id``.
- A statement's ``effect`` defaults to ``Allow`` (``Allow`` or ``Deny``); ``sid`` is alphanumeric and unique among
  ``statements``. ``actions``, ``not_actions``, ``resources``, ``not_resources`` and each principal's
  ``identifiers`` are sets: duplicates go, a single element is written as a string, several as a list sorted in
  reverse order. ``resources``, identifiers and condition values turn ``&{var}`` into ``${var}`` (an error in a
  ``2008-10-17`` document). Principals group by ``type`` (``{"AWS": [...], "Service": ...}``); a single ``*``
  principal of type ``*`` is written ``"*"``. Conditions group as ``{test: {variable: values}}``; values of one test
  and variable add up, a single value is written as a string.
- Merging: the ``source_policy_documents`` are merged in order (their ``Sid``\\ s must be unique across them), then
  the document's own ``statements``, then the ``override_policy_documents`` in order. A merged statement with a
  non-empty ``Sid`` replaces an earlier statement with the same ``Sid`` in place; any other is appended. A merged
  document's ``Id`` replaces the current one, and its ``Version`` replaces it when it is later.
- Output: ``json`` is the document indented by two spaces, keys in the order ``Version``, ``Id``, ``Statement`` and
  ``Sid``, ``Effect``, ``Action``, ``NotAction``, ``Resource``, ``NotResource``, ``Principal``, ``NotPrincipal``,
  ``Condition`` (map keys sorted), empty parts left out, ``<``, ``>`` and ``&`` escaped; ``minified_json`` is the
  same without whitespace; ``id`` is the CRC-32 of ``json``. Statements read from documents keep their values as
  written, except principals and conditions, which are rewritten by the rules above.

Arguments the provider would reject raise ``PolicyDocumentError`` with the provider's message.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

VERSIONS = ("2008-10-17", "2012-10-17")
DEFAULT_VERSION = "2012-10-17"
_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal",
                   "Condition")
_SID = re.compile(r"^[a-zA-Z0-9]*$")


class PolicyDocumentError(ValueError):
    """The arguments are invalid; ``property`` names the argument as the provider reports it."""

    def __init__(self, prop: str, message: str) -> None:
        super().__init__(message)
        self.property = prop


# A principal or condition set is kept as the provider keeps it: a list of (type, identifiers) or
# (test, variable, values), where identifiers and values are a string or a list of strings.
Principals = list[tuple[str, Any]]
Conditions = list[tuple[str, str, Any]]


def _set_of_strings(values: Sequence[Any] | None) -> Any:
    """A set argument as the provider writes it: one element as a string, several reverse-sorted."""
    unique = sorted({str(v) for v in values or []})
    if len(unique) == 1:
        return unique[0]
    return list(reversed(unique))


def _replace_vars(value: Any, version: str, prop: str) -> Any:
    items = [value] if isinstance(value, str) else list(value)
    for item in items:
        if version == "2008-10-17" and "&{" in item:
            raise PolicyDocumentError(prop, f"found &{{ sequence in ({item}), which is not supported in document "
                                            "version 2008-10-17")
    replaced = [item.replace("&{", "${") for item in items]
    return replaced[0] if isinstance(value, str) else replaced


def _principals_json(principals: Principals) -> Any:
    if len(principals) == 1 and principals[0][0] == "*" and principals[0][1] in ("*", ["*"]):
        return "*"
    raw: dict[str, Any] = {}
    for kind, identifiers in principals:
        current = raw.get(kind)
        if isinstance(identifiers, list):
            ids = sorted(identifiers, reverse=True)
            raw[kind] = ([] if current is None else [current] if isinstance(current, str) else current) + ids
        elif current is None:
            raw[kind] = identifiers
        else:
            raw[kind] = ([current] if isinstance(current, str) else current) + [identifiers]
    return dict(sorted(raw.items()))


def _conditions_json(conditions: Conditions) -> dict[str, dict[str, Any]]:
    raw: dict[str, dict[str, list[str]]] = {}
    for test, variable, values in conditions:
        bucket = raw.setdefault(test, {}).setdefault(variable, [])
        bucket.extend([values] if isinstance(values, str) else values)
    return {test: {var: (vals[0] if len(vals) == 1 else vals) for var, vals in sorted(variables.items())}
            for test, variables in sorted(raw.items())}


# ---- the document model -----------------------------------------------------------------------------------------


class Statement:
    def __init__(self, **parts: Any) -> None:
        self.parts = {k: v for k, v in parts.items() if v is not None}

    @property
    def sid(self) -> str:
        return self.parts.get("Sid") or ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in _STATEMENT_KEYS:
            value = self.parts.get(key)
            if key in ("Sid", "Effect") and not value:
                continue
            if key in ("Principal", "NotPrincipal"):
                if value:
                    out[key] = _principals_json(value)
            elif key == "Condition":
                if value:
                    out[key] = _conditions_json(value)
            elif value is not None:
                out[key] = value
        return out


class Document:
    def __init__(self, version: str = "", id_: str = "", statements: list[Statement] | None = None) -> None:
        self.version, self.id, self.statements = version, id_, list(statements or [])

    def merge(self, other: Document) -> None:
        if other.id:
            self.id = other.id
        if other.version > self.version:
            self.version = other.version
        for new in other.statements:
            if not new.sid:
                self.statements.append(new)
                continue
            for i, existing in enumerate(self.statements):
                if existing.sid == new.sid:
                    self.statements[i] = new
                    break
            else:
                self.statements.append(new)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.version:
            out["Version"] = self.version
        if self.id:
            out["Id"] = self.id
        if self.statements:
            out["Statement"] = [s.to_json() for s in self.statements]
        return out


# ---- documents given as JSON (source and override documents) ----------------------------------------------------


def _field(data: Mapping[str, Any], name: str) -> Any:
    """A field matched without regard to case, as the provider's JSON decoding matches it."""
    for key, value in data.items():
        if key.lower() == name.lower():
            return value
    return None


def _parse_principals(value: Any, where: str) -> Principals | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [("*", ["*"])]
    if not isinstance(value, dict):
        raise PolicyDocumentError(where, f"{where}: unsupported data type {type(value).__name__} for Principal")
    out: Principals = []
    for kind, ids in value.items():
        if isinstance(ids, str):
            out.append((kind, ids))
        elif isinstance(ids, list) and all(isinstance(i, str) for i in ids):
            out.append((kind, sorted(ids)))
        else:
            raise PolicyDocumentError(where, f"{where}: principal type {kind!r} must be a string or strings")
    return out


def _parse_conditions(value: Any, where: str) -> Conditions | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise PolicyDocumentError(where, f"{where}: Condition must map tests to variables and values")
    out: Conditions = []
    for test, variables in value.items():
        for variable, values in variables.items():
            if isinstance(values, bool):
                out.append((test, variable, "true" if values else "false"))
            elif isinstance(values, str):
                out.append((test, variable, [values]))
            elif isinstance(values, list):
                if not all(isinstance(v, str) for v in values):
                    raise PolicyDocumentError(where, f"{where}: condition values of {test} {variable} must be strings")
                out.append((test, variable, list(values)))
            # other JSON types (numbers) are dropped, as the provider drops them
    return out


def parse_document(text: Any, prop: str, index: int) -> Document:
    where = f"merging {'source' if prop.startswith('source') else 'override'} document {index}"
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise PolicyDocumentError(prop, f"writing IAM Policy Document: {where}: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyDocumentError(prop, f"writing IAM Policy Document: {where}: not a JSON object")
    raw = _field(data, "Statement")
    if raw is not None and not isinstance(raw, list):
        raise PolicyDocumentError(prop, f"writing IAM Policy Document: {where}: Statement must be a list")
    statements = []
    for stmt in raw or []:
        if not isinstance(stmt, dict):
            raise PolicyDocumentError(prop, f"writing IAM Policy Document: {where}: a statement must be an object")
        statements.append(Statement(
            Sid=_field(stmt, "Sid"), Effect=_field(stmt, "Effect"), Action=_field(stmt, "Action"),
            NotAction=_field(stmt, "NotAction"), Resource=_field(stmt, "Resource"),
            NotResource=_field(stmt, "NotResource"),
            Principal=_parse_principals(_field(stmt, "Principal"), where),
            NotPrincipal=_parse_principals(_field(stmt, "NotPrincipal"), where),
            Condition=_parse_conditions(_field(stmt, "Condition"), where)))
    return Document(str(_field(data, "Version") or ""), str(_field(data, "Id") or ""), statements)


# ---- the document's own statements -------------------------------------------------------------------------------


def _principal_blocks(blocks: Sequence[Mapping[str, Any]] | None, version: str, prop: str) -> Principals | None:
    out: Principals = []
    for block in blocks or []:
        ids = _replace_vars(_set_of_strings(block.get("identifiers")), version, prop)
        entry = (str(block.get("type") or ""), ids)
        if entry not in out:  # principal blocks are a set
            out.append(entry)
    return out or None


def _condition_blocks(blocks: Sequence[Mapping[str, Any]] | None, version: str) -> Conditions | None:
    out: Conditions = []
    for block in blocks or []:
        values = _replace_vars([str(v) for v in block.get("values") or []], version, "statements")
        out.append((str(block.get("test") or ""), str(block.get("variable") or ""),
                    values[0] if len(values) == 1 else values))
    return out or None


def _own_statements(statements: Sequence[Mapping[str, Any]], version: str) -> list[Statement]:
    out = []
    sids: set[str] = set()
    for i, cfg in enumerate(statements):
        effect = cfg.get("effect") or "Allow"
        if effect not in ("Allow", "Deny"):
            where = f"statements[{i}].effect"
            raise PolicyDocumentError(where, f"{where}: expected effect to be one of [Allow Deny], got {effect}")
        sid = cfg.get("sid") or ""
        if not _SID.match(sid):
            raise PolicyDocumentError(f"statements[{i}].sid",
                                      f"statements[{i}].sid: must only include alphanumeric characters")
        if sid in sids:
            raise PolicyDocumentError("statements", f"writing IAM Policy Document: duplicate Sid ({sid}). Remove the "
                                                    "Sid or ensure the Sid is unique.")
        if sid:
            sids.add(sid)
        parts: dict[str, Any] = {"Sid": sid, "Effect": effect}
        for arg, key in (("actions", "Action"), ("notActions", "NotAction")):
            if cfg.get(arg):
                parts[key] = _set_of_strings(cfg[arg])
        for arg, key in (("resources", "Resource"), ("notResources", "NotResource")):
            if cfg.get(arg):
                parts[key] = _replace_vars(_set_of_strings(cfg[arg]), version, f"statements[{i}].{arg}")
        parts["Principal"] = _principal_blocks(cfg.get("principals"), version, f"statements[{i}].principals")
        parts["NotPrincipal"] = _principal_blocks(cfg.get("notPrincipals"), version, f"statements[{i}].notPrincipals")
        parts["Condition"] = _condition_blocks(cfg.get("conditions"), version)
        out.append(Statement(**parts))
    return out


# ---- the data source ----------------------------------------------------------------------------------------------


def _go_json(value: Any, indent: int | None) -> str:
    """JSON as Go's encoder writes it: UTF-8 as is, ``<``, ``>``, ``&`` and line separators escaped."""
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def document(args: Mapping[str, Any]) -> dict[str, Any]:
    """The merged policy document for the data source's (wire-named) arguments."""
    version = args.get("version") or DEFAULT_VERSION
    if version not in VERSIONS:
        raise PolicyDocumentError("version", f"version: expected version to be one of {list(VERSIONS)}, got {version}")
    for deprecated, instead in (("sourceJson", "sourcePolicyDocuments"), ("overrideJson", "overridePolicyDocuments")):
        if args.get(deprecated):
            raise PolicyDocumentError(deprecated, f"{deprecated}: expected to be empty (not used; use {instead})")
    merged = Document()
    seen: set[str] = set()
    for index, text in enumerate(args.get("sourcePolicyDocuments") or []):
        if text is None:
            continue
        source = parse_document(text, "sourcePolicyDocuments", index)
        for n, stmt in enumerate(source.statements):
            if stmt.sid:
                if stmt.sid in seen:
                    raise PolicyDocumentError(
                        "sourcePolicyDocuments",
                        f"writing IAM Policy Document: merging source document {index}: duplicate Sid ({stmt.sid}) in "
                        f"source_policy_documents (statement {n}). Remove the Sid or ensure Sids are unique.")
                seen.add(stmt.sid)
        merged.merge(source)
    merged.merge(Document(version, args.get("policyId") or "", _own_statements(args.get("statements") or [], version)))
    for index, text in enumerate(args.get("overridePolicyDocuments") or []):
        if text is not None:
            merged.merge(parse_document(text, "overridePolicyDocuments", index))
    return merged.to_json()


def get_policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    """The data source's whole result: ``json``, ``minifiedJson``, ``id`` and the arguments as the provider echoes."""
    doc = document(args)
    pretty = _go_json(doc, 2)
    result: dict[str, Any] = {
        "id": str(zlib.crc32(pretty.encode())), "json": pretty, "minifiedJson": _go_json(doc, None),
        "version": args.get("version") or DEFAULT_VERSION,
        "statements": [{**s, "effect": s.get("effect") or "Allow"} for s in args.get("statements") or []],
    }
    for key in ("policyId", "sourcePolicyDocuments", "overridePolicyDocuments"):
        if args.get(key) is not None:
            result[key] = args[key]
    return result
