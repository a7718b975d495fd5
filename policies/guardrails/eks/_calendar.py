"""When EKS's standard support of each Kubernetes version ends (the "Amazon EKS Kubernetes release calendar").

The policy pack runs without AWS access, so it keeps its own copy: AWS's calendar as published on ``AS_OF``. A
minor version is in standard support for 14 months after its EKS release, then in (paid) extended support for 12.
A version newer than the table was released after ``AS_OF``, so it is in standard support until at least 14 months
after ``AS_OF``; past that date this table is too old to judge it. Update the table when EKS releases a version
(``aws eks describe-cluster-versions``), or set the policy's ``oldestVersionSupported``.
"""

from __future__ import annotations

import datetime

AS_OF = datetime.date(2026, 4, 24)
STANDARD_SUPPORT_MONTHS = 14
#: version → (end of standard support, end of extended support)
CALENDAR: dict[str, tuple[datetime.date, datetime.date]] = {
    "1.29": (datetime.date(2025, 3, 23), datetime.date(2026, 3, 23)),
    "1.30": (datetime.date(2025, 7, 23), datetime.date(2026, 7, 23)),
    "1.31": (datetime.date(2025, 11, 26), datetime.date(2026, 11, 26)),
    "1.32": (datetime.date(2026, 3, 23), datetime.date(2027, 3, 23)),
    "1.33": (datetime.date(2026, 7, 29), datetime.date(2027, 7, 29)),
    "1.34": (datetime.date(2026, 12, 2), datetime.date(2027, 12, 2)),
    "1.35": (datetime.date(2027, 3, 27), datetime.date(2028, 3, 27)),
}


def parse(version: str) -> tuple[int, int] | None:
    """``"1.35"`` → ``(1, 35)``; None when it is not a Kubernetes minor version."""
    major, _, minor = version.strip().partition(".")
    if not (major.isdigit() and minor.isdigit()):
        return None
    return int(major), int(minor)


def show(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


NEWEST = max(parse(v) for v in CALENDAR)  # type: ignore[type-var]


def trusted_until() -> datetime.date:
    """The last day on which a version newer than the table is known to be in standard support."""
    month = AS_OF.month - 1 + STANDARD_SUPPORT_MONTHS
    return AS_OF.replace(year=AS_OF.year + month // 12, month=month % 12 + 1)


def oldest_in_standard_support(today: datetime.date) -> tuple[int, int]:
    """The oldest version whose standard support has not ended on ``today``; past the whole table, the version
    after its newest."""
    current = sorted(parse(v) for v, (standard, _) in CALENDAR.items() if today < standard)  # type: ignore[type-var]
    return current[0] if current else (NEWEST[0], NEWEST[1] + 1)


def end_of_standard_support(version: tuple[int, int]) -> datetime.date | None:
    entry = CALENDAR.get(show(version))
    return entry[0] if entry else None
