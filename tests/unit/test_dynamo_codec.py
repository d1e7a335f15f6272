"""DynamoDB's attribute-value format without boto3: what the store writes reads back the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trust_renewal.storage.dynamo_codec import CodecError, decode, decode_item, encode, encode_item

plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False, width=32).filter(lambda f: not f.is_integer())
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(plain)
def test_round_trip(value):
    assert decode(encode(value)) == value


def test_the_wire_shape_and_numbers_come_back_as_int_or_float():
    item = {"finished": ["a", "b"], "prompt": 2, "ratio": 0.5, "done": True, "name": None}
    wire = encode_item(item)
    assert wire == {
        "finished": {"L": [{"S": "a"}, {"S": "b"}]},
        "prompt": {"N": "2"},
        "ratio": {"N": "0.5"},
        "done": {"BOOL": True},
        "name": {"NULL": True},
    }
    back = decode_item(wire)
    assert back == item and type(back["prompt"]) is int and type(back["ratio"]) is float


def test_sets_and_what_cannot_be_stored():
    assert decode(encode({"x", "y"})) == {"x", "y"}
    assert decode({"NS": ["1", "2.5"]}) == {1, 2.5}
    for bad in (float("nan"), object(), {1: "a"}, set()):
        with pytest.raises(CodecError):
            encode(bad)


@pytest.mark.parametrize(
    "bad",
    [{"S": 1}, {"N": "many"}, {"X": "?"}, {"S": "a", "N": "1"}, "text", {"M": []}, {"L": {}}],
)
def test_malformed_attribute_values_are_refused(bad):
    with pytest.raises(CodecError):
        decode(bad)
