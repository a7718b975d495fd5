"""The safe reads and the never-raise guard every policy relies on."""

import pytest
from guardrails.base import _guard, as_int, as_list, count_entries, plain
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from tests.policies.harness import UNKNOWN


@pytest.mark.parametrize("value, expected", [
    (8080.0, 8080), (0.0, 0), (-1.0, -1), (80, 80), ("443", 443), (" 22 ", 22), ("-1", -1),
    (8080.5, None), ("8080.0", None), ("tcp", None), ("", None), (True, None), (False, None), (None, None),
    ([80], None),
])
def test_as_int_takes_whole_numbers_only(value, expected):
    assert as_int(value) == expected


def test_as_list_and_count_entries():
    assert as_list(None) == [] and as_list("a") == ["a"] and as_list(b"a") == [b"a"]
    assert as_list({"k": 1}) == [{"k": 1}] and as_list(("a", "b")) == ["a", "b"] and as_list([]) == []
    assert count_entries(None) == 0 and count_entries([]) == 0 and count_entries(["a", "b"]) == 2
    assert count_entries("subnet-a") == 1 and count_entries(b"x") == 1 and count_entries({"a": 1}) == 1


def test_count_entries_does_not_read_unknown_elements():
    proxied = unknown_checking_proxy({"subnets": [UNKNOWN, UNKNOWN, UNKNOWN]})
    assert count_entries(proxied["subnets"]) == 3


def test_plain_copies_proxies_deeply_and_keeps_strings():
    proxied = unknown_checking_proxy({"a": [{"b": "text", "c": 1.0}], "d": "xy"})
    copy = plain(proxied)
    assert copy == {"a": [{"b": "text", "c": 1.0}], "d": "xy"}
    assert type(copy) is dict and type(copy["a"]) is list and type(copy["a"][0]) is dict
    assert plain("abc") == "abc" and plain(b"ab") == b"ab" and plain(None) is None
    with pytest.raises(UnknownValueError):
        plain(unknown_checking_proxy({"a": [UNKNOWN]}))


def test_guard_reports_a_failing_check_and_lets_sdk_signals_through():
    reported = []

    def broken(args, report):
        raise KeyError("oops")

    _guard("p", broken)(None, lambda message, urn=None: reported.append(message))
    assert reported == ["p could not evaluate this input (KeyError: 'oops'); fix the input or the policy."]

    def unknown(args, report):
        unknown_checking_proxy({"x": UNKNOWN})["x"]

    with pytest.raises(UnknownValueError):
        _guard("p", unknown)(None, lambda message, urn=None: None)
