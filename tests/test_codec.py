"""The cache codec: values round-trip exactly; bytes that are no encoding never build anything else."""

from __future__ import annotations

import enum
import marshal
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from golint_resilience.engine.codec import Codec, DecodeError


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Leaf:
    name: str
    tags: frozenset[str]


@dataclass(frozen=True)
class Node:
    color: Color
    children: tuple[Leaf, ...]
    extra: dict[str, list[int | None]]


CODEC = Codec((Color, Leaf, Node))

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)
leaves = st.builds(Leaf, st.text(max_size=5), st.frozensets(st.text(max_size=3), max_size=3))
nodes = st.builds(
    Node,
    st.sampled_from(Color),
    st.lists(leaves, max_size=3).map(tuple),
    st.dictionaries(st.text(max_size=3), st.lists(st.none() | st.integers(), max_size=3), max_size=3),
)


@given(st.one_of(plain, leaves, nodes, st.lists(nodes, max_size=3).map(tuple)))
def test_values_round_trip(value: object) -> None:
    decoded = CODEC.loads(CODEC.dumps(value))
    assert decoded == value
    assert type(decoded) is type(value)


def test_containers_of_registered_values_are_rebuilt_not_passed_through() -> None:
    value = (Leaf("a", frozenset({"x"})), [Leaf("b", frozenset())], frozenset({Color.RED}))
    decoded = CODEC.loads(CODEC.dumps(value))
    assert decoded == value
    assert isinstance(decoded[1][0], Leaf)
    assert next(iter(decoded[2])) is Color.RED


@pytest.mark.parametrize(
    "data",
    [
        b"bare bytes",
        (b"Unknown", 1),
        (b"Leaf", "only one field"),
        (b"Color", "green"),
        {1, 2},  # a set: never written by the encoder
        [compile("1", "<crafted>", "eval")],  # marshal rebuilds code objects; they must not pass
        {"key": (b"Leaf", "a", frozenset(), "a third field")},
    ],
    ids=["bytes", "unknown-type", "missing-field", "unknown-enum-value", "set", "code", "nested-field-count"],
)
def test_crafted_data_is_a_decode_error(data: object) -> None:
    with pytest.raises(DecodeError):
        CODEC.loads(marshal.dumps(data))


def test_truncated_bytes_are_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        CODEC.loads(CODEC.dumps(Node(Color.RED, (), {}))[:-3])
