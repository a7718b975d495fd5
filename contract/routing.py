"""Which listener rule hides which: ALB evaluates a listener's rules by priority, lowest first, and the first rule
whose conditions match takes the request."""

from __future__ import annotations


def covers(pattern: str, other: str) -> bool:
    """Whether path ``pattern`` matches every path ``other`` matches: equal, or ``pattern`` is a prefix followed by
    a single trailing * that ``other`` starts with (the case of a catch-all such as /* or /api/*)."""
    if pattern == other:
        return True
    head = pattern[:-1]
    return pattern.endswith("*") and "*" not in head and "?" not in head and other.startswith(head)


def hosts_cover(host: str | None, other: str | None) -> bool:
    """Whether host condition ``host`` (None: any host) matches every host ``other`` matches."""
    return host is None or (other is not None and host.lower() == other.lower())


def hides(first: tuple[str, str | None], second: tuple[str, str | None]) -> bool:
    """Whether a rule on (path, host) ``first``, evaluated before ``second``, takes all of its traffic."""
    return covers(first[0], second[0]) and hosts_cover(first[1], second[1])
