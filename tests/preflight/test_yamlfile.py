"""YAML read as Go's yaml.v3 reads it, and config JSON written as Go's encoding/json writes it."""

from __future__ import annotations

import math

import pytest

from preflight.yamlfile import YamlError, go_float, go_json, go_resolve, loads


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False),
    ("yes", "yes"), ("on", "on"), ("n", "n"), ("tRue", "tRue"),  # YAML 1.1 booleans are strings in 1.2
    ("", None), ("~", None), ("null", None), ("NULL", None), ("nil", "nil"),
    ("12", 12), ("+12", 12), ("-12", -12), ("0", 0), ("-0", 0), ("0777", 511), ("0o17", 15), ("0x1F", 31),
    ("0b101", 5), ("-0x10", -16), ("1_000", 1000), ("0789", 789.0),  # not octal: a decimal float, as Go reads it
    ("08", 8.0), ("07", 7), ("-9223372036854775808", -(2**63)), ("-9223372036854775809", -9.223372036854776e18),
    ("9223372036854775807", 2**63 - 1), ("18446744073709551615", 2**64 - 1),
    ("+18446744073709551615", 1.8446744073709552e19),
    ("18446744073709551616", 1.8446744073709552e19), ("1.5", 1.5), (".5", 0.5), ("1.", 1.0), ("1e3", 1000.0),
    ("-1.5e-3", -0.0015), (".", "."), ("1e400", "1e400"), ("0x", "0x"), ("1_0.5", 10.5), ("12abc", "12abc"),
    ("2024-01-01", "2024-01-01"), ("1:30", "1:30"), ("-", "-"), ("+.5", 0.5),
])
def test_plain_scalars(text, value):
    resolved = go_resolve(text) if text else None
    assert resolved == value and type(resolved) is type(value), (text, resolved)


@pytest.mark.parametrize(("text", "check"), [(".nan", math.isnan), (".Inf", lambda v: v == math.inf),
                                             ("-.INF", lambda v: v == -math.inf), ("+.inf", lambda v: v > 0)])
def test_special_floats(text, check):
    assert check(go_resolve(text))


def test_quoted_and_tagged_scalars():
    assert loads("a: '12'\nb: \"true\"\nc: !!str 12\nd: !!int '12'\ne: !!float 2\nf: !!null ''\ng: !custom x\n",
                 "f.yaml") == {"a": "12", "b": "true", "c": "12", "d": 12, "e": 2.0, "f": None, "g": "x"}
    with pytest.raises(YamlError, match=r"^f.yaml: line 1: cannot decode the scalar as int"):
        loads("a: !!int x\n", "f.yaml")
    with pytest.raises(YamlError, match="cannot decode the scalar as bool"):
        loads("a: !!bool 1\n", "f.yaml")
    with pytest.raises(YamlError, match="cannot decode the scalar as int"):
        loads("a: !!int true\n", "f.yaml")


def test_keys_lines_and_merges():
    data = loads("base: &b {x: 1, y: 2}\nother: &o {z: 3}\nm:\n  <<: [*b, *o]\n  y: 5\n", "f.yaml")
    assert data["m"] == {"x": 1, "y": 5, "z": 3}
    assert data.lines == {"base": 1, "other": 2, "m": 3} and data["m"].lines["y"] == 5
    assert loads("m:\n  <<: {a: 1}\n  a: 2\n", "f.yaml") == {"m": {"a": 2}}


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\nb: 2\na: 3\n", "f.yaml: key 'a' is given twice, at lines 1 and 3 (YAML would keep only the last)"),
    ("x:\n  - {a: 1, a: 2}\n", "f.yaml: key 'a' in x[0] is given twice, at lines 2 and 2"),
    ("1: a\n", "f.yaml: line 1: mapping keys must be strings"),
    ("[a]: b\n", "f.yaml: line 1: mapping keys must be strings"),
    ("m:\n  <<: 3\n", "f.yaml: line 2: a merge key (<<) takes a mapping or a list of mappings"),
    ("a: &x [*x]\n", "f.yaml: line 1: an alias in a[0] refers to a node that contains it"),
    ("a: [\n", "f.yaml: line 2: not valid YAML"),
])
def test_malformed_yaml_names_the_file_and_line(text, message):
    with pytest.raises(YamlError) as info:
        loads(text, "f.yaml")
    assert str(info.value).startswith(message)


def test_empty_document_and_the_first_of_several():
    assert loads("", "f.yaml") is None and loads("# only a comment\n", "f.yaml") is None
    assert loads("a: 1\n---\nb: 2\n", "f.yaml") == {"a": 1}


@pytest.mark.parametrize(("value", "text"), [
    (3.0, "3"), (-2.0, "-2"), (0.0, "0"), (-0.0, "-0"), (0.1, "0.1"), (1e20, "100000000000000000000"),
    (1e21, "1e+21"), (1.5e300, "1.5e+300"), (1e-6, "0.000001"), (1e-7, "1e-7"), (1.25e-7, "1.25e-7"),
    (2.5e-5, "0.000025"), (123456.789, "123456.789"), (1e-10, "1e-10"),
])
def test_floats_as_go_writes_them(value, text):
    assert go_float(value) == text


def test_go_float_refuses_nan_and_infinity():
    for value in (math.nan, math.inf):
        with pytest.raises(ValueError):
            go_float(value)


def test_json_as_go_writes_it():
    assert go_json({"b": [1, 2.0, None, True, False], "a": {"z": "<&>", "y": "é\u2028"}}) == (
        '{"a":{"y":"é\\u2028","z":"\\u003c\\u0026\\u003e"},"b":[1,2,null,true,false]}')
    assert go_json(("a",)) == '["a"]' and go_json('q"\n') == '"q\\"\\n"'
    with pytest.raises(TypeError):
        go_json(object())
