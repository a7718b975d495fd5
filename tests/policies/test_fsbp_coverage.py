"""The README's "FSBP coverage" table tells the truth about the pack.

Every ``fsbp:`` tag of a policy appears in the table, as an implemented control naming that policy; every policy the
table names exists, and an implemented row names only policies that tag its control; the counts above the table
match its rows.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from guardrails.registry import all_policies

README = Path(__file__).resolve().parents[2] / "README.md"
STATUSES = ("implemented", "not applicable", "not possible offline")
ROW = re.compile(r"^\| (?P<control>[A-Za-z0-9]+\.\d+) \| (?P<title>[^|]+) \| (?P<status>[^|]+) \| (?P<cell>.+) \|$")
NAME = re.compile(r"`([^`]+)`")


def _section() -> str:
    text = README.read_text()
    start = text.index("### FSBP coverage")
    end = text.index("\n## ", start)
    return text[start:end]


def _tables() -> list[list[dict[str, str]]]:
    """The section's tables, each a list of rows (control, title, status, cell)."""
    tables: list[list[dict[str, str]]] = []
    current: list[dict[str, str]] | None = None
    for line in _section().splitlines():
        if line.startswith("| Control |"):
            current = []
            tables.append(current)
        elif not line.startswith("|"):
            current = None
        elif current is not None and (found := ROW.match(line)):
            current.append({k: v.strip() for k, v in found.groupdict().items()})
    return tables


TABLES = _tables()
ROWS = [row for table in TABLES for row in table]
BY_CONTROL = {row["control"]: row for row in ROWS}
POLICIES = {p.name: p for p in all_policies()}
TAGS = sorted((tag.removeprefix("fsbp:"), p.name) for p in POLICIES.values() for tag in p.tags or []
              if tag.startswith("fsbp:"))


def _named(row: dict[str, str]) -> list[str]:
    return NAME.findall(row["cell"])


def test_the_section_has_the_fsbp_table_and_the_table_of_other_tagged_controls():
    assert len(TABLES) == 2 and all(TABLES), "expected two non-empty tables in the FSBP coverage section"
    controls = [row["control"] for row in ROWS]
    assert [c for c, n in Counter(controls).items() if n > 1] == [], "a control is listed twice"


@pytest.mark.parametrize("control, policy", TAGS)
def test_every_fsbp_tag_is_an_implemented_row_naming_its_policy(control, policy):
    row = BY_CONTROL.get(control)
    assert row is not None, f"{policy} tags fsbp:{control}, which the README table does not list"
    assert row["status"] == "implemented", f"{control} is implemented by {policy} but listed as {row['status']!r}"
    assert policy in _named(row), f"the README row of {control} does not name {policy}"


@pytest.mark.parametrize("row", ROWS, ids=[row["control"] for row in ROWS])
def test_every_row_is_consistent_with_the_pack(row):
    assert row["status"] in STATUSES, f"{row['control']}: unknown status {row['status']!r}"
    missing = [name for name in _named(row) if name not in POLICIES]
    assert missing == [], f"{row['control']}: the README names policies that do not exist: {missing}"
    if row["status"] == "implemented":
        assert _named(row), f"{row['control']}: implemented, but no policy is named"
        untagged = [n for n in _named(row) if f"fsbp:{row['control']}" not in (POLICIES[n].tags or [])]
        assert untagged == [], f"{row['control']}: named policies do not tag it: {untagged}"
    else:
        assert NAME.sub("", row["cell"]).strip(" .()"), f"{row['control']}: no reason given"


def test_counts_match_the_fsbp_table():
    fsbp = TABLES[0]
    counts = Counter(row["status"] for row in fsbp)
    expected = (f"FSBP controls: {len(fsbp)}. Implemented: {counts['implemented']}. Not applicable: "
                f"{counts['not applicable']}. Not possible offline: {counts['not possible offline']}.")
    assert expected in _section(), f"the counts line should read: {expected}"


def test_the_second_table_holds_only_tagged_controls():
    tagged = {control for control, _ in TAGS}
    assert [row["control"] for row in TABLES[1] if row["control"] not in tagged] == []
